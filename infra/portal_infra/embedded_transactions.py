"""TransactWriteItems for the embedded store, without moto's copy of every table on every call.

moto makes a transaction atomic by deep-copying each table it touches, so a transaction costs time in
proportion to the table's size: seconds once a campus has a few thousand records. The embedded store
already runs one DynamoDB call at a time, so a transaction can be applied item by item with moto's
own conditional writes and undone item by item if any condition fails — the same all-or-nothing
result, at the cost of the items involved only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError


class TransactionEmulator:
    def __init__(self, client: Any, key_attributes: Mapping[str, Sequence[str]]) -> None:
        self._client = client
        self._keys = key_attributes

    def transact_write_items(self, TransactItems: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        targets = [self._target(entry) for entry in TransactItems]
        if len({(table, repr(sorted(key.items()))) for table, key, _, _ in targets}) != len(targets):
            raise self._error(
                "ValidationException", "Transaction request cannot include multiple operations on one item"
            )
        applied: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
        reasons: list[dict[str, Any]] = []
        for table, key, kind, operation in targets:
            original = self._client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
            try:
                self._apply(table, key, kind, operation, original)
            except self._client.exceptions.ConditionalCheckFailedException:
                reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
                if operation.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and original:
                    reason["Item"] = original
                reasons.append(reason)
                self._undo(applied)
                reasons.extend({"Code": "None"} for _ in range(len(targets) - len(reasons)))
                raise self._cancelled(reasons) from None
            applied.append((table, key, original))
            reasons.append({"Code": "None"})
        return {}

    def _target(self, entry: dict[str, Any]) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
        kind, operation = next(iter(entry.items()))
        table = operation["TableName"]
        source = operation["Item"] if kind == "Put" else operation["Key"]
        key = {name: source[name] for name in self._keys[table]}
        return table, key, kind, operation

    def _apply(
        self, table: str, key: dict[str, Any], kind: str, operation: dict[str, Any], original: dict[str, Any] | None
    ) -> None:
        condition = {
            name: operation[name]
            for name in ("ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues")
            if name in operation
        }
        if kind == "Put":
            self._client.put_item(TableName=table, Item=operation["Item"], **condition)
        elif kind == "Update":
            self._client.update_item(
                TableName=table, Key=key, UpdateExpression=operation["UpdateExpression"], **condition
            )
        elif kind == "Delete":
            self._client.delete_item(TableName=table, Key=key, **condition)
        elif kind == "ConditionCheck":
            # An update that changes nothing but is refused exactly when the condition fails.
            names = {**condition.pop("ExpressionAttributeNames", {}), "#portal_unused": "portal_unused"}
            self._client.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="REMOVE #portal_unused",
                ExpressionAttributeNames=names,
                **condition,
            )
            if original is None:  # the update created a key-only item: a check must leave no trace
                self._client.delete_item(TableName=table, Key=key)
        else:
            raise self._error("ValidationException", f"unknown transaction operation {kind}")

    def _undo(self, applied: list[tuple[str, dict[str, Any], dict[str, Any] | None]]) -> None:
        for table, key, original in reversed(applied):
            if original is None:
                self._client.delete_item(TableName=table, Key=key)
            else:
                self._client.put_item(TableName=table, Item=original)

    def _cancelled(self, reasons: list[dict[str, Any]]) -> ClientError:
        codes = ", ".join(reason["Code"] for reason in reasons)
        message = f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]"
        error_response = {
            "Error": {"Code": "TransactionCanceledException", "Message": message},
            "CancellationReasons": reasons,
        }
        cancelled: ClientError = self._client.exceptions.TransactionCanceledException(
            error_response, "TransactWriteItems"
        )
        return cancelled

    def _error(self, code: str, message: str) -> ClientError:
        return ClientError({"Error": {"Code": code, "Message": message}}, "TransactWriteItems")
