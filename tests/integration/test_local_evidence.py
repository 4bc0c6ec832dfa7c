"""Embedded mode's S3: signed upload policies and download links, enforced as S3 does, files durable."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from portal.adapters.local_evidence import LocalEvidenceStore, ObjectRequestRefused
from portal.domain.evidence import MAX_BYTES
from portal_infra.lambda_runtime import HttpRequest, HttpResponse
from portal_infra.local_objects import LocalObjects

from tests.fakes_evidence import TINY_PNG, form_upload

KEY = "evidence/TS-1234-5678-9012/1-0f1e2d3c"


class Objects:
    """The gateway's /_objects/ endpoint over a state folder, with a clock the test can move."""

    def __init__(self, folder: Path) -> None:
        self.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
        key_file = folder / "evidence.key"
        if not key_file.exists():
            key_file.write_bytes(os.urandom(32))
        self.http = LocalObjects(folder / "evidence")
        self.http.environment(key_file)
        self.store = LocalEvidenceStore(folder / "evidence", key_file.read_bytes(), now=lambda: self.now)
        self.http.store = self.store  # the same store, on the test's clock

    def post(self, fields: dict[str, str], content: bytes = TINY_PNG, content_type: str = "image/png") -> HttpResponse:
        body, header = form_upload(fields, "照片.png", content, content_type)
        return self.http.handle(HttpRequest("POST", "/_objects/upload", {"Content-Type": header}, body, "127.0.0.1"))

    def get(self, link: str) -> HttpResponse:
        return self.http.handle(HttpRequest("GET", link, {}, b"", "127.0.0.1"))


@pytest.fixture
def objects(tmp_path: Path) -> Objects:
    return Objects(tmp_path)


def test_an_upload_within_the_policy_is_kept_and_survives_a_restart(objects: Objects, tmp_path: Path) -> None:
    slot = objects.store.upload_slot(KEY, "image/png", MAX_BYTES)

    response = objects.post(slot.fields)

    assert (response.status, response.body) == (204, b"")
    reopened = Objects(tmp_path).store  # a new process reading the same folder
    found = reopened.inspect(KEY)
    assert found is not None
    assert (found.size, found.content_type, found.head) == (len(TINY_PNG), "image/png", TINY_PNG[:16])
    assert sorted(p.name for p in (tmp_path / "evidence" / "TS-1234-5678-9012").iterdir()) == [
        "1-0f1e2d3c",
        "1-0f1e2d3c.meta",
    ]  # no temporary files left behind


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"Content-Type": "text/html"}, 403, "AccessDenied"),
        ({"key": "evidence/TS-1234-5678-9012/2-other"}, 403, "AccessDenied"),
        ({"x-portal-signature": "0" * 64}, 403, "SignatureDoesNotMatch"),
        ({"success_action_redirect": "https://example.com/"}, 403, "AccessDenied"),
    ],
    ids=["content-type", "key", "signature", "unsigned-field"],
)
def test_a_form_that_breaks_the_policy_is_refused_like_s3(
    objects: Objects, change: dict[str, str], status: int, code: str
) -> None:
    slot = objects.store.upload_slot(KEY, "image/png", MAX_BYTES)
    response = objects.post({**slot.fields, **change})
    assert response.status == status
    assert f"<Code>{code}</Code>".encode() in response.body
    assert objects.store.inspect(KEY) is None


def test_a_file_outside_the_size_range_is_refused(objects: Objects) -> None:
    slot = objects.store.upload_slot(KEY, "image/png", 50)
    too_large = objects.post(slot.fields, TINY_PNG)
    empty = objects.post(slot.fields, b"")
    assert (too_large.status, empty.status) == (400, 400)
    assert b"EntityTooLarge" in too_large.body
    assert b"EntityTooSmall" in empty.body
    assert objects.store.inspect(KEY) is None


def test_an_upload_after_the_policy_expired_is_refused(objects: Objects) -> None:
    slot = objects.store.upload_slot(KEY, "image/png", MAX_BYTES)
    objects.now += timedelta(minutes=16)
    response = objects.post(slot.fields)
    assert response.status == 403
    assert b"Policy expired" in response.body


def test_a_download_link_works_for_five_minutes_only_and_cannot_be_altered(objects: Objects) -> None:
    # Given a stored file and a link to it
    objects.post(objects.store.upload_slot(KEY, "image/png", MAX_BYTES).fields)
    link = objects.store.download_link(KEY, "发票.png")

    # Then the link downloads it as an attachment with its own name
    response = objects.get(link)
    assert response.status == 200
    assert response.body == TINY_PNG
    headers = dict(response.headers)
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "%E5%8F%91%E7%A5%A8.png" in headers["Content-Disposition"]

    # But not with another file's key, and not after five minutes
    assert objects.get(link.replace("1-0f1e2d3c", "2-0f1e2d3c")).status == 403
    objects.now += timedelta(minutes=5, seconds=1)
    assert objects.get(link).status == 403


def test_deleting_removes_the_file_and_the_whole_complaint_folder(objects: Objects, tmp_path: Path) -> None:
    objects.post(objects.store.upload_slot(KEY, "image/png", MAX_BYTES).fields)
    objects.store.delete(KEY)
    assert objects.store.inspect(KEY) is None

    objects.post(objects.store.upload_slot(KEY, "image/png", MAX_BYTES).fields)
    objects.store.delete_prefix("evidence/TS-1234-5678-9012/")
    assert not (tmp_path / "evidence" / "TS-1234-5678-9012").exists()


@pytest.mark.parametrize("key", ["../personal-data.key", "evidence/../../x", "evidence/TS-1/../../x", "other/TS-1/1-a"])
def test_keys_cannot_reach_outside_the_evidence_folder(objects: Objects, key: str) -> None:
    with pytest.raises(ObjectRequestRefused, match="not an evidence key"):
        objects.store.upload_slot(key, "image/png", MAX_BYTES)
