"""Fixtures shared by every level: a valid complaint, fake AWS credentials, paths."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]

VALID_COMPLAINT: dict[str, Any] = {
    "complainant": {"name": "李小明", "phone": "13912345678", "email": "xiaoming@example.com", "region": "jiangsu"},
    "business": {"name": "某某数码专营店", "platform": "某电商平台"},
    "product": {
        "name": "无线耳机",
        "category": "computers",
        "purchased_on": "2026-09-01",
        "amount": "299.00",
        "order_no": "DD2026090112345",
    },
    "issue_type": "quality",
    "description": "收货第三天右耳机就没有声音，联系客服要求换货，客服一直推脱说需要寄回检测再说。",
    "demands": ["exchange", "refund"],
    "consents": {"privacy_notice_version": "2026-11-01", "forward_to_business": True, "publish_case": False},
}


def complaint_payload(**changes: Any) -> dict[str, Any]:
    """A valid complaint body; `changes` maps dotted paths to new values (None deletes the field)."""
    body = copy.deepcopy(VALID_COMPLAINT)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = body
        for part in parents:
            target = target[part]
        if value is None:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return body


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "cn-north-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test session with `mkdocs build --strict`."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return out
