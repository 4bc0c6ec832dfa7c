"""The evidence adapters on moto: slot records in the complaints table from template.yaml, files in S3."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from botocore.config import Config
from moto import mock_aws
from portal.adapters.dynamodb_evidence import DynamoDBEvidenceRepository
from portal.adapters.personal_data_cipher import LocalKeyCipher
from portal.adapters.s3_evidence import S3EvidenceStore
from portal.domain import evidence
from portal.domain.evidence import MAX_BYTES, EvidenceState, EvidenceUpload
from portal.domain.working_days import CHINA_TZ
from portal.ports import SlotTaken
from portal_infra.tables import create_tables

from tests.fakes_evidence import TINY_PNG

BUCKET = "portal-evidence-test"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any]]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="cn-north-1")
        create_tables(dynamodb)
        s3 = boto3.client("s3", region_name="cn-north-1", config=Config(signature_version="s3v4"))
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
        yield dynamodb, s3


@pytest.fixture
def records(aws: tuple[Any, Any]) -> DynamoDBEvidenceRepository:
    return DynamoDBEvidenceRepository(aws[0], "ComplaintsTable", LocalKeyCipher(os.urandom(32)))


@pytest.fixture
def store(aws: tuple[Any, Any]) -> S3EvidenceStore:
    return S3EvidenceStore(aws[1], BUCKET)


def reserved(number: int, nonce: str = "a1") -> evidence.EvidenceSlot:
    return evidence.reserve(EvidenceUpload("李小明的发票.png", "image/png", 71), "TS-1", number, nonce, NOW)


def test_slot_records_round_trip_with_the_file_name_sealed(records: DynamoDBEvidenceRepository, aws: Any) -> None:
    kept = evidence.mark_stored(reserved(2), 71, NOW)
    records.put(kept)

    assert records.get("TS-1", 2) == kept
    assert records.slots("TS-1") == [kept]
    raw = aws[0].get_item(TableName="ComplaintsTable", Key={"pk": {"S": "COMPLAINT#TS-1"}, "sk": {"S": "EVIDENCE#2"}})
    assert "李小明".encode() not in raw["Item"]["filename"]["B"]
    # A kept file goes with the complaint; its record's own timer is only the 4-year backstop
    assert int(raw["Item"]["expires_at"]["N"]) == int((NOW + timedelta(days=1461)).timestamp())


def test_a_taken_slot_cannot_be_reserved_twice(records: DynamoDBEvidenceRepository) -> None:
    records.put(reserved(1, "first"))
    with pytest.raises(SlotTaken):
        records.put(reserved(1, "second"))


def test_a_slot_is_replaced_only_while_it_is_still_what_was_read(records: DynamoDBEvidenceRepository) -> None:
    # Given a reservation that two requests read
    first = reserved(1, "first")
    records.put(first)

    # When one of them replaces it, the other's replacement of the same record fails
    records.put(reserved(1, "second"), first)
    with pytest.raises(SlotTaken):
        records.put(reserved(1, "third"), first)
    slot = records.get("TS-1", 1)
    assert slot is not None
    assert slot.object_key.endswith("1-second")


def test_reservations_carry_a_ttl_and_deleting_all_removes_only_evidence(
    records: DynamoDBEvidenceRepository, aws: Any
) -> None:
    records.put(reserved(1))
    case = {"pk": {"S": "COMPLAINT#TS-1"}, "sk": {"S": "CASE"}}
    aws[0].put_item(TableName="ComplaintsTable", Item=case)
    item = aws[0].get_item(TableName="ComplaintsTable", Key={**case, "sk": {"S": "EVIDENCE#1"}})["Item"]
    assert int(item["expires_at"]["N"]) == int(NOW.timestamp()) + 86400

    records.delete_all("TS-1")

    assert records.slots("TS-1") == []
    assert "Item" in aws[0].get_item(TableName="ComplaintsTable", Key=case)


def test_the_presigned_post_makes_s3_enforce_type_size_and_encryption(store: S3EvidenceStore) -> None:
    slot = store.upload_slot("evidence/TS-1/1-a1", "image/png", MAX_BYTES)

    policy = json.loads(base64.b64decode(slot.fields["policy"]))
    conditions = policy["conditions"]
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, MAX_BYTES] in conditions
    assert {"x-amz-server-side-encryption": "AES256"} in conditions
    assert {"key": "evidence/TS-1/1-a1"} in conditions
    assert slot.fields["Content-Type"] == "image/png"
    assert slot.url.startswith(f"https://{BUCKET}.s3.")
    assert datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00")) <= slot.expires_at


def test_an_uploaded_file_is_inspected_linked_and_deleted(store: S3EvidenceStore) -> None:
    # Given a file uploaded the way the browser does it
    slot = store.upload_slot("evidence/TS-1/1-a1", "image/png", MAX_BYTES)
    sent = requests.post(slot.url, data=slot.fields, files={"file": ("a.png", TINY_PNG, "image/png")}, timeout=10)
    assert sent.status_code == 204

    # Then its size, type and first bytes can be checked
    found = store.inspect("evidence/TS-1/1-a1")
    assert found is not None
    assert (found.size, found.content_type, found.head) == (len(TINY_PNG), "image/png", TINY_PNG[:16])

    # And organizers get a 5-minute link that downloads it as an attachment under its own name
    link = urlsplit(store.download_link("evidence/TS-1/1-a1", "发票.png"))
    query = {name: values[0] for name, values in parse_qs(link.query).items()}
    assert query["X-Amz-Expires"] == "300"
    assert query["response-content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%8F%91%E7%A5%A8.png" in query["response-content-disposition"]

    store.delete("evidence/TS-1/1-a1")
    assert store.inspect("evidence/TS-1/1-a1") is None


def test_deleting_a_prefix_removes_every_file_of_that_complaint_only(store: S3EvidenceStore, aws: Any) -> None:
    for key in ("evidence/TS-1/1-a", "evidence/TS-1/2-b", "evidence/TS-2/1-c"):
        aws[1].put_object(Bucket=BUCKET, Key=key, Body=TINY_PNG, ContentType="image/png")

    store.delete_prefix("evidence/TS-1/")

    remaining = [item["Key"] for item in aws[1].list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert remaining == ["evidence/TS-2/1-c"]


def test_a_failed_slot_is_stored_as_failed(records: DynamoDBEvidenceRepository) -> None:
    first = reserved(3)
    records.put(first)
    records.put(evidence.mark_failed(first), first)
    slot = records.get("TS-1", 3)
    assert slot is not None
    assert slot.state is EvidenceState.FAILED


def test_an_empty_object_is_reported_with_size_zero(store: S3EvidenceStore, aws: Any) -> None:
    aws[1].put_object(Bucket=BUCKET, Key="evidence/TS-1/1-e", Body=b"", ContentType="image/png")
    found = store.inspect("evidence/TS-1/1-e")
    assert found is not None
    assert (found.size, found.head) == (0, b"")
