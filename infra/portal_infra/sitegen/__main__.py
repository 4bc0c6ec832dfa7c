"""python -m portal_infra.sitegen PAGE.md…: print each page with its markers expanded (no MkDocs needed)."""

from __future__ import annotations

import sys
from pathlib import Path

from portal_infra.sitegen.pages import SiteGenerator


def main(argv: list[str]) -> int:
    generator = SiteGenerator()
    for name in argv:
        path = Path(name)
        sys.stdout.write(generator.expand(path.read_text(encoding="utf-8"), source=str(path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
