"""Time limits as data: a rule set names, for each step of handling, how long it may take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from portal.domain.working_days import CHINA_TZ, WorkingCalendar, add_working_days, end_of_day


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"


@dataclass(frozen=True)
class DeadlineRule:
    step: str
    label: str
    amount: int
    unit: Unit
    starts_on: str


@dataclass(frozen=True)
class RuleSet:
    id: str
    name: str
    basis: str
    rules: tuple[DeadlineRule, ...]


@dataclass(frozen=True)
class Deadline:
    step: str
    label: str
    due_at: datetime
    basis: str
    provisional: bool


def deadlines_starting(rule_set: RuleSet, event: str, at: datetime, calendar: WorkingCalendar) -> list[Deadline]:
    """The deadlines that begin to run when `event` happens at `at`."""
    return [_deadline(rule, rule_set.basis, at, calendar) for rule in rule_set.rules if rule.starts_on == event]


def _deadline(rule: DeadlineRule, basis: str, at: datetime, calendar: WorkingCalendar) -> Deadline:
    local = at.astimezone(CHINA_TZ)
    if rule.unit is Unit.HOURS:
        return Deadline(rule.step, rule.label, local + timedelta(hours=rule.amount), basis, False)
    if rule.unit is Unit.CALENDAR_DAYS:
        due_day = local.date() + timedelta(days=rule.amount)
        return Deadline(rule.step, rule.label, end_of_day(due_day), basis, False)
    counted = add_working_days(local.date(), rule.amount, calendar)
    return Deadline(rule.step, rule.label, end_of_day(counted.day), basis, counted.provisional)
