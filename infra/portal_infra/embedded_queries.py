"""Query and GetItem for the embedded store, read straight from moto's tables.

moto answers a Query by walking every returned attribute through botocore's generic response
serializer: about 7 ms an item, so an organizer's list of one month's complaints took seconds. The
key conditions the portal uses — `k = :v`, optionally `AND begins_with(s, :p)` — are answered here
from moto's own items, in key order, as one page. Anything else (filters, projections, limits,
paging) goes to moto unchanged; so does a GetItem with a projection. tests/integration/test_embedded_queries.py
checks both paths agree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

_KEY_CONDITION = re.compile(
    r"^\s*(?P<hash>[\w]+)\s*=\s*(?P<value>:\w+)\s*"
    r"(?:AND\s+begins_with\s*\(\s*(?P<range>[\w]+)\s*,\s*(?P<prefix>:\w+)\s*\)\s*)?$",
    re.IGNORECASE,
)
_HANDLED = {
    "TableName",
    "IndexName",
    "KeyConditionExpression",
    "ExpressionAttributeValues",
    "ScanIndexForward",
    "ConsistentRead",
}


class QueryFastPath:
    def __init__(self, region: str) -> None:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        account = os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
        self._backend = dynamodb_backends[account][region]

    def query(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The Query response, or None when this path does not cover the request."""
        condition = _KEY_CONDITION.match(params.get("KeyConditionExpression", ""))
        if condition is None or set(params) - _HANDLED:
            return None
        table = self._backend.get_table(params["TableName"])
        schema = table.get_index(params["IndexName"]).schema if "IndexName" in params else table.schema
        keys = {key["KeyType"]: key["AttributeName"] for key in schema}
        values = params.get("ExpressionAttributeValues", {})
        if condition["hash"] != keys.get("HASH") or (condition["range"] and condition["range"] != keys.get("RANGE")):
            return None
        wanted = _single(values[condition["value"]])
        prefix = _single(values[condition["prefix"]]) if condition["prefix"] else None
        found = []
        for item in _items(table):
            hash_value = item.attrs.get(keys["HASH"])
            if hash_value is None or hash_value.value != wanted:
                continue
            range_value = item.attrs.get(keys["RANGE"]) if "RANGE" in keys else None
            if "RANGE" in keys and range_value is None:
                continue  # a sparse index holds only items with both keys
            if prefix is not None and not str(range_value.value).startswith(prefix):  # type: ignore[union-attr]
                continue
            found.append(item)
        if "RANGE" in keys:
            found.sort(key=lambda item: _sort_key(item.attrs[keys["RANGE"]]))
        if params.get("ScanIndexForward") is False:
            found.reverse()
        items = [{name: _wire(value) for name, value in item.attrs.items()} for item in found]
        return {"Items": items, "Count": len(items), "ScannedCount": len(items)}

    def get_item(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The GetItem response, or None when this path does not cover the request."""
        if set(params) - {"TableName", "Key", "ConsistentRead"}:
            return None
        from moto.dynamodb.models.dynamo_type import DynamoType

        table = self._backend.get_table(params["TableName"])
        key = params["Key"]
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        item = table.get_item(hash_key, range_key)
        if item is None:
            return {}
        return {"Item": {name: _wire(value) for name, value in item.attrs.items()}}


def _items(table: Any) -> Iterator[Any]:
    """Every item, unsorted (moto's all_items sorts the whole table by key first)."""
    for by_hash in table.items.values():
        if table.range_key_attr:
            yield from by_hash.values()
        else:
            yield by_hash


def _single(attribute: dict[str, Any]) -> Any:
    [(kind, value)] = attribute.items()
    if kind not in ("S", "N"):
        raise ValueError("key values are strings or numbers")
    return value


def _sort_key(attribute: Any) -> Any:
    return float(attribute.value) if attribute.type == "N" else attribute.value


def _wire(attribute: Any) -> dict[str, Any]:
    """A moto DynamoType as botocore hands an attribute value to the caller."""
    kind, value = attribute.type, attribute.value
    if kind == "M":
        return {"M": {name: _wire(nested) for name, nested in value.items()}}
    if kind == "L":
        return {"L": [_wire(nested) for nested in value]}
    if kind in ("SS", "NS", "BS"):
        return {kind: list(value)}
    return {kind: value}
