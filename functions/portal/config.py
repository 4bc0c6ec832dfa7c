"""Settings read from the environment once per container."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

_PACKAGED_DATA = Path(__file__).parent / "_data"
_REPOSITORY_DATA = Path(__file__).resolve().parents[2] / "content" / "data"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    complaints_table: str = "portal-complaints"
    idempotency_table: str = "portal-idempotency"
    # In the repository the organizers' files themselves; in the Lambda artifact the copy packaged with it.
    data_dir: Path = _REPOSITORY_DATA if _REPOSITORY_DATA.is_dir() else _PACKAGED_DATA
    rule_set: str | None = None
    pii_key_file: Path | None = None
    pii_kms_key_id: str | None = None
    admin_token_file: Path | None = None
    notices_topic_arn: str | None = None
    retention_years: int = Field(default=3, ge=1, le=30)
    max_body_bytes: int = 64 * 1024
    idempotency_ttl_seconds: int = 3600
    evidence_bucket: str | None = None  # AWS: the private S3 bucket for evidence files
    evidence_dir: Path | None = None  # embedded mode: evidence files on disk, with…
    evidence_key_file: Path | None = None  # …the key that signs local upload policies and links

    @classmethod
    def from_env(cls) -> Settings:
        names = {
            "complaints_table": "COMPLAINTS_TABLE",
            "idempotency_table": "IDEMPOTENCY_TABLE",
            "data_dir": "PORTAL_DATA_DIR",
            "rule_set": "RULE_SET",
            "pii_key_file": "PII_KEY_FILE",
            "pii_kms_key_id": "PII_KMS_KEY_ID",
            "evidence_bucket": "EVIDENCE_BUCKET",
            "evidence_dir": "EVIDENCE_DIR",
            "evidence_key_file": "EVIDENCE_KEY_FILE",
            "admin_token_file": "ADMIN_TOKEN_FILE",
            "notices_topic_arn": "NOTICES_TOPIC_ARN",
            "retention_years": "RETENTION_YEARS",
        }
        return cls.model_validate({field: os.environ[env] for field, env in names.items() if os.environ.get(env)})
