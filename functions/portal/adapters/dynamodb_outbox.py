"""Notices for organizers, kept in the complaints table; unsent ones sit in the sparse `pending` index."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from portal.adapters.complaint_items import expiry
from portal.ports import Notice

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

NOTICE_SK = "NOTICE"
UNSENT = "UNSENT"
NOTICE_LIFETIME = timedelta(days=400)
BATCH_GET_SIZE = 100  # DynamoDB's BatchGetItem limit


class DynamoDBOutbox:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def post(self, notice: Notice) -> bool:
        created = notice.created_at.isoformat()
        item = {
            **_key(notice.id),
            "notice_id": {"S": notice.id},
            "tracking_no": {"S": notice.tracking_no},
            "subject": {"S": notice.subject},
            "message": {"S": notice.message},
            "created_at": {"S": created},
            "gsi1pk": {"S": f"NOTICES#{notice.created_at:%Y}"},
            "gsi1sk": {"S": created},
            "gsi2pk": {"S": UNSENT},
            "gsi2sk": {"S": created},
            "expires_at": {"N": expiry(notice.created_at, NOTICE_LIFETIME)},
        }
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def already_posted(self, notice_ids: list[str]) -> set[str]:
        posted: set[str] = set()
        for start in range(0, len(notice_ids), BATCH_GET_SIZE):
            pending: Any = {
                self._table: {
                    "Keys": [_key(notice_id) for notice_id in notice_ids[start : start + BATCH_GET_SIZE]],
                    "ProjectionExpression": "notice_id",
                    "ConsistentRead": True,
                }
            }
            while pending:
                response = self._client.batch_get_item(RequestItems=pending)
                posted |= {item["notice_id"]["S"] for item in response["Responses"].get(self._table, [])}
                pending = response.get("UnprocessedKeys") or None
        return posted

    def unsent(self) -> list[Notice]:
        return self._query("pending", "gsi2pk", UNSENT, newest_first=False, limit=None)

    def mark_sent(self, notice: Notice, at: datetime) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=_key(notice.id),
            UpdateExpression="SET sent_at = :at REMOVE gsi2pk, gsi2sk",
            ExpressionAttributeValues={":at": {"S": at.isoformat()}},
        )

    def recent(self, limit: int) -> list[Notice]:
        this_year = datetime.now().year
        notices: list[Notice] = []
        for year in (this_year, this_year - 1):
            notices += self._query("by_month", "gsi1pk", f"NOTICES#{year}", newest_first=True, limit=limit)
        return notices[:limit]

    def _query(self, index: str, key: str, value: str, *, newest_first: bool, limit: int | None) -> list[Notice]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{key} = :value",
            "ExpressionAttributeValues": {":value": {"S": value}},
            "ScanIndexForward": not newest_first,
        }
        notices: list[Notice] = []
        while limit is None or len(notices) < limit:
            page = self._client.query(**params)
            notices += [_notice(item) for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return notices[:limit] if limit is not None else notices


def _key(notice_id: str) -> dict[str, Any]:
    digest = hashlib.sha256(notice_id.encode()).hexdigest()
    return {"pk": {"S": f"NOTICE#{digest}"}, "sk": {"S": NOTICE_SK}}


def _notice(item: dict[str, Any]) -> Notice:
    sent = item.get("sent_at", {}).get("S")
    return Notice(
        id=item["notice_id"]["S"],
        tracking_no=item["tracking_no"]["S"],
        subject=item["subject"]["S"],
        message=item["message"]["S"],
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
        sent_at=datetime.fromisoformat(sent) if sent else None,
    )
