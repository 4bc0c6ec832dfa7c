"""The composition root picks the right adapters from the settings."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from portal.adapters.personal_data_cipher import DataMaskingCipher, LocalKeyCipher
from portal.bootstrap import Container
from portal.config import Settings


def test_on_aws_personal_data_is_sealed_with_kms() -> None:
    with mock_aws():
        kms = boto3.client("kms", region_name="cn-north-1")
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        container = Container(Settings(pii_kms_key_id=key_arn))
        assert isinstance(container.personal_data_cipher, DataMaskingCipher)


def test_in_embedded_mode_personal_data_is_sealed_with_the_local_key(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_bytes(os.urandom(32))
    assert isinstance(Container(Settings(pii_key_file=key)).personal_data_cipher, LocalKeyCipher)


def test_without_a_key_nothing_personal_can_be_stored() -> None:
    with pytest.raises(RuntimeError, match="PII_KMS_KEY_ID"):
        _ = Container(Settings()).personal_data_cipher


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTS_TABLE", "prod-complaints")
    monkeypatch.setenv("RULE_SET", "enterprise")
    settings = Settings.from_env()
    assert (settings.complaints_table, settings.rule_set) == ("prod-complaints", "enterprise")
    assert Container(settings).complaint_policy.rule_set.id == "enterprise"


def test_every_rule_set_in_the_data_loads() -> None:
    container = Container(Settings())
    for rule_set in container.content.deadline_rules.rule_sets:
        assert container.content.rule_set(rule_set).rules
