"""Which evidence files are accepted, in the domain's own terms (no ports, no AWS)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from portal.domain import evidence
from portal.domain.errors import Conflict, InvalidInput
from portal.domain.evidence import MAX_BYTES, EvidenceState, EvidenceUpload
from portal.domain.working_days import CHINA_TZ

from tests.fakes_evidence import TINY_PDF, TINY_PNG

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)


def errors_of(filename: str, content_type: str, size: int) -> dict[str, str]:
    with pytest.raises(InvalidInput) as raised:
        evidence.check_upload(filename, content_type, size)
    return {error.field: error.message for error in raised.value.errors}


def test_a_photo_a_screenshot_and_a_pdf_are_accepted() -> None:
    assert evidence.check_upload("收据.JPG", "image/jpeg", 1000).content_type == "image/jpeg"
    assert evidence.check_upload("聊天记录.png", "image/png", 1).filename == "聊天记录.png"
    assert evidence.check_upload("合同.pdf", "application/pdf", MAX_BYTES).size == MAX_BYTES


@pytest.mark.parametrize(
    ("filename", "content_type", "size", "field", "words"),
    [
        ("setup.exe", "application/x-msdownload", 1000, "content_type", "只能上传 JPG、PNG 图片或 PDF"),
        ("录音.mp3", "audio/mpeg", 1000, "content_type", "请转换格式"),
        ("照片.jpg", "image/jpeg", MAX_BYTES + 1, "size", "超过了 10 MB 的上限"),
        ("照片.jpg", "image/jpeg", 25 * 1024 * 1024, "size", "有 25 MB"),
        ("照片.jpg", "image/jpeg", 0, "size", "是空的"),
        ("照片.png", "image/jpeg", 1000, "filename", "应以 .jpg 或 .jpeg 结尾"),
        ("照片", "image/png", 1000, "filename", "应以 .png 结尾"),
        ("长" * 101 + ".pdf", "application/pdf", 1000, "filename", "最多 100 个字"),
        ("../..", "application/pdf", 1000, "filename", "文件名不能为空"),
    ],
)
def test_a_refused_file_names_the_field_and_says_what_to_do(
    filename: str, content_type: str, size: int, field: str, words: str
) -> None:
    assert words in errors_of(filename, content_type, size)[field]


def test_every_problem_is_reported_at_once() -> None:
    assert set(errors_of("病毒.exe", "application/octet-stream", MAX_BYTES * 2)) == {"content_type", "size"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\李\\Desktop\\发票.pdf", "发票.pdf"),
        ("/home/li/发票.pdf", "发票.pdf"),
        ("  发票\u202e.pdf  ", "发票.pdf"),  # a right-to-left override hides an extension
        ("发\x00票.pdf", "发票.pdf"),
    ],
)
def test_folder_parts_and_invisible_characters_are_removed_from_names(raw: str, clean: str) -> None:
    assert evidence.clean_filename(raw) == clean


def slot(number: int, state: EvidenceState, reserved_at: datetime = NOW) -> evidence.EvidenceSlot:
    upload = EvidenceUpload("a.png", "image/png", 10)
    reserved = evidence.reserve(upload, "TS-1", number, f"n{number}", reserved_at)
    return dataclasses.replace(reserved, state=state)


def test_free_slots_come_first_then_abandoned_and_failed_ones() -> None:
    slots = [
        slot(1, EvidenceState.STORED),
        slot(2, EvidenceState.RESERVED, NOW - timedelta(hours=2)),
        slot(3, EvidenceState.FAILED),
        slot(4, EvidenceState.RESERVED, NOW - timedelta(minutes=59)),
    ]
    assert [(number, old is not None) for number, old in evidence.claimable(slots, NOW)] == [
        (5, False),
        (2, True),
        (3, True),
    ]


def test_five_kept_or_recent_files_leave_no_slot() -> None:
    slots = [slot(n, EvidenceState.STORED) for n in range(1, 4)] + [slot(n, EvidenceState.RESERVED) for n in (4, 5)]
    with pytest.raises(Conflict, match="最多上传 5 个文件"):
        evidence.claimable(slots, NOW)


@pytest.mark.parametrize(
    ("content_type", "head", "ok"),
    [
        ("image/png", TINY_PNG, True),
        ("application/pdf", TINY_PDF, True),
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", True),
        ("image/png", b"MZ\x90\x00 an exe renamed", False),
        ("image/jpeg", TINY_PNG, False),
        ("application/pdf", b"<html>%PDF-", False),
    ],
)
def test_the_content_must_really_be_of_the_declared_type(content_type: str, head: bytes, ok: bool) -> None:
    reserved = evidence.reserve(EvidenceUpload("证据", content_type, 100), "TS-1", 1, "n", NOW)
    errors = evidence.stored_file_errors(reserved, 100, content_type, head[:16])
    assert (errors == []) is ok
    if not ok:
        assert "“证据”" in errors[0].message


def test_a_stored_file_stays_as_long_as_a_case_is_kept_while_reservations_and_failures_expire() -> None:
    reserved = slot(1, EvidenceState.RESERVED)
    assert evidence.forget_at(reserved) == NOW + timedelta(days=1)
    assert evidence.forget_at(evidence.mark_failed(reserved)) is not None
    assert evidence.forget_at(evidence.mark_stored(reserved, 10, NOW)) == NOW + timedelta(days=1461)
