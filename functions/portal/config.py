"""Settings read from the environment once per container."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

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
    max_body_bytes: int = 64 * 1024
    idempotency_ttl_seconds: int = 3600

    @classmethod
    def from_env(cls) -> Settings:
        names = {
            "complaints_table": "COMPLAINTS_TABLE",
            "idempotency_table": "IDEMPOTENCY_TABLE",
            "data_dir": "PORTAL_DATA_DIR",
            "rule_set": "RULE_SET",
            "pii_key_file": "PII_KEY_FILE",
            "pii_kms_key_id": "PII_KMS_KEY_ID",
        }
        return cls.model_validate({field: os.environ[env] for field, env in names.items() if os.environ.get(env)})
