"""The embedded store's transactions behave like moto's own (and DynamoDB's): all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from portal_infra.embedded_transactions import TransactionEmulator

TABLE = "T"


def new_table() -> Any:
    """Inside mock_aws: a table with a seat counter at 1 and an item "old"."""
    dynamodb = boto3.client("dynamodb", region_name="cn-north-1")
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "seat"}, "taken": {"N": "1"}})
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "old"}})
    return dynamodb


@pytest.fixture
def client() -> Iterator[Any]:
    with mock_aws():
        yield new_table()


def items(client: Any) -> dict[str, Any]:
    return {item["pk"]["S"]: item for item in client.scan(TableName=TABLE)["Items"]}


def put(pk: str, condition: str | None = "attribute_not_exists(pk)") -> dict[str, Any]:
    operation: dict[str, Any] = {"TableName": TABLE, "Item": {"pk": {"S": pk}}}
    if condition:
        operation["ConditionExpression"] = condition
    return {"Put": operation}


def take_seat(limit: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": "seat"}},
            "UpdateExpression": "ADD taken :one",
            "ConditionExpression": "taken < :limit",
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":limit": {"N": str(limit)}},
        }
    }


SCENARIOS = {
    "all succeed": [put("a"), take_seat(5), {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "old"}}}}],
    "last fails": [put("a"), take_seat(5), put("old")],
    "update fails": [put("a"), take_seat(1)],
    "check passes": [
        put("a"),
        {
            "ConditionCheck": {
                "TableName": TABLE,
                "Key": {"pk": {"S": "old"}},
                "ConditionExpression": "attribute_exists(pk)",
            }
        },
    ],
    "check passes on a missing item": [
        put("a"),
        {
            "ConditionCheck": {
                "TableName": TABLE,
                "Key": {"pk": {"S": "ghost"}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
    ],
    "check fails on a missing item": [
        put("a"),
        {
            "ConditionCheck": {
                "TableName": TABLE,
                "Key": {"pk": {"S": "ghost"}},
                "ConditionExpression": "attribute_exists(pk)",
            }
        },
    ],
}


def outcome(client: Any, run: Any, operations: list[dict[str, Any]]) -> tuple[Any, dict[str, Any]]:
    try:
        run(TransactItems=operations)
        reasons = None
    except ClientError as error:
        reasons = [reason["Code"] for reason in error.response.get("CancellationReasons", [])]
    return reasons, items(client)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_emulator_ends_in_the_same_state_with_the_same_reasons_as_moto(scenario: str) -> None:
    results = []
    for emulated in (False, True):
        with mock_aws():
            dynamodb = new_table()
            run = (
                TransactionEmulator(dynamodb, {TABLE: ["pk"]}).transact_write_items
                if emulated
                else dynamodb.transact_write_items
            )
            results.append(outcome(dynamodb, run, SCENARIOS[scenario]))
    assert results[0] == results[1]


def test_a_failed_condition_is_raised_as_dynamodb_raises_it(client: Any) -> None:
    emulator = TransactionEmulator(client, {TABLE: ["pk"]})
    with pytest.raises(client.exceptions.TransactionCanceledException) as cancelled:
        emulator.transact_write_items(TransactItems=[put("a"), put("old")])
    assert [r["Code"] for r in cancelled.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert "a" not in items(client)


def test_two_operations_on_one_item_are_refused(client: Any) -> None:
    emulator = TransactionEmulator(client, {TABLE: ["pk"]})
    with pytest.raises(ClientError, match="multiple operations on one item"):
        emulator.transact_write_items(TransactItems=[put("a"), put("a", condition=None)])
