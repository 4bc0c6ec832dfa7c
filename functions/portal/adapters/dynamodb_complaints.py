"""Complaints in DynamoDB: one item per case, personal data sealed in a single binary attribute."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from portal.adapters.complaint_items import OPEN_SHARDS, complaint_key, expiry, from_item, month_key, to_item
from portal.domain.complaints import Complaint
from portal.domain.working_days import CHINA_TZ
from portal.ports import DuplicateKey, DuplicateSubmission, PersonalDataCipher, StaleVersion, SubmissionReceipt

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
RECEIPT_SK = "RECEIPT"
RECEIPT_LIFETIME = timedelta(days=1)


def receipt_key(submission_key: str) -> dict[str, Any]:
    # Only a digest of the client's key is stored.
    digest = hashlib.sha256(submission_key.encode()).hexdigest()
    return {"pk": {"S": f"SUBMISSION#{digest}"}, "sk": {"S": RECEIPT_SK}}


class DynamoDBComplaintRepository:
    def __init__(self, client: DynamoDBClient, table_name: str, cipher: PersonalDataCipher) -> None:
        self._client = client
        self._table = table_name
        self._cipher = cipher

    def add(self, complaint: Complaint, receipt: SubmissionReceipt | None = None) -> None:
        item = {name: _serializer.serialize(value) for name, value in to_item(complaint, self._cipher).items()}
        new_only = "attribute_not_exists(pk)"
        if receipt is None:
            try:
                self._client.put_item(TableName=self._table, Item=item, ConditionExpression=new_only)
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise DuplicateKey(complaint.tracking_no) from error
            return
        receipt_item = self._receipt_item(receipt, complaint.received_at)
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": new_only}},
                    {"Put": {"TableName": self._table, "Item": receipt_item, "ConditionExpression": new_only}},
                ]
            )
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                existing = self.receipt(receipt.submission_key)
                if existing is not None:
                    raise DuplicateSubmission(existing) from error
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise DuplicateKey(complaint.tracking_no) from error
            raise

    def receipt(self, submission_key: str) -> SubmissionReceipt | None:
        key = receipt_key(submission_key)
        response = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True)
        if "Item" not in response:
            return None
        item = response["Item"]
        code = self._cipher.open(bytes(item["access_code"]["B"]), key["pk"]["S"]).decode()
        return SubmissionReceipt(submission_key, item["fingerprint"]["S"], item["tracking_no"]["S"], code)

    def _receipt_item(self, receipt: SubmissionReceipt, received_at: datetime) -> dict[str, Any]:
        key = receipt_key(receipt.submission_key)
        sealed = self._cipher.seal(receipt.access_code.encode(), key["pk"]["S"])
        return {
            **key,
            "tracking_no": {"S": receipt.tracking_no},
            "fingerprint": {"S": receipt.fingerprint},
            "access_code": {"B": sealed},
            "expires_at": {"N": expiry(received_at, RECEIPT_LIFETIME)},
        }

    def get(self, tracking_no: str, *, personal_data: bool = True) -> Complaint | None:
        response = self._client.get_item(TableName=self._table, Key=complaint_key(tracking_no), ConsistentRead=True)
        if "Item" not in response:
            return None
        return from_item(_plain(response["Item"]), self._cipher, with_personal_data=personal_data)

    def save(self, complaint: Complaint) -> None:
        item = {name: _serializer.serialize(value) for name, value in to_item(complaint, self._cipher).items()}
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="version = :previous",
                ExpressionAttributeValues={":previous": {"N": str(complaint.version - 1)}},
            )
        except self._client.exceptions.ConditionalCheckFailedException as error:
            raise StaleVersion(complaint.tracking_no) from error

    def received_between(self, first: date, last: date) -> Iterator[Complaint]:
        # Month partitions by China date; a day either side catches items keyed before that rule.
        low, high = first - timedelta(days=1), last + timedelta(days=1)
        months = sorted({month_key(low + timedelta(days=n)) for n in range((high - low).days + 1)})
        for month in months:
            for item in self._query("by_month", "gsi1pk", month):
                complaint = from_item(item, self._cipher, with_personal_data=False)
                if first <= complaint.received_at.astimezone(CHINA_TZ).date() <= last:
                    yield complaint

    def open_cases(self) -> Iterator[Complaint]:
        for shard in range(OPEN_SHARDS):
            for item in self._query("pending", "gsi2pk", f"OPEN#{shard}"):
                yield from_item(item, self._cipher, with_personal_data=False)

    def _query(self, index: str, key: str, value: str) -> Iterator[dict[str, Any]]:
        # Paged by hand: a paginator would bypass the embedded store's lock.
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{key} = :value",
            "ExpressionAttributeValues": {":value": {"S": value}},
        }
        while True:
            page = self._client.query(**params)
            for item in page["Items"]:
                yield _plain(item)
            if "LastEvaluatedKey" not in page:
                return
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}
