"""Deadlines on the official Chinese calendar, holidays and make-up workdays (调休) included."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from portal.adapters.content_data import CalendarOverridesData, CalendarYear
from portal.adapters.working_calendar import OfficialWorkingCalendar
from portal.domain.deadlines import DeadlineRule, Happening, RuleSet, Unit, deadlines_for
from portal.domain.working_days import CHINA_TZ, add_working_days

OFFICIAL = OfficialWorkingCalendar(CalendarOverridesData(years={}))
SEVEN_WORKING_DAYS = RuleSet(
    id="t",
    name="t",
    basis="消费者权益保护法第四十六条",
    rules=(DeadlineRule("accept", "受理", 7, Unit.WORKING_DAYS, "received", ("accept",)),),
)


def test_a_complaint_received_before_national_day_is_due_after_the_holiday_counting_the_make_up_saturday() -> None:
    # Given a complaint received on 2026-09-30, the eve of the National Day holiday (10-01 to 10-07),
    # with Saturday 2026-10-10 a make-up workday
    received = datetime(2026, 9, 30, 16, 30, tzinfo=CHINA_TZ)

    # When the 7-working-day acceptance deadline is computed
    [deadline] = deadlines_for(SEVEN_WORKING_DAYS, [Happening("received", received)], OFFICIAL, received)

    # Then the days counted are 10-08, 10-09, 10-10 (Sat, make-up), 10-12, 10-13, 10-14, 10-15
    assert deadline.due_at == datetime(2026, 10, 15, 23, 59, 59, tzinfo=CHINA_TZ)
    assert deadline.provisional is False


def test_the_spring_festival_holiday_and_its_make_up_workdays_are_respected() -> None:
    # Given a complaint received on Friday 2026-02-13; 2026-02-14 (Sat) is a make-up workday and
    # 02-15 to 02-23 is the Spring Festival holiday
    counted = add_working_days(date(2026, 2, 13), 3, OFFICIAL)

    # Then 02-14 counts, the holiday does not, and 02-24, 02-25 follow
    assert counted.day == date(2026, 2, 25)


def test_a_period_that_reaches_a_year_without_a_published_schedule_is_marked_provisional() -> None:
    # Given the calendar library knows no holidays for 2027 yet
    counted = add_working_days(date(2026, 12, 28), 7, OFFICIAL)

    # Then weekends are skipped and the result is flagged as provisional
    assert counted.day == date(2027, 1, 6)
    assert counted.provisional is True


def test_an_organizer_can_add_next_years_schedule_before_the_library_has_it() -> None:
    # Given the organizer entered 2027-01-01 as a holiday and 2027-01-02 (Sat) as a make-up workday
    calendar = OfficialWorkingCalendar(
        CalendarOverridesData(years={2027: CalendarYear(holidays=[date(2027, 1, 1)], workdays=[date(2027, 1, 2)])})
    )

    # When counting two working days from 2026-12-31
    counted = add_working_days(date(2026, 12, 31), 2, calendar)

    # Then 01-01 is skipped, 01-02 counts, and the result is official
    assert counted.day == date(2027, 1, 4)
    assert counted.provisional is False


def test_hour_and_calendar_day_rules_ignore_the_working_calendar() -> None:
    # Given an enterprise rule set with hour limits and a calendar-day rule
    rules = RuleSet(
        id="e",
        name="企业",
        basis="企业制度",
        rules=(
            DeadlineRule("contact", "联系", 24, Unit.HOURS, "received", ()),
            DeadlineRule("collect", "归档", 5, Unit.CALENDAR_DAYS, "received", ()),
            DeadlineRule("mediate", "调解", 45, Unit.WORKING_DAYS, "accept", ("close",)),
        ),
    )
    received = datetime(2026, 10, 1, 9, 0, tzinfo=CHINA_TZ)

    # When the deadlines that start on receipt are computed
    deadlines = {d.step: d.due_at for d in deadlines_for(rules, [Happening("received", received)], OFFICIAL, received)}

    # Then hours run straight through the holiday, days end at midnight, and later steps wait
    assert deadlines == {
        "contact": datetime(2026, 10, 2, 9, 0, tzinfo=CHINA_TZ),
        "collect": datetime(2026, 10, 6, 23, 59, 59, tzinfo=CHINA_TZ),
    }


def test_a_period_must_count_at_least_one_day() -> None:
    with pytest.raises(ValueError, match="at least one"):
        add_working_days(date(2026, 1, 5), 0, OFFICIAL)
