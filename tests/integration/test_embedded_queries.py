"""The embedded store's Query fast path answers exactly as moto does for the conditions it covers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from portal_infra.embedded_queries import QueryFastPath
from portal_infra.tables import create_tables

REGION = "cn-north-1"
TABLE = "ComplaintsTable"


@pytest.fixture
def client() -> Iterator[Any]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_tables(dynamodb)
        for n in range(12):
            item: dict[str, Any] = {
                "pk": {"S": f"COMPLAINT#{n % 3}"},
                "sk": {"S": f"ACCESS#2026-11-{n + 10:02d}" if n % 2 else "CASE"} if n > 2 else {"S": "CASE"},
                "gsi1pk": {"S": f"MONTH#2026-{11 + n % 2}"},
                "gsi1sk": {"S": f"2026-11-{30 - n:02d}T10:00#{n}"},
                "version": {"N": str(n)},
                "sealed": {"B": bytes([n, 0, 255])},
                "case": {"M": {"timeline": {"L": [{"S": "受理"}, {"N": "1.5"}, {"BOOL": True}, {"NULL": True}]}}},
                "tags": {"SS": ["a", f"t{n}"]},
            }
            if n % 4 == 0:
                item["gsi2pk"], item["gsi2sk"] = {"S": "OPEN#1"}, {"S": f"{n:03d}"}
            dynamodb.put_item(TableName=TABLE, Item=item)
        yield dynamodb


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"S": "COMPLAINT#1"}}},
    {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": "COMPLAINT#1"}, ":prefix": {"S": "ACCESS#"}},
        "ConsistentRead": True,
    },
    {
        "IndexName": "by_month",
        "KeyConditionExpression": "gsi1pk = :value",
        "ExpressionAttributeValues": {":value": {"S": "MONTH#2026-11"}},
    },
    {
        "IndexName": "by_month",
        "KeyConditionExpression": "gsi1pk = :value",
        "ExpressionAttributeValues": {":value": {"S": "MONTH#2026-12"}},
        "ScanIndexForward": False,
    },
    {
        "IndexName": "pending",
        "KeyConditionExpression": "gsi2pk = :value",
        "ExpressionAttributeValues": {":value": {"S": "OPEN#1"}},
    },
    {"KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"S": "COMPLAINT#none"}}},
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_fast_path_returns_what_moto_returns(client: Any, query: dict[str, Any]) -> None:
    params = {"TableName": TABLE, **query}
    from_moto = client.query(**params)

    answered = QueryFastPath(REGION).query(params)

    assert answered is not None
    assert answered["Items"] == from_moto["Items"]
    assert answered["Count"] == from_moto["Count"]


@pytest.mark.parametrize(
    "extra",
    [
        {"FilterExpression": "version > :n"},
        {"Limit": 2},
        {"ProjectionExpression": "pk"},
        {"KeyConditionExpression": "pk = :v AND sk > :v"},
    ],
)
def test_anything_else_is_left_to_moto(client: Any, extra: dict[str, Any]) -> None:
    params = {"TableName": TABLE, **QUERIES[0], **extra}
    assert QueryFastPath(REGION).query(params) is None


@pytest.mark.parametrize(
    "key",
    [
        {"pk": {"S": "COMPLAINT#1"}, "sk": {"S": "CASE"}},
        {"pk": {"S": "COMPLAINT#2"}, "sk": {"S": "ACCESS#2026-11-15"}},
        {"pk": {"S": "COMPLAINT#9"}, "sk": {"S": "CASE"}},
    ],
)
def test_get_item_returns_what_moto_returns(client: Any, key: dict[str, Any]) -> None:
    params = {"TableName": TABLE, "Key": key, "ConsistentRead": True}
    from_moto = client.get_item(**params)

    answered = QueryFastPath(REGION).get_item(params)

    assert answered is not None
    assert answered.get("Item") == from_moto.get("Item")
