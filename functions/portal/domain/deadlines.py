"""Time limits as data: a rule set names, for each step of handling, how long it may take.

A step's clock starts at the last `starts_on` action, stops at the first `ends_on` action (or any
final decision) after it, and stands still while the case waits for the complainant's materials.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from portal.domain.working_days import CHINA_TZ, WorkingCalendar, add_working_days, end_of_day

PAUSE_ACTION = "request_materials"
RESUME_ACTIONS = frozenset({"provide_materials"})
FINAL_ACTIONS = frozenset({"reject", "close", "withdraw", "erase"})


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"


@dataclass(frozen=True)
class DeadlineRule:
    """`starts_on` and `ends_on` name workflow actions (`received`, `accept`, `close`, …)."""

    step: str
    label: str
    amount: int
    unit: Unit
    starts_on: str
    ends_on: tuple[str, ...]


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit


@dataclass(frozen=True)
class RuleSet:
    id: str
    name: str
    basis: str
    rules: tuple[DeadlineRule, ...]
    dispute_window: Period = Period(15, Unit.CALENDAR_DAYS)


class DeadlineState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


DEADLINE_STATE_LABELS = {
    DeadlineState.RUNNING: "进行中",
    DeadlineState.PAUSED: "暂停计时（等待补充材料）",
    DeadlineState.OVERDUE: "已超期",
    DeadlineState.MET: "按时完成",
    DeadlineState.MISSED: "超期完成",
}


@dataclass(frozen=True)
class Deadline:
    step: str
    label: str
    due_at: datetime
    basis: str
    provisional: bool
    state: DeadlineState = DeadlineState.RUNNING
    ended_at: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.state in (DeadlineState.OVERDUE, DeadlineState.MISSED)

    def time_left(self, now: datetime) -> timedelta | None:
        """Until the due time while the step is open (negative once overdue); None once it ended."""
        return self.due_at - now if self.ended_at is None else None


@dataclass(frozen=True)
class Happening:
    """One workflow action at one time: all the deadline rules need to know of a case's history."""

    action: str
    at: datetime


def due_after(period: Period, at: datetime, calendar: WorkingCalendar) -> tuple[datetime, bool]:
    """When a period starting at `at` ends, and whether that rests on an unpublished holiday schedule."""
    local = at.astimezone(CHINA_TZ)
    if period.unit is Unit.HOURS:
        return local + timedelta(hours=period.amount), False
    if period.unit is Unit.CALENDAR_DAYS:
        return end_of_day(local.date() + timedelta(days=period.amount)), False
    counted = add_working_days(local.date(), period.amount, calendar)
    return end_of_day(counted.day), counted.provisional


def deadlines_for(
    rule_set: RuleSet, history: Sequence[Happening], calendar: WorkingCalendar, now: datetime
) -> list[Deadline]:
    """Every deadline whose clock has started, as it stands at `now`."""
    return [
        deadline for rule in rule_set.rules if (deadline := _evaluate(rule, rule_set.basis, history, calendar, now))
    ]


def _evaluate(
    rule: DeadlineRule, basis: str, history: Sequence[Happening], calendar: WorkingCalendar, now: datetime
) -> Deadline | None:
    starts = [i for i, happening in enumerate(history) if happening.action == rule.starts_on]
    if not starts:
        return None
    begin = starts[-1]
    started_at = history[begin].at
    ended_at = next(
        (h.at for h in history[begin + 1 :] if h.action in rule.ends_on or h.action in FINAL_ACTIONS),
        None,
    )
    pauses = _pauses(history[begin + 1 :], until=ended_at or now)
    due_at, provisional = due_after(Period(rule.amount, rule.unit), started_at, calendar)
    for paused_from, paused_to in pauses:
        if paused_from >= due_at:
            break
        due_at = _extended(due_at, rule.unit, paused_from, paused_to, calendar)
    open_pause = ended_at is None and _open_pause(history)
    # A step paused before it fell due stays paused (on a weekend its extended due day may lie behind).
    paused_in_time = open_pause and bool(pauses) and pauses[-1][0] < due_at
    state = _state(due_at, ended_at, now, paused=paused_in_time)
    return Deadline(rule.step, rule.label, due_at, basis, provisional, state, ended_at)


def _pauses(history: Sequence[Happening], until: datetime) -> list[tuple[datetime, datetime]]:
    pauses: list[tuple[datetime, datetime]] = []
    paused_from: datetime | None = None
    for happening in history:
        if happening.at > until:
            break
        if happening.action == PAUSE_ACTION and paused_from is None:
            paused_from = happening.at
        elif happening.action in RESUME_ACTIONS and paused_from is not None:
            pauses.append((paused_from, happening.at))
            paused_from = None
    if paused_from is not None:
        pauses.append((paused_from, until))
    return pauses


def _open_pause(history: Sequence[Happening]) -> bool:
    for happening in reversed(history):
        if happening.action == PAUSE_ACTION:
            return True
        if happening.action in RESUME_ACTIONS:
            return False
    return False


def _extended(
    due_at: datetime, unit: Unit, paused_from: datetime, paused_to: datetime, cal: WorkingCalendar
) -> datetime:
    """Push a due time back by the time a pause took, counted in the rule's own unit."""
    if unit is Unit.HOURS:
        return due_at + (paused_to - paused_from)
    first, last = paused_from.astimezone(CHINA_TZ).date(), paused_to.astimezone(CHINA_TZ).date()
    if unit is Unit.CALENDAR_DAYS:
        return due_at + timedelta(days=(last - first).days)
    lost = sum(1 for day in _days_after(first, last) if cal.is_workday(day))
    if lost == 0:
        return due_at
    return end_of_day(add_working_days(due_at.astimezone(CHINA_TZ).date(), lost, cal).day)


def _days_after(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range(1, (last - first).days + 1)]


def _state(due_at: datetime, ended_at: datetime | None, now: datetime, *, paused: bool) -> DeadlineState:
    if ended_at is not None:
        return DeadlineState.MET if ended_at <= due_at else DeadlineState.MISSED
    if paused:
        return DeadlineState.PAUSED
    return DeadlineState.OVERDUE if now > due_at else DeadlineState.RUNNING
