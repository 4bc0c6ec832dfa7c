"""The generated site: strict build, Chinese search, forms generated from the API's own rules."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from portal.adapters.content_data import ContentData
from portal.handlers.complaint_schemas import ComplaintIn
from portal_infra.sitegen.pages import SiteGenerator, UnknownMarker
from portal_infra.sitegen.schema_rules import field_rules

from tests.conftest import REPOSITORY

pytestmark = pytest.mark.slow
EXTERNAL_LOAD = re.compile(
    r"<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=[\"'](?:https?:)?//|"
    r"<link\b(?=[^>]*\brel=[\"']?(?:stylesheet|preload|preconnect|modulepreload|icon|manifest|dns-prefetch))"
    r"[^>]*\bhref=[\"'](?:https?:)?//|@import\s+url\((?:https?:)?//",
    re.IGNORECASE,
)
SECTIONS = ["首页", "维权指南", "消费警示", "典型案例", "校园活动", "问卷与竞答", "我要投诉", "投诉查询"]


class FormControls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.options: dict[str, set[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in {"input", "select", "textarea"} and attributes.get("name"):
            self.names.add(str(attributes["name"]))
        if tag == "select":
            self._select = attributes.get("name")
            self.options[str(self._select)] = set()
        if tag == "option" and self._select and attributes.get("value"):
            self.options[self._select].add(str(attributes["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def test_the_search_index_holds_chinese_split_into_words_by_jieba(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    # jieba's segments are separated by zero-width spaces that lunr splits on
    words = set(re.split(r"[\u200b\s]+", text))
    assert {"投诉", "消费者", "查询"} <= words
    assert "\u200b" in text


def test_the_navigation_has_every_section(built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in home


def test_no_page_loads_anything_from_another_origin(built_site: Path) -> None:
    offenders = {}
    for page in built_site.rglob("*"):
        if page.suffix in {".html", ".css"}:
            found = EXTERNAL_LOAD.findall(page.read_text(encoding="utf-8", errors="replace"))
            if found:
                offenders[str(page.relative_to(built_site))] = found[:3]
    assert offenders == {}


def test_the_complaint_form_asks_exactly_what_the_api_accepts(built_site: Path) -> None:
    controls = FormControls()
    controls.feed((built_site / "complaint" / "index.html").read_text(encoding="utf-8"))
    api_fields = set(field_rules(ComplaintIn))
    assert api_fields <= controls.names | {"demands"}
    assert controls.names - api_fields == {"privacy_accepted", "query"}  # query: the site's search box

    data = ContentData(REPOSITORY / "content" / "data")
    options = data.complaint_options()
    assert controls.options["product.category"] == set(options.categories)
    assert controls.options["issue_type"] == set(options.issue_types)
    assert controls.options["complainant.region"] == set(options.regions)


def test_the_form_carries_the_current_privacy_notice_version(built_site: Path) -> None:
    page = (built_site / "complaint" / "index.html").read_text(encoding="utf-8")
    version = ContentData(REPOSITORY / "content" / "data").privacy.current_version
    assert f'name="consents.privacy_notice_version" value="{version}"' in page


def test_an_unknown_marker_fails_naming_the_page() -> None:
    with pytest.raises(UnknownMarker, match=r"guides/x\.md.*portal:complaint-from"):
        SiteGenerator().expand("<!-- portal:complaint-from -->", source="guides/x.md")


def test_no_page_asks_for_google_fonts_or_a_cdn(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text
        assert "fonts.gstatic" not in text


def test_page_specific_scripts_load_only_on_their_pages(built_site: Path) -> None:
    # The organizer console's code is for organizers: a reader of a guide on a slow phone never downloads it
    guide = (built_site / "guides" / "index.html").read_text(encoding="utf-8")
    console = (built_site / "organizer" / "index.html").read_text(encoding="utf-8")
    tracker = (built_site / "track" / "index.html").read_text(encoding="utf-8")

    assert "portal-organizer.js" not in guide
    assert "portal-self-service.js" not in guide
    assert "portal-organizer.js" in console
    assert "portal-organizer.css" in console
    assert "portal-self-service.js" in tracker
    assert "portal-evidence.js" in tracker


def test_the_organizer_console_is_not_in_the_search_index_and_holds_no_case_data(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not any(doc["location"].startswith("organizer/") for doc in index["docs"])
    console = (built_site / "organizer" / "index.html").read_text(encoding="utf-8")
    assert "TS-" not in console
