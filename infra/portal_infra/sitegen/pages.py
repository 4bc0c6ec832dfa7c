"""Expands the portal's markers in page Markdown into generated HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from portal.adapters.content_data import ContentData
from portal.domain.complaints import MAINLAND_MOBILE_PATTERN, STATUS_LABELS
from portal.domain.evidence import FILE_TYPES, MAX_BYTES, MAX_FILES, megabytes
from portal.handlers.complaint_schemas import ComplaintIn

from portal_infra.sitegen.schema_rules import field_rules
from portal_infra.template import REPOSITORY

TEMPLATES = REPOSITORY / "site" / "templates"
DATA = REPOSITORY / "content" / "data"
MARKER = re.compile(r"<!--\s*portal:([a-z-]+)\s*-->")
BLANK_LINES = re.compile(r"\n\s*\n")


class UnknownMarker(ValueError):
    pass


class SiteGenerator:
    def __init__(self, data_dir: Path = DATA, templates_dir: Path = TEMPLATES) -> None:
        self.data = ContentData(data_dir)
        self.jinja = Environment(
            loader=FileSystemLoader(templates_dir),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @cached_property
    def renderers(self) -> dict[str, Callable[[], str]]:
        return {
            "complaint-form": self.complaint_form,
            "complaint-tracker": self.complaint_tracker,
            "evidence-upload": self.evidence_upload,
            "complaint-self-service": self.complaint_self_service,
            "organizer-console": self.organizer_console,
        }

    def expand(self, markdown: str, source: str = "<page>") -> str:
        """Replace every `<!-- portal:NAME -->` marker; an unknown NAME fails naming the page."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.renderers:
                known = ", ".join(sorted(self.renderers))
                raise UnknownMarker(f"{source}: unknown marker portal:{name} (known: {known})")
            # Blank lines would end Markdown's raw-HTML block halfway through the form.
            return BLANK_LINES.sub("\n", self.renderers[name]().strip())

        return MARKER.sub(replace, markdown)

    def complaint_form(self) -> str:
        form = self.data.complaint_form
        return self.jinja.get_template("complaint_form.html").render(
            fields=form.fields,
            rules=field_rules(ComplaintIn),
            category_groups=form.categories,
            issue_types=form.issue_types,
            demands=form.demands,
            regions=form.regions,
            privacy=self.data.privacy,
            phone_pattern=MAINLAND_MOBILE_PATTERN.strip("^$"),
        )

    def complaint_tracker(self) -> str:
        return self.jinja.get_template("complaint_tracker.html").render()

    def evidence_upload(self) -> str:
        """The evidence panel: its limits come from the same domain rules the server applies."""
        types = {extension: kind.content_type for kind in FILE_TYPES.values() for extension in kind.extensions}
        return self.jinja.get_template("evidence_upload.html").render(
            types=types, max_bytes=MAX_BYTES, max_size=megabytes(MAX_BYTES), max_files=MAX_FILES
        )

    def complaint_self_service(self) -> str:
        form = self.data.complaint_form
        options = self.data.complaint_options()
        # The names behind the codes in the personal-data view (the API returns codes, as stored).
        labels = {
            "regions": options.regions,
            "categories": options.categories,
            "issue_types": options.issue_types,
            "demands": options.demands,
            "statuses": {status.value: label for status, label in STATUS_LABELS.items()},
            "fields": {path: text.label.replace("（选填）", "") for path, text in form.fields.items()},
        }
        return self.jinja.get_template("complaint_self_service.html").render(
            labels=labels, phone_pattern=MAINLAND_MOBILE_PATTERN.strip("^$")
        )

    def organizer_console(self) -> str:
        # A static frame only: the console reads every case from /api/admin after sign-in.
        return self.jinja.get_template("organizer_console.html").render()
