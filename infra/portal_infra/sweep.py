"""Run the scheduled sweep once (`make sweep`).

    python -m portal_infra.sweep [--state var]

While `make serve` holds the state directory, the running gateway is asked to run it (through its
loopback-only `/_local/` route and the organizer token); otherwise it runs here, in process.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

from portal_infra.embedded_dynamodb import StateInUse
from portal_infra.gateway import Portal
from portal_infra.template import REPOSITORY, Template

SWEEPER = "SweeperFunction"


def sweep_once(state_dir: Path) -> dict[str, int]:
    portal = Portal(REPOSITORY / "build" / "site", state_dir, Template())
    try:
        portal.start()
    except StateInUse:
        return _ask_running_gateway(portal)
    try:
        return {k: int(v) for k, v in portal.run_scheduled(SWEEPER).items()}
    finally:
        portal.stop()


def _ask_running_gateway(portal: Portal) -> dict[str, int]:
    url = (portal.state_dir / "gateway-url").read_text(encoding="utf-8").strip()
    request = urllib.request.Request(  # noqa: S310 - our own gateway on loopback
        f"{url}_local/scheduled/{SWEEPER}",
        method="POST",
        headers={"Authorization": f"Bearer {portal.admin_token}"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        return {k: int(v) for k, v in json.loads(response.read()).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state", type=Path, default=REPOSITORY / "var")
    args = parser.parse_args(argv)
    report = sweep_once(args.state)
    print(
        f"open cases {report['open_cases']}, overdue steps {report['overdue_steps']}, "
        f"new notices {report['posted']}, sent {report['sent']}",
        file=sys.stdout,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
