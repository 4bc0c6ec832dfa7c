"""Who may use the organizer routes: a Cognito user verified by API Gateway, or the local token's holder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from portal.bootstrap import Container, use_container
from portal.config import Settings
from portal.handlers.admin import organizer_of


@pytest.fixture
def token_file(tmp_path: Path) -> Any:
    path = tmp_path / "admin-token"
    path.write_text("s3cret-token-value\n", encoding="utf-8")
    use_container(Container(Settings(admin_token_file=path)))
    yield path
    use_container(None)


def event(headers: dict[str, str] | None = None, claims: dict[str, str] | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {"authorizer": {"claims": claims}} if claims else {}
    return {"headers": headers or {}, "requestContext": context}


def test_the_local_token_opens_the_routes_in_any_header_case(token_file: Path) -> None:
    assert organizer_of(event({"authorization": "Bearer s3cret-token-value"})) == "管理员"
    assert organizer_of(event({"Authorization": "bearer s3cret-token-value"})) == "管理员"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-token-value"}, {"Authorization": "Bearer "}],
)
def test_anything_else_is_nobody(token_file: Path, headers: dict[str, str]) -> None:
    assert organizer_of(event(headers)) is None


def test_on_aws_the_verified_cognito_user_is_the_actor(token_file: Path) -> None:
    assert organizer_of(event(claims={"email": "wang@example.org", "cognito:username": "u-1"})) == "wang@example.org"


def test_without_a_token_file_only_cognito_counts(tmp_path: Path) -> None:
    use_container(Container(Settings()))
    try:
        assert organizer_of(event({"Authorization": "Bearer anything"})) is None
    finally:
        use_container(None)
