"""What the services need from the outside world, as Protocols the adapters and fakes implement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from portal.domain.complaints import Complaint


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

    def get(self, tracking_no: str) -> Complaint | None: ...


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
