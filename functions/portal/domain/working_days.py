"""Deadline arithmetic on the official Chinese working calendar.

Statutory periods follow the usual Chinese rule that the day on which a period starts is not
counted (民法典第二百零一条): a complaint received on a Wednesday with a 7-working-day limit is due
at the end of the seventh working day after that Wednesday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)


class WorkingCalendar(Protocol):
    def is_workday(self, day: date) -> bool:
        """True on a working day, make-up workdays (调休) included."""
        ...

    def is_official(self, day: date) -> bool:
        """True when the day's status comes from the published State Council schedule."""
        ...


@dataclass(frozen=True)
class CountedDay:
    """The day a period ends on, and whether every day it counted came from an official calendar."""

    day: date
    provisional: bool


def add_working_days(start: date, working_days: int, calendar: WorkingCalendar) -> CountedDay:
    if working_days < 1:
        raise ValueError("a period must count at least one working day")
    day = start
    counted = 0
    provisional = False
    while counted < working_days:
        day += timedelta(days=1)
        provisional = provisional or not calendar.is_official(day)
        if calendar.is_workday(day):
            counted += 1
    return CountedDay(day=day, provisional=provisional)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=CHINA_TZ)
