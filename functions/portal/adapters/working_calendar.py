"""The official Chinese working calendar: the maintained chinesecalendar package, plus years an
organizer adds from the State Council's notice before the package knows them."""

from __future__ import annotations

from datetime import date

import chinese_calendar

from portal.adapters.content_data import CalendarOverridesData


class OfficialWorkingCalendar:
    def __init__(self, overrides: CalendarOverridesData) -> None:
        self._overrides = overrides.years

    def is_workday(self, day: date) -> bool:
        override = self._overrides.get(day.year)
        if override is not None:
            if day in override.workdays:
                return True
            return day not in override.holidays and day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def is_official(self, day: date) -> bool:
        if day.year in self._overrides:
            return True
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            return False
        return True
