"""Complaint statistics for organizers and, with small counts suppressed, for publication.

Only complaints received within the period (China dates, both ends included) count. Durations are
calendar days (elapsed time, not working days). Suppression hides every count below the threshold and
every median, share or sum computed from fewer cases, so a published figure cannot single out a person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import TypeVar

from portal.domain.reporting import SATISFACTION_LABELS, CaseRecord
from portal.domain.working_days import CHINA_TZ

PUBLICATION_THRESHOLD = 5
HOTSPOT_LIMIT = 10
UNRATED_LABEL = "未评价"

T = TypeVar("T")


Count = int | None  # None: suppressed
Tally = tuple[str, str, Count]  # code, label, count
Hotspot = tuple[str, str, str, str, Count]  # category, its label, issue type, its label, count


@dataclass(frozen=True)
class Statistics:
    period_start: date
    period_end: date
    suppressed_below: int | None
    total: int | None
    by_category: tuple[Tally, ...]
    by_issue_type: tuple[Tally, ...]
    by_region: tuple[Tally, ...]
    by_month: tuple[Tally, ...]
    median_days_to_accept: float | None
    median_days_to_close: float | None
    share_resolved: float | None  # settled ÷ closed other than withdrawn, 0..1
    amount_recovered: Decimal | None
    overdue: int | None
    satisfaction: tuple[Tally, ...]  # satisfied, partly, not_satisfied, unrated (closed without a rating)
    hotspots: tuple[Hotspot, ...]  # category × issue type, the HOTSPOT_LIMIT most frequent


@dataclass(frozen=True)
class _Threshold:
    below: int | None

    def count(self, n: int) -> int | None:
        return None if self.below is not None and n < self.below else n

    def based_on(self, n: int, value: T | None) -> T | None:
        return None if self.count(n) is None else value


def compute_statistics(
    records: Iterable[CaseRecord], *, period_start: date, period_end: date, suppress_below: int | None
) -> Statistics:
    if period_end < period_start:
        raise ValueError("the period ends before it starts")
    # Oldest first, so the latest label wins when an organizer renamed a category during the period.
    cases = sorted(
        (r for r in records if period_start <= _china_date(r.received_at) <= period_end),
        key=lambda r: (r.received_at, r.tracking_no),
    )
    shown = _Threshold(suppress_below)
    to_accept = [_days(r.received_at, r.accepted_at) for r in cases if r.accepted_at is not None]
    to_close = [_days(r.received_at, r.closed_at) for r in cases if r.closed_at is not None]
    concluded = [r for r in cases if r.status == "closed" and r.outcome != "withdrawn"]
    settled = sum(r.outcome == "settled" for r in concluded)
    recovered = [r.amount_recovered for r in cases if r.amount_recovered is not None]
    return Statistics(
        period_start=period_start,
        period_end=period_end,
        suppressed_below=suppress_below,
        total=shown.count(len(cases)),
        by_category=_breakdown([(r.category, r.category_label) for r in cases], shown),
        by_issue_type=_breakdown([(r.issue_type, r.issue_type_label) for r in cases], shown),
        by_region=_breakdown([(r.region, r.region_label) for r in cases], shown),
        by_month=_breakdown([_month(r.received_at) for r in cases], shown),
        median_days_to_accept=shown.based_on(len(to_accept), _median(to_accept)),
        median_days_to_close=shown.based_on(len(to_close), _median(to_close)),
        share_resolved=shown.based_on(len(concluded), settled / len(concluded) if concluded else None),
        amount_recovered=shown.based_on(len(recovered), sum(recovered, Decimal(0))),
        overdue=shown.count(sum(r.overdue for r in cases)),
        satisfaction=_satisfaction(cases, shown),
        hotspots=_hotspots(cases, shown),
    )


def statistics_as_dict(stats: Statistics) -> dict[str, object]:
    """JSON-ready: dates as ISO text, money as text with two decimals, suppressed figures as None."""
    return {
        "period_start": stats.period_start.isoformat(),
        "period_end": stats.period_end.isoformat(),
        "suppressed_below": stats.suppressed_below,
        "total": stats.total,
        "by_category": _tallies(stats.by_category),
        "by_issue_type": _tallies(stats.by_issue_type),
        "by_region": _tallies(stats.by_region),
        "by_month": _tallies(stats.by_month),
        "median_days_to_accept": stats.median_days_to_accept,
        "median_days_to_close": stats.median_days_to_close,
        "share_resolved": stats.share_resolved,
        "amount_recovered": _money(stats.amount_recovered),
        "overdue": stats.overdue,
        "satisfaction": _tallies(stats.satisfaction),
        "hotspots": [
            {"category": c, "category_label": c_label, "issue_type": i, "issue_type_label": i_label, "count": n}
            for c, c_label, i, i_label, n in stats.hotspots
        ],
    }


def _tallies(tallies: tuple[Tally, ...]) -> list[dict[str, object]]:
    return [{"code": code, "label": label, "count": n} for code, label, n in tallies]


def _breakdown(pairs: Sequence[tuple[str, str]], shown: _Threshold) -> tuple[Tally, ...]:
    labels = dict(pairs)
    ranked = sorted(Counter(code for code, _ in pairs).items(), key=lambda item: (-item[1], item[0]))
    tallies = [(code, labels[code], shown.count(n)) for code, n in ranked]
    # Suppressed rows go last in code order: ranking them by their hidden counts would leak those counts.
    return tuple(sorted(tallies, key=lambda t: (t[2] is None, -(t[2] or 0), t[0])))


def _hotspots(cases: Sequence[CaseRecord], shown: _Threshold) -> tuple[Hotspot, ...]:
    labels = {(r.category, r.issue_type): (r.category_label, r.issue_type_label) for r in cases}
    counts = Counter((r.category, r.issue_type) for r in cases)
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:HOTSPOT_LIMIT]
    hotspots = [(c, labels[c, i][0], i, labels[c, i][1], shown.count(n)) for (c, i), n in top]
    return tuple(sorted(hotspots, key=lambda h: (h[4] is None, -(h[4] or 0), h[0], h[2])))


def _satisfaction(cases: Sequence[CaseRecord], shown: _Threshold) -> tuple[Tally, ...]:
    counts = Counter(r.satisfaction or "unrated" for r in cases if r.satisfaction or r.status == "closed")
    labels = {**SATISFACTION_LABELS, "unrated": UNRATED_LABEL}
    return tuple((code, label, shown.count(counts[code])) for code, label in labels.items())


def _china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA_TZ).date()


def _month(moment: datetime) -> tuple[str, str]:
    local = moment.astimezone(CHINA_TZ)
    return f"{local:%Y-%m}", f"{local.year}年{local.month}月"


def _days(start: datetime, end: datetime) -> float:
    return (end - start) / timedelta(days=1)


def _median(days: Sequence[float]) -> float | None:
    return round(median(days), 1) if days else None


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP):f}"
