"""python -m benchmarks: run every measurement and write the figures to build/bench.json."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from benchmarks import casework, complaints


def main() -> int:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("PORTAL_ACCESS_LOG", "0")
    logging.getLogger("portal").setLevel(logging.WARNING)
    results = {"complaints": complaints.run(), "casework": casework.run()}
    out = Path("build") / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
