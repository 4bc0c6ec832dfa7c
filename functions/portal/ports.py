"""What the services need from the outside world, as Protocols the adapters and fakes implement."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from portal.domain.complaints import Complaint


class DuplicateKey(Exception):
    """The store already holds a record under this key (raised by a conditional write)."""


class ComplaintRepository(Protocol):
    def add(self, complaint: Complaint) -> None:
        """Store a new complaint; DuplicateKey if its tracking number is taken."""
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
