"""What the services need from the outside world, as Protocols the adapters and fakes implement."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from portal.domain.complaints import Complaint
from portal.domain.evidence import EvidenceSlot


class DuplicateKey(Exception):
    """The store already holds a record under this key (raised by a conditional write)."""


@dataclass(frozen=True)
class SubmissionReceipt:
    """What one submission (one Idempotency-Key) produced, kept a day so a retry gets the same answer."""

    submission_key: str
    fingerprint: str
    tracking_no: str
    access_code: str


class DuplicateSubmission(Exception):
    """A receipt for this submission key exists already: the complaint was filed before."""

    def __init__(self, receipt: SubmissionReceipt) -> None:
        super().__init__(receipt.tracking_no)
        self.receipt = receipt


class ComplaintRepository(Protocol):
    def add(self, complaint: Complaint, receipt: SubmissionReceipt | None = None) -> None:
        """Store a new complaint, and its receipt in the same transaction.

        DuplicateKey if the tracking number is taken; DuplicateSubmission if the receipt exists.
        """
        ...

    def get(self, tracking_no: str, *, personal_data: bool = True) -> Complaint | None:
        """The complaint; without decrypting anything when `personal_data` is False (WITHHELD)."""
        ...

    def save(self, complaint: Complaint) -> None:
        """Store a changed complaint whose `version` is one more than the stored one.

        StaleVersion if somebody else changed it first: of two concurrent changes only one is kept.
        """
        ...

    def received_between(self, first: date, last: date) -> Iterator[Complaint]:
        """Complaints received on those China dates, oldest first, without personal data."""
        ...

    def open_cases(self) -> Iterator[Complaint]:
        """Every complaint without a final decision, without personal data."""
        ...


class StaleVersion(Exception):
    """The stored complaint changed since it was read."""


@dataclass(frozen=True)
class AccessRecord:
    """One read of complainants' personal data: who, when, why, and whose."""

    actor: str
    at: datetime
    purpose: str
    tracking_nos: tuple[str, ...]


class AccessLog(Protocol):
    def record(self, entry: AccessRecord) -> None:
        """Written before the data is handed over: no log, no data."""
        ...

    def for_complaint(self, tracking_no: str) -> list[AccessRecord]: ...


@dataclass(frozen=True)
class Notice:
    """A message for the organizers; `id` makes posting the same notice twice a no-op."""

    id: str
    tracking_no: str
    subject: str
    message: str
    created_at: datetime
    sent_at: datetime | None = None


class Outbox(Protocol):
    def post(self, notice: Notice) -> bool:
        """Keep a notice for sending; False when one with its id was posted before."""
        ...

    def already_posted(self, notice_ids: list[str]) -> set[str]:
        """Which of these ids were posted before: a cheap read, so a sweep does not rewrite them all."""
        ...

    def unsent(self) -> list[Notice]: ...

    def mark_sent(self, notice: Notice, at: datetime) -> None: ...

    def recent(self, limit: int) -> list[Notice]: ...


class Notifier(Protocol):
    def send(self, notice: Notice) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SecretCodes(Protocol):
    def tracking_no(self) -> str: ...

    def access_code(self) -> str: ...


class PersonalDataCipher(Protocol):
    """Encrypts personal data before it is stored; `context` binds a ciphertext to its record."""

    def seal(self, plaintext: bytes, context: str) -> bytes: ...

    def open(self, sealed: bytes, context: str) -> bytes: ...


@dataclass(frozen=True)
class UploadSlot:
    """Where and how the browser uploads one file: a form POST of `fields`, then the file, to `url`."""

    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str
    head: bytes  # the first bytes, for checking the file's magic number


class EvidenceStore(Protocol):
    """Where evidence files live (S3 on AWS, files under var/ in embedded mode)."""

    def upload_slot(self, key: str, content_type: str, max_bytes: int) -> UploadSlot:
        """A short-lived upload that the store itself refuses unless the type is exactly
        `content_type` and the size is 1..`max_bytes`."""
        ...

    def inspect(self, key: str) -> StoredObject | None: ...

    def download_link(self, key: str, filename: str) -> str:
        """A link valid for minutes that downloads the file as an attachment named `filename`."""
        ...

    def delete(self, key: str) -> None: ...

    def delete_prefix(self, prefix: str) -> None:
        """Delete every object under `prefix`, including uploads whose slot record is gone."""
        ...


class SlotTaken(Exception):
    """A conditional write lost: another request took or changed the evidence slot first."""


class EvidenceRepository(Protocol):
    def slots(self, tracking_no: str) -> list[EvidenceSlot]: ...

    def get(self, tracking_no: str, number: int) -> EvidenceSlot | None: ...

    def put(self, slot: EvidenceSlot, replacing: EvidenceSlot | None = None) -> None:
        """Write the slot record: where none exists (`replacing` None), or only while the stored one
        is still `replacing` (same object key and state). SlotTaken otherwise."""
        ...

    def delete_all(self, tracking_no: str) -> None: ...
