"""In-memory stand-ins for the ports, enforcing the same invariants as the DynamoDB adapters."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from portal.domain.complaints import FINAL_STATUSES, Complaint, PersonalData
from portal.domain.working_days import CHINA_TZ
from portal.ports import AccessRecord, DuplicateKey, DuplicateSubmission, Notice, StaleVersion, SubmissionReceipt


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

    def get(self, tracking_no: str, *, personal_data: bool = True) -> Complaint | None:
        complaint = self.items.get(tracking_no)
        return complaint if complaint is None or personal_data else _withheld(complaint)

    def save(self, complaint: Complaint) -> None:
        with self._lock:
            stored = self.items.get(complaint.tracking_no)
            if stored is None or stored.version != complaint.version - 1:
                raise StaleVersion(complaint.tracking_no)
            self.items[complaint.tracking_no] = complaint

    def received_between(self, first: date, last: date) -> Iterator[Complaint]:
        chosen = [c for c in self.items.values() if first <= c.received_at.astimezone(CHINA_TZ).date() <= last]
        for complaint in sorted(chosen, key=lambda c: c.received_at):
            yield _withheld(complaint)

    def open_cases(self) -> Iterator[Complaint]:
        for complaint in list(self.items.values()):
            if complaint.status not in FINAL_STATUSES:
                yield _withheld(complaint)


def _withheld(complaint: Complaint) -> Complaint:
    if complaint.personal_data is not PersonalData.PRESENT:
        return complaint
    form = complaint.form
    form = replace(
        form,
        complainant=replace(form.complainant, name="", phone="", email=None),
        product=replace(form.product, order_no=None),
    )
    return replace(complaint, form=form, personal_data=PersonalData.WITHHELD)


class InMemoryAccessLog:
    def __init__(self) -> None:
        self.records: list[AccessRecord] = []

    def record(self, entry: AccessRecord) -> None:
        self.records.append(entry)

    def for_complaint(self, tracking_no: str) -> list[AccessRecord]:
        return [r for r in self.records if tracking_no in r.tracking_nos]


class InMemoryOutbox:
    def __init__(self) -> None:
        self.notices: dict[str, Notice] = {}

    def post(self, notice: Notice) -> bool:
        if notice.id in self.notices:
            return False
        self.notices[notice.id] = notice
        return True

    def already_posted(self, notice_ids: list[str]) -> set[str]:
        return set(notice_ids) & set(self.notices)

    def unsent(self) -> list[Notice]:
        return [n for n in self.notices.values() if n.sent_at is None]

    def mark_sent(self, notice: Notice, at: datetime) -> None:
        self.notices[notice.id] = replace(notice, sent_at=at)

    def recent(self, limit: int) -> list[Notice]:
        return sorted(self.notices.values(), key=lambda n: n.created_at, reverse=True)[:limit]


@dataclass
class RecordingNotifier:
    sent: list[Notice] = field(default_factory=list)

    def send(self, notice: Notice) -> None:
        self.sent.append(notice)


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
