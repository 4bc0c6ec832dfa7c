"""Turns an HTTP request into an API Gateway (REST, proxy) event, invokes the handler, and back."""

from __future__ import annotations

import base64
import importlib
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from portal_infra.template import Route

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class LocalContext:
    """The parts of the Lambda context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self.started)) * 1000))


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes
    client_ip: str


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def load_handler(dotted: str) -> Handler:
    module, _, function = dotted.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module), function)
    return handler


def to_event(route: Route, request: HttpRequest, path_parameters: dict[str, str]) -> dict[str, Any]:
    parts = urlsplit(request.target)
    query = parse_qs(parts.query, keep_blank_values=True)
    try:
        body: str | None = request.body.decode("utf-8") if request.body else None
        is_base64 = False
    except UnicodeDecodeError:
        body, is_base64 = base64.b64encode(request.body).decode(), True
    return {
        "resource": route.path,
        "path": parts.path,
        "httpMethod": request.method,
        "headers": dict(request.headers),
        "multiValueHeaders": {name: [value] for name, value in request.headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": route.path,
            "httpMethod": request.method,
            "path": parts.path,
            "stage": "local",
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": request.client_ip},
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def from_result(result: dict[str, Any]) -> HttpResponse:
    headers: list[tuple[str, str]] = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        if any(existing == name for existing, _ in headers):
            continue
        headers.extend((name, str(value)) for value in values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
    return HttpResponse(int(result["statusCode"]), headers, body)


def invoke(route: Route, request: HttpRequest, path_parameters: dict[str, str]) -> HttpResponse:
    context = LocalContext(route.function, route.memory_mb, route.timeout_seconds)
    result = load_handler(route.handler)(to_event(route, request, path_parameters), context)
    return from_result(result)
