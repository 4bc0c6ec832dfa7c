"""Evidence files a complainant attaches to a complaint: which files are accepted, and the five slots they fill.

A slot is reserved before the upload (so five slots hold under any concurrency), then checked and
marked `stored` once the file has arrived, or `failed` (and the file deleted) when it is not what it
claimed to be. File names may carry personal data: they are sealed when stored and never logged.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from portal.domain.errors import Conflict, FieldError, InvalidInput

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
FILENAME_MAX_CHARS = 100
SNIFF_BYTES = 16
UPLOAD_WINDOW = timedelta(minutes=15)  # how long a presigned upload stays valid
STALE_AFTER = timedelta(hours=1)  # an unconfirmed reservation older than this may be reused
FORGET_AFTER = timedelta(days=1)  # reservations and failed attempts expire from the table (TTL)
# A year open at most, then three years kept after closing; template.yaml's lifecycle rule matches it.
STORED_BACKSTOP = timedelta(days=1461)
DOWNLOAD_LINK_LIFETIME = timedelta(minutes=5)
# Statuses (values of ComplaintStatus) in which a complaint takes no more evidence.
UPLOADS_CLOSED = frozenset({"closed", "rejected"})
FULL_MESSAGE = f"每件投诉最多上传 {MAX_FILES} 个文件，已经用完；如还有重要材料，请合并为一个 PDF 后联系办理人员"
CLOSED_MESSAGE = "这件投诉已经结案或不予受理，不能再上传证据材料"


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]
    magic: bytes


FILE_TYPES: Mapping[str, FileType] = {
    "image/jpeg": FileType("image/jpeg", "JPG 图片", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    "image/png": FileType("image/png", "PNG 图片", (".png",), b"\x89PNG\r\n\x1a\n"),
    "application/pdf": FileType("application/pdf", "PDF 文件", (".pdf",), b"%PDF-"),
}
ACCEPT_EXTENSIONS = tuple(extension for kind in FILE_TYPES.values() for extension in kind.extensions)


class EvidenceState(StrEnum):
    RESERVED = "reserved"
    STORED = "stored"
    FAILED = "failed"


STATE_LABELS: Mapping[EvidenceState, str] = {
    EvidenceState.RESERVED: "上传未完成",
    EvidenceState.STORED: "已保存",
    EvidenceState.FAILED: "未通过检查，已删除",
}


@dataclass(frozen=True)
class EvidenceUpload:
    """A checked request to upload one file."""

    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class EvidenceSlot:
    """One of a complaint's five places for a file; `object_key` is new for every reservation."""

    tracking_no: str
    number: int
    object_key: str
    filename: str = dataclasses.field(repr=False)
    content_type: str
    size: int
    state: EvidenceState
    reserved_at: datetime
    stored_at: datetime | None = None

    def reusable(self, now: datetime) -> bool:
        if self.state is EvidenceState.FAILED:
            return True
        return self.state is EvidenceState.RESERVED and now - self.reserved_at >= STALE_AFTER


