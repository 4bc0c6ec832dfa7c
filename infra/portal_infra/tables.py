"""Creates the DynamoDB tables template.yaml declares, on moto or any DynamoDB endpoint."""

from __future__ import annotations

from typing import Any

from portal_infra.template import Table, Template

_CREATE_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)


def create_tables(client: Any, template: Template | None = None) -> dict[str, Table]:
    """Create every table (named by its logical ID) and switch on its TTL; returns them by name."""
    tables = {table.logical_id: table for table in (template or Template()).tables()}
    existing = set(client.list_tables()["TableNames"])
    for name, table in tables.items():
        if name in existing:
            continue
        params = {key: table.properties[key] for key in _CREATE_TABLE_KEYS if key in table.properties}
        client.create_table(TableName=name, **params)
        if table.ttl_attribute:
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": table.ttl_attribute, "Enabled": True},
            )
    return tables
