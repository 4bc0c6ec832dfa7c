"""The real clock and the real source of secret codes."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.domain import codes


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RandomCodes:
    def tracking_no(self) -> str:
        return codes.new_tracking_no()

    def access_code(self) -> str:
        return codes.new_access_code()
