"""An in-process portal: the real handlers, moto with tables from template.yaml, the embedded journal."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from portal.bootstrap import use_container
from portal_infra.gateway import Portal
from portal_infra.lambda_runtime import HttpRequest


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)


class Api:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> ApiResponse:
        raw = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        response = self.portal.handle_api(HttpRequest(method, path, all_headers, raw, "127.0.0.1"))
        return ApiResponse(response.status, dict(response.headers), response.body)

    def post(self, path: str, body: Any, **headers: str) -> ApiResponse:
        return self.call("POST", path, body, {k.replace("_", "-"): v for k, v in headers.items()})

    def get(self, path: str, **headers: str) -> ApiResponse:
        return self.call("GET", path, None, {k.replace("_", "-"): v for k, v in headers.items()})


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    saved = dict(os.environ)
    portal = Portal(site_dir=tmp_path / "site", state_dir=tmp_path / "state")
    portal.start()
    try:
        yield portal
    finally:
        portal.stop()
        use_container(None)
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def api(portal: Portal) -> Api:
    return Api(portal)
