"""The Content-Disposition of a download: always an attachment, with the person's own file name."""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._ ()\-]")


def attachment(filename: str) -> str:
    """RFC 6266: an ASCII fallback name for old clients, the real (Chinese) name as RFC 5987 UTF-8."""
    stem, dot, extension = filename.rpartition(".")
    fallback_stem = _UNSAFE_ASCII.sub("_", stem if dot else filename).strip("_ ") or "evidence"
    fallback = f"{fallback_stem}.{_UNSAFE_ASCII.sub('', extension)}" if dot else fallback_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
