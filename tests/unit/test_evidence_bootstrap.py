"""The composition root keeps evidence in S3 on AWS and under var/ in embedded mode."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
from portal.adapters.local_evidence import LocalEvidenceStore
from portal.adapters.s3_evidence import S3EvidenceStore
from portal.bootstrap import Container
from portal.config import Settings


def test_on_aws_evidence_goes_to_the_bucket_in_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_BUCKET", "portal-evidence-prod")
    client = boto3.client("s3", region_name="cn-north-1")
    assert isinstance(Container(Settings.from_env(), s3_client=client).evidence_store, S3EvidenceStore)


def test_in_embedded_mode_evidence_stays_in_the_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "evidence.key"
    key.write_bytes(os.urandom(32))
    monkeypatch.setenv("EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.setenv("EVIDENCE_KEY_FILE", str(key))
    store = Container(Settings.from_env()).evidence_store
    assert isinstance(store, LocalEvidenceStore)
    assert store.root == tmp_path / "evidence"


def test_without_a_place_for_files_no_upload_is_offered() -> None:
    with pytest.raises(RuntimeError, match="EVIDENCE_BUCKET"):
        _ = Container(Settings()).evidence_store
