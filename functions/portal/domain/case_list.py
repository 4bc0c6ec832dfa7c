"""Finding cases: the organizer list's filters and what each row shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.domain.complaints import Complaint, ComplaintStatus
from portal.domain.deadlines import Deadline
from portal.domain.working_days import CHINA_TZ


@dataclass(frozen=True)
class CaseFilter:
    first_day: date
    last_day: date
    status: ComplaintStatus | None = None
    category: str | None = None
    issue_type: str | None = None
    region: str | None = None
    overdue: bool | None = None
    assignee: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class CaseRow:
    complaint: Complaint
    deadlines: tuple[Deadline, ...]

    @property
    def overdue(self) -> bool:
        return any(deadline.overdue for deadline in self.deadlines)

    @property
    def next_due(self) -> datetime | None:
        running = [d.due_at for d in self.deadlines if d.ended_at is None]
        return min(running, default=None)


def matches(row: CaseRow, wanted: CaseFilter) -> bool:
    complaint = row.complaint
    form = complaint.form
    received_on = complaint.received_at.astimezone(CHINA_TZ).date()
    checks = [
        wanted.first_day <= received_on <= wanted.last_day,
        wanted.status is None or complaint.status is wanted.status,
        wanted.category is None or form.product.category == wanted.category,
        wanted.issue_type is None or form.issue_type == wanted.issue_type,
        wanted.region is None or form.complainant.region == wanted.region,
        wanted.overdue is None or row.overdue == wanted.overdue,
        wanted.assignee is None or complaint.assignee == wanted.assignee,
        not wanted.text or _mentions(complaint, wanted.text),
    ]
    return all(checks)


def _mentions(complaint: Complaint, text: str) -> bool:
    """Search over what describes the dispute, never over the complainant's personal data."""
    form = complaint.form
    needle = text.strip().casefold()
    haystack = [
        complaint.tracking_no,
        form.business.name,
        form.business.platform or "",
        form.product.name,
        form.description,
        complaint.group_id or "",
    ]
    return any(needle in value.casefold() for value in haystack)
