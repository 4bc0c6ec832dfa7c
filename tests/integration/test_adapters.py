"""The DynamoDB repository and the personal-data ciphers against moto, tables from template.yaml."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest
from cryptography.exceptions import InvalidTag
from moto import mock_aws
from portal.adapters.complaint_items import complaint_key
from portal.adapters.dynamodb_complaints import DynamoDBComplaintRepository
from portal.adapters.personal_data_cipher import DataMaskingCipher, LocalKeyCipher
from portal.domain.codes import hash_access_code
from portal.domain.complaints import register
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import ComplaintIn
from portal.ports import DuplicateKey, DuplicateSubmission, SubmissionReceipt
from portal_infra.tables import create_tables

from tests.conftest import complaint_payload

RECEIVED = datetime(2026, 9, 30, 16, 30, tzinfo=CHINA_TZ)


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="cn-north-1")
        create_tables(client)
        yield client


def a_complaint(tracking_no: str = "TS-1234-5678-9012") -> Any:
    form = ComplaintIn.model_validate(complaint_payload()).to_form()
    return register(form, tracking_no, hash_access_code("K7M2Q9XP"), RECEIVED, "consumer_law_art46")


def test_the_tables_come_from_template_yaml_with_their_ttl(dynamodb: Any) -> None:
    assert set(dynamodb.list_tables()["TableNames"]) == {"ComplaintsTable", "IdempotencyTable"}
    ttl = dynamodb.describe_time_to_live(TableName="ComplaintsTable")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"


def test_a_stored_complaint_reads_back_equal(dynamodb: Any) -> None:
    repository = DynamoDBComplaintRepository(dynamodb, "ComplaintsTable", LocalKeyCipher(os.urandom(32)))
    complaint = a_complaint()

    repository.add(complaint)

    assert repository.get(complaint.tracking_no) == complaint
    assert repository.get("TS-0000-0000-0000") is None


def test_a_second_complaint_under_the_same_number_is_refused_not_overwritten(dynamodb: Any) -> None:
    repository = DynamoDBComplaintRepository(dynamodb, "ComplaintsTable", LocalKeyCipher(os.urandom(32)))
    repository.add(a_complaint())

    with pytest.raises(DuplicateKey):
        repository.add(a_complaint())


def test_personal_data_copied_onto_another_record_does_not_decrypt(dynamodb: Any) -> None:
    # Given two stored complaints
    repository = DynamoDBComplaintRepository(dynamodb, "ComplaintsTable", LocalKeyCipher(os.urandom(32)))
    repository.add(a_complaint("TS-1111-1111-1111"))
    repository.add(a_complaint("TS-2222-2222-2222"))

    # When someone with write access moves one record's sealed personal data onto the other
    sealed = dynamodb.get_item(TableName="ComplaintsTable", Key=complaint_key("TS-1111-1111-1111"))["Item"]
    dynamodb.update_item(
        TableName="ComplaintsTable",
        Key=complaint_key("TS-2222-2222-2222"),
        UpdateExpression="SET personal_data = :p",
        ExpressionAttributeValues={":p": sealed["personal_data"]},
    )

    # Then reading the tampered record fails instead of showing someone else's data
    with pytest.raises(InvalidTag):
        repository.get("TS-2222-2222-2222")


def test_on_aws_personal_data_is_sealed_by_data_masking_with_kms_and_bound_to_its_record() -> None:
    with mock_aws():
        kms = boto3.client("kms", region_name="cn-north-1")
        key_arn = kms.create_key(Description="personal data")["KeyMetadata"]["Arn"]
        cipher = DataMaskingCipher(key_arn)

        sealed = cipher.seal("13912345678 李小明".encode(), "TS-1234-5678-9012")

        assert b"13912345678" not in sealed
        assert cipher.open(sealed, "TS-1234-5678-9012") == "13912345678 李小明".encode()
        with pytest.raises(Exception):  # noqa: B017, PT011 - the encryption context does not match
            cipher.open(sealed, "TS-9999-9999-9999")


def test_a_complaint_and_its_receipt_are_written_together_and_the_receipt_holds_the_code_sealed(
    dynamodb: Any,
) -> None:
    # Given a complaint stored with a submission receipt
    repository = DynamoDBComplaintRepository(dynamodb, "ComplaintsTable", LocalKeyCipher(os.urandom(32)))
    receipt = SubmissionReceipt("POST /api/complaints key-1", "f" * 64, "TS-1111-1111-1111", "K7M2Q9XP")
    repository.add(a_complaint("TS-1111-1111-1111"), receipt)

    # When the same submission is stored again under a new tracking number
    with pytest.raises(DuplicateSubmission) as repeat:
        repository.add(a_complaint("TS-2222-2222-2222"), receipt)

    # Then nothing new is written, the first receipt comes back, and no access code is stored in clear
    assert repeat.value.receipt == receipt
    assert repository.get("TS-2222-2222-2222") is None
    assert "K7M2Q9XP" not in repr(dynamodb.scan(TableName="ComplaintsTable")["Items"])
    assert "key-1" not in repr(dynamodb.scan(TableName="ComplaintsTable")["Items"])


def test_a_taken_tracking_number_fails_the_whole_transaction(dynamodb: Any) -> None:
    repository = DynamoDBComplaintRepository(dynamodb, "ComplaintsTable", LocalKeyCipher(os.urandom(32)))
    repository.add(a_complaint("TS-1111-1111-1111"))
    receipt = SubmissionReceipt("key-2", "f" * 64, "TS-1111-1111-1111", "K7M2Q9XP")

    with pytest.raises(DuplicateKey):
        repository.add(a_complaint("TS-1111-1111-1111"), receipt)
    assert repository.receipt("key-2") is None
