"""Reads each field's constraints (required, lengths, pattern) out of a pydantic model's JSON schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class FieldRule:
    required: bool
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    max_items: int | None = None


def field_rules(model: type[BaseModel]) -> dict[str, FieldRule]:
    """Dotted field path → its rule, for every leaf of the (nested) model."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    rules: dict[str, FieldRule] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        required = set(node.get("required", []))
        for name, prop in node.get("properties", {}).items():
            path = f"{prefix}{name}"
            prop = definitions[prop["$ref"].split("/")[-1]] if "$ref" in prop else prop
            if prop.get("type") == "object" and "properties" in prop:
                walk(prop, path + ".")
                continue
            variant = next((v for v in prop.get("anyOf", []) if v.get("type") != "null"), prop)
            rules[path] = FieldRule(
                required=name in required,
                min_length=variant.get("minLength"),
                max_length=variant.get("maxLength"),
                pattern=variant.get("pattern"),
                max_items=variant.get("maxItems"),
            )

    walk(schema, "")
    return rules
