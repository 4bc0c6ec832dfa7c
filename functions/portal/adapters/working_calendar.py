"""The official Chinese working calendar: the maintained chinesecalendar package, plus years an
organizer adds from the State Council's notice before the package knows them."""

from __future__ import annotations

from datetime import date

import chinese_calendar

from portal.adapters.content_data import CalendarOverridesData


class OfficialWorkingCalendar:
    def __init__(self, overrides: CalendarOverridesData) -> None:
        self._overrides = overrides.years

        # chinesecalendar checks each date against the range it covers by scanning all its dates
        # (min/max over its tables), so every answer is kept: a list of cases asks thousands of times.
        self._workday: dict[date, bool] = {}
        self._official: dict[date, bool] = {}

    def is_workday(self, day: date) -> bool:
        if day not in self._workday:
            self._workday[day] = self._look_up(day)
        return self._workday[day]

    def is_official(self, day: date) -> bool:
        if day not in self._official:
            self._official[day] = day.year in self._overrides or self._library_knows(day)
        return self._official[day]

    def _look_up(self, day: date) -> bool:
        override = self._overrides.get(day.year)
        if override is not None:
            if day in override.workdays:
                return True
            return day not in override.holidays and day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    @staticmethod
    def _library_knows(day: date) -> bool:
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            return False
        return True
