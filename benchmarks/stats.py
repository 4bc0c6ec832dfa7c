"""Small helpers to summarise timings."""

from __future__ import annotations

import statistics


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples: list[float]) -> str:
    return (
        f"p50 {percentile(samples, 0.5) * 1000:.1f} ms, p99 {percentile(samples, 0.99) * 1000:.1f} ms, "
        f"mean {statistics.fmean(samples) * 1000:.1f} ms over {len(samples)} requests"
    )
