"""In-memory stand-ins for the ports, enforcing the same invariants as the DynamoDB adapters."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from portal.domain.complaints import Complaint
from portal.ports import DuplicateKey, DuplicateSubmission, SubmissionReceipt


class InMemoryComplaints:
    def __init__(self) -> None:
        self.items: dict[str, Complaint] = {}
        self.receipts: dict[str, SubmissionReceipt] = {}
        self._lock = threading.Lock()

    def add(self, complaint: Complaint, receipt: SubmissionReceipt | None = None) -> None:
        with self._lock:
            if complaint.tracking_no in self.items:
                raise DuplicateKey(complaint.tracking_no)
            if receipt is not None:
                if receipt.submission_key in self.receipts:
                    raise DuplicateSubmission(self.receipts[receipt.submission_key])
                self.receipts[receipt.submission_key] = receipt
            self.items[complaint.tracking_no] = complaint

    def get(self, tracking_no: str) -> Complaint | None:
        return self.items.get(tracking_no)


@dataclass
class FixedClock:
    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class ScriptedCodes:
    """Hands out the tracking numbers it was given, in order, then random ones."""

    tracking_numbers: list[str] = field(default_factory=list)
    code: str = "K7M2Q9XP"

    def tracking_no(self) -> str:
        from portal.domain.codes import new_tracking_no

        return self.tracking_numbers.pop(0) if self.tracking_numbers else new_tracking_no()

    def access_code(self) -> str:
        return self.code


@dataclass
class WeekdayCalendar:
    """Monday to Friday, with listed holidays and make-up workdays; official up to `official_until`."""

    holidays: set[date] = field(default_factory=set)
    workdays: set[date] = field(default_factory=set)
    official_until: date = date(2099, 12, 31)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def is_official(self, day: date) -> bool:
        return day <= self.official_until