def clean_filename(raw: str) -> str:
    """The name without any folder part or control characters, as the person will see it again."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf"})
    return name.strip().strip(".").strip()


def check_upload(filename: str, content_type: str, size: int) -> EvidenceUpload:
    """Raise InvalidInput naming every field that breaks a rule, with what to do about it."""
    name = clean_filename(filename)
    kind = FILE_TYPES.get(content_type.strip().lower())
    errors = []
    if kind is None:
        message = "只能上传 JPG、PNG 图片或 PDF 文件，请转换格式后再上传"
        errors.append(FieldError("content_type", "unsupported_type", message))
    extension = "." + name.rpartition(".")[2].lower()
    if not name:
        errors.append(FieldError("filename", "required", "文件名不能为空，请给文件起个名字后再上传"))
    elif len(name) > FILENAME_MAX_CHARS:
        message = f"文件名最多 {FILENAME_MAX_CHARS} 个字，现在是 {len(name)} 个字，请改短后再上传"
        errors.append(FieldError("filename", "too_long", message))
    elif kind is not None and extension not in kind.extensions:
        wanted = " 或 ".join(kind.extensions)
        message = f"文件扩展名与文件类型不符：{kind.label}的文件名应以 {wanted} 结尾"
        errors.append(FieldError("filename", "wrong_extension", message))
    errors.extend(_size_errors("size", name, size))
    if errors:
        raise InvalidInput(errors)
    assert kind is not None
    return EvidenceUpload(name, kind.content_type, size)


def _size_errors(field: str, name: str, size: int) -> list[FieldError]:
    if size < 1:
        return [FieldError(field, "empty_file", f"文件“{name}”是空的，请选择有内容的文件")]
    if size > MAX_BYTES:
        message = f"文件“{name}”有 {megabytes(size)}，超过了 {megabytes(MAX_BYTES)} 的上限，请压缩或拆分后再上传"
        return [FieldError(field, "file_too_large", message)]
    return []


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def object_key(tracking_no: str, number: int, nonce: str) -> str:
    return f"evidence/{tracking_no}/{number}-{nonce}"


def object_prefix(tracking_no: str) -> str:
    return f"evidence/{tracking_no}/"


def claimable(slots: Iterable[EvidenceSlot], now: datetime) -> list[tuple[int, EvidenceSlot | None]]:
    """Slot numbers a new upload may take, free ones first, each with the record it would replace.

    Conflict when all five hold a file or a recent reservation.
    """
    taken = {slot.number: slot for slot in slots}
    free: list[tuple[int, EvidenceSlot | None]] = [(n, None) for n in range(1, MAX_FILES + 1) if n not in taken]
    reusable: list[tuple[int, EvidenceSlot | None]] = [
        (n, slot) for n, slot in sorted(taken.items()) if slot.reusable(now)
    ]
    if not free and not reusable:
        raise Conflict(FULL_MESSAGE)
    return free + reusable


def reserve(upload: EvidenceUpload, tracking_no: str, number: int, nonce: str, now: datetime) -> EvidenceSlot:
    return EvidenceSlot(
        tracking_no=tracking_no,
        number=number,
        object_key=object_key(tracking_no, number, nonce),
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        state=EvidenceState.RESERVED,
        reserved_at=now,
    )


def stored_file_errors(slot: EvidenceSlot, size: int, content_type: str, head: bytes) -> list[FieldError]:
    """What is wrong with the file that arrived for `slot`, checked against what was declared."""
    errors = _size_errors("file", slot.filename, size)
    kind = FILE_TYPES[slot.content_type]
    if content_type.split(";")[0].strip().lower() != slot.content_type:
        message = f"文件“{slot.filename}”上传时的类型与申请时不一致，请重新上传"
        errors.append(FieldError("file", "type_changed", message))
    elif not head.startswith(kind.magic):
        message = f"文件“{slot.filename}”的内容不是真正的{kind.label}（可能只是改了扩展名），请上传原始文件"
        errors.append(FieldError("file", "content_mismatch", message))
    return errors


def mark_stored(slot: EvidenceSlot, size: int, now: datetime) -> EvidenceSlot:
    return dataclasses.replace(slot, state=EvidenceState.STORED, size=size, stored_at=now)


def mark_failed(slot: EvidenceSlot) -> EvidenceSlot:
    return dataclasses.replace(slot, state=EvidenceState.FAILED)


def forget_at(slot: EvidenceSlot) -> datetime | None:
    """When the table may drop the record by itself. A stored file goes with the complaint (erasure deletes
    it); as a backstop it expires with the bucket's lifecycle rule, the longest a case is kept."""
    if slot.state is EvidenceState.STORED:
        return (slot.stored_at or slot.reserved_at) + STORED_BACKSTOP
    return slot.reserved_at + FORGET_AFTER
