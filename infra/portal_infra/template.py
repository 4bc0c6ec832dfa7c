"""Reads template.yaml: the API routes, the functions' settings and the DynamoDB tables it declares.

template.yaml is the single source of truth for both AWS and the embedded mode, so the local
gateway routes exactly the paths API Gateway will, and creates exactly the tables CloudFormation will.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPOSITORY = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPOSITORY / "template.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    """Understands the short intrinsic-function tags (!Ref, !GetAtt, !Sub, …)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: str
    function: str
    timeout_seconds: int
    memory_mb: int

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when `path` fits this route's template, else None."""
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        found = re.fullmatch(pattern, path)
        return found.groupdict() if found else None


@dataclass(frozen=True)
class Table:
    logical_id: str
    properties: dict[str, Any]

    @property
    def ttl_attribute(self) -> str | None:
        spec = self.properties.get("TimeToLiveSpecification") or {}
        return spec.get("AttributeName") if spec.get("Enabled") else None


class Template:
    def __init__(self, path: Path = TEMPLATE_PATH) -> None:
        self.document: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), _CloudFormationLoader)  # noqa: S506
        self.resources: dict[str, Any] = self.document["Resources"]

    def _globals(self) -> dict[str, Any]:
        return dict(self.document.get("Globals", {}).get("Function", {}))

    def tables(self) -> list[Table]:
        return [
            Table(logical_id, resource["Properties"])
            for logical_id, resource in self.resources.items()
            if resource["Type"] == "AWS::DynamoDB::Table"
        ]

    def routes(self) -> list[Route]:
        defaults = self._globals()
        routes = []
        for logical_id, resource in self.resources.items():
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            props = resource["Properties"]
            for event in props.get("Events", {}).values():
                if event["Type"] != "Api":
                    continue
                routes.append(
                    Route(
                        method=event["Properties"]["Method"].upper(),
                        path=event["Properties"]["Path"],
                        handler=props["Handler"],
                        function=logical_id,
                        timeout_seconds=int(props.get("Timeout", defaults.get("Timeout", 3))),
                        memory_mb=int(props.get("MemorySize", defaults.get("MemorySize", 128))),
                    )
                )
        return routes

    def scheduled_functions(self) -> list[ScheduledFunction]:
        """Functions with a `rate(...)` schedule, for the local gateway's timer."""
        found = []
        for logical_id, resource in self.resources.items():
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            for event in resource["Properties"].get("Events", {}).values():
                if event["Type"] in ("Schedule", "ScheduleV2"):
                    expression = event["Properties"]["ScheduleExpression"]
                    seconds = _rate_seconds(expression)
                    found.append(ScheduledFunction(logical_id, resource["Properties"]["Handler"], seconds))
        return found

    def function_environment(self, function: str | None = None) -> dict[str, str]:
        """A function's environment (all functions' merged when none is named), references to resources
        resolved to their logical IDs: locally `!Ref ComplaintsTable` becomes "ComplaintsTable"."""
        merged: dict[str, str] = {}
        sources = [self._globals()] + [
            r["Properties"]
            for logical_id, r in self.resources.items()
            if r["Type"] == "AWS::Serverless::Function" and function in (None, logical_id)
        ]
        for props in sources:
            variables = props.get("Environment", {}).get("Variables", {})
            for name, value in variables.items():
                merged[name] = self._resolve(value)
        return merged

    def functions(self) -> list[str]:
        return [name for name, r in self.resources.items() if r["Type"] == "AWS::Serverless::Function"]

    def _resolve(self, value: Any) -> str:
        if isinstance(value, dict) and "Ref" in value:
            target = value["Ref"]
            parameter = self.document.get("Parameters", {}).get(target)
            return str(parameter.get("Default", "")) if parameter else str(target)
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])  # locally a resource is known by its logical ID
        return str(value)


@dataclass(frozen=True)
class ScheduledFunction:
    function: str
    handler: str
    every_seconds: int


_RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def _rate_seconds(expression: str) -> int:
    found = re.fullmatch(r"rate\((\d+) (\w+)\)", expression.strip())
    if not found or found.group(2) not in _RATE_UNITS:
        raise ValueError(f"only rate(...) schedules run locally, not {expression!r}")
    return int(found.group(1)) * _RATE_UNITS[found.group(2)]
