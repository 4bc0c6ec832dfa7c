"""The scheduled sweep: find overdue steps and tell the organizers once about each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain import complaints
from portal.domain.deadlines import Deadline, DeadlineState
from portal.domain.working_days import CHINA_TZ
from portal.ports import Clock, ComplaintRepository, Notice, Notifier, Outbox
from portal.services.complaints import ComplaintPolicy


@dataclass(frozen=True)
class SweepReport:
    open_cases: int
    overdue_steps: int
    posted: int
    sent: int


def sweep(
    *, policy: ComplaintPolicy, repository: ComplaintRepository, outbox: Outbox, notifier: Notifier, clock: Clock
) -> SweepReport:
    """Post one notice per overdue step (its id names the step and due time, so a second sweep posts
    nothing new), then send what is unsent. A notice is sent at least once."""
    now = clock.now()
    open_cases, overdue = 0, []
    for complaint in repository.open_cases():
        open_cases += 1
        for deadline in complaints.deadlines(complaint, policy.rule_set, policy.calendar, now):
            if deadline.state is DeadlineState.OVERDUE:
                overdue.append(_notice(complaint.tracking_no, deadline, now))
    known = outbox.already_posted([notice.id for notice in overdue])
    posted = sum(outbox.post(notice) for notice in overdue if notice.id not in known)
    sent = 0
    for notice in outbox.unsent():
        notifier.send(notice)
        outbox.mark_sent(notice, clock.now())
        sent += 1
    return SweepReport(open_cases, len(overdue), posted, sent)


def _notice(tracking_no: str, deadline: Deadline, now: datetime) -> Notice:
    due = deadline.due_at.astimezone(CHINA_TZ)
    return Notice(
        id=f"overdue#{tracking_no}#{deadline.step}#{due.isoformat()}",
        tracking_no=tracking_no,
        subject=f"投诉超期：{tracking_no}「{deadline.label}」",
        message=f"投诉 {tracking_no} 的「{deadline.label}」应于 {due:%Y-%m-%d %H:%M} 前完成，现已超期。",
        created_at=now,
    )
