"""Organizer work over a campaign's worth of complaints: list, search, detail, statistics, ledger, sweep."""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from portal.bootstrap import container, use_container
from portal.domain.codes import hash_access_code, new_tracking_no
from portal.domain.complaints import register
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import ComplaintIn
from portal_infra.gateway import Portal
from portal_infra.lambda_runtime import HttpRequest

from benchmarks.stats import percentile
from tests.conftest import complaint_payload

CASES = 2000
REPEATS = 20
CATEGORIES = ["computers", "food", "clothing", "education", "telecom"]


def seed(count: int) -> None:
    """Complaints spread over March 2026, stored through the repository (journal fsync included)."""
    deps = container()
    code_hash = hash_access_code("K7M2Q9XP")
    rng = random.Random(315)
    start = datetime(2026, 3, 1, 8, tzinfo=CHINA_TZ)
    forms = {c: ComplaintIn.model_validate(complaint_payload(product__category=c)).to_form() for c in CATEGORIES}
    for _ in range(count):
        received = start + timedelta(minutes=rng.randrange(31 * 24 * 60))
        form = forms[rng.choice(CATEGORIES)]
        deps.complaints.add(register(form, new_tracking_no(), code_hash, received, deps.complaint_policy.rule_set.id))


def timed(action: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - started)
    return percentile(samples, 0.5), result


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as state:
        portal = Portal(Path(state) / "site", Path(state))
        portal.start()
        try:
            started = time.perf_counter()
            seed(CASES)
            seeding = time.perf_counter() - started
            token = {"Authorization": f"Bearer {portal.admin_token}"}

            def get(path: str) -> Any:
                response = portal.handle_api(HttpRequest("GET", path, token, b"", "127.0.0.1"))
                assert response.status == 200, response.body[:200]
                return response

            month = "from=2026-03-01&to=2026-03-31"
            first_page, listed = timed(lambda: get(f"/api/admin/complaints?{month}&limit=20"))
            search, _ = timed(lambda: get(f"/api/admin/complaints?{month}&q=耳机&category=computers"))
            number = json.loads(listed.body)["items"][0]["tracking_no"]
            detail, _ = timed(lambda: get(f"/api/admin/complaints/{number}"))
            stats, _ = timed(lambda: get(f"/api/admin/statistics?{month}&publication=true"), repeats=5)
            ledger, workbook = timed(lambda: get(f"/api/admin/ledger?{month}&format=xlsx"), repeats=3)
            # Every seeded case is long overdue: the first sweep posts a notice for each, the next finds none.
            first_sweep, _ = timed(lambda: portal.run_scheduled("SweeperFunction"), repeats=1)
            sweep, _ = timed(lambda: portal.run_scheduled("SweeperFunction"), repeats=3)
        finally:
            portal.stop()
            use_container(None)
    figures = {
        "cases": CASES,
        "seed_seconds": seeding,
        "list_first_page_ms": first_page * 1000,
        "list_text_search_ms": search * 1000,
        "detail_ms": detail * 1000,
        "statistics_ms": stats * 1000,
        "ledger_xlsx_ms": ledger * 1000,
        "ledger_xlsx_bytes": len(workbook.body),
        "first_sweep_ms": first_sweep * 1000,
        "sweep_ms": sweep * 1000,
    }
    print(
        f"organizer work over {CASES} complaints in one month (median): list {first_page * 1000:.0f} ms, "
        f"search {search * 1000:.0f} ms, detail {detail * 1000:.0f} ms, statistics {stats * 1000:.0f} ms, "
        f"xlsx ledger {ledger * 1000:.0f} ms ({len(workbook.body) // 1024} KB), first sweep (posting "
        f"{CASES} notices) {first_sweep * 1000:.0f} ms, next sweep {sweep * 1000:.0f} ms"
    )
    return figures
