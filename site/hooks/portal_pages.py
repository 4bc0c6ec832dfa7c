"""MkDocs hook: a thin adapter that hands each page's Markdown to the portal's site generator."""

from __future__ import annotations

from typing import Any

from portal_infra.sitegen.pages import SiteGenerator

_generator: SiteGenerator | None = None


def on_config(config: Any) -> Any:
    global _generator
    _generator = SiteGenerator()
    return config


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    assert _generator is not None
    return _generator.expand(markdown, source=page.file.src_path)
