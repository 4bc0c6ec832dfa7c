"""The access log: one item per complaint per read, in the complaint's own partition."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from portal.adapters.complaint_items import expiry
from portal.ports import AccessRecord

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_SIZE = 25  # DynamoDB's BatchWriteItem limit
# Kept a year beyond the longest the complaint itself can be kept.
LOG_LIFETIME = timedelta(days=366 * 4)


class DynamoDBAccessLog:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def record(self, entry: AccessRecord) -> None:
        items = [self._item(entry, tracking_no) for tracking_no in entry.tracking_nos]
        for start in range(0, len(items), BATCH_SIZE):
            pending: Any = {self._table: [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_SIZE]]}
            while pending:
                response = self._client.batch_write_item(RequestItems=pending)
                pending = response.get("UnprocessedItems") or None

    def for_complaint(self, tracking_no: str) -> list[AccessRecord]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": f"COMPLAINT#{tracking_no}"}, ":prefix": {"S": "ACCESS#"}},
        }
        records = []
        while True:
            page = self._client.query(**params)
            records += [
                AccessRecord(
                    item["actor"]["S"], datetime.fromisoformat(item["at"]["S"]), item["purpose"]["S"], (tracking_no,)
                )
                for item in page["Items"]
            ]
            if "LastEvaluatedKey" not in page:
                return records
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    @staticmethod
    def _item(entry: AccessRecord, tracking_no: str) -> dict[str, Any]:
        at = entry.at.isoformat()
        return {
            "pk": {"S": f"COMPLAINT#{tracking_no}"},
            "sk": {"S": f"ACCESS#{at}#{secrets.token_hex(4)}"},
            "actor": {"S": entry.actor},
            "at": {"S": at},
            "purpose": {"S": entry.purpose},
            "expires_at": {"N": expiry(entry.at, LOG_LIFETIME)},
        }
