"""Reads the organizer-edited YAML under content/data/ into domain objects.

The same files are packaged with the functions, so the form a visitor sees and the rules the
server applies come from one source. A malformed file fails with the file and the field named.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from portal.domain.complaints import ComplaintOptions
from portal.domain.deadlines import DeadlineRule, Period, RuleSet, Unit

ModelT = TypeVar("ModelT", bound=BaseModel)


class ContentDataError(ValueError):
    """A data file is missing or does not match its expected shape."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldText(_Strict):
    label: str
    hint: str | None = None


class ChoiceGroup(_Strict):
    group: str
    choices: dict[str, str]


class ComplaintFormData(_Strict):
    categories: list[ChoiceGroup]
    issue_types: dict[str, str]
    demands: dict[str, str]
    regions: dict[str, str]
    fields: dict[str, FieldText]

    @model_validator(mode="after")
    def _category_codes_are_unique(self) -> ComplaintFormData:
        codes = [code for group in self.categories for code in group.choices]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise ValueError(f"category codes used in more than one group: {', '.join(repeated)}")
        return self


class PrivacyData(_Strict):
    current_version: str
    effective_on: date
    page: str


class RuleData(_Strict):
    step: str
    label: str
    amount: int
    unit: Unit
    starts_on: str
    ends_on: list[str]


class PeriodData(_Strict):
    amount: int = Field(ge=1)
    unit: Unit


class RuleSetData(_Strict):
    name: str
    basis: str
    rules: list[RuleData]
    dispute_window: PeriodData


class DeadlineRulesData(_Strict):
    default: str
    rule_sets: dict[str, RuleSetData]


class CalendarYear(_Strict):
    holidays: list[date] = []
    workdays: list[date] = []


class CalendarOverridesData(_Strict):
    years: dict[int, CalendarYear]


class ContentData:
    """Typed, cached access to the data files in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @cached_property
    def complaint_form(self) -> ComplaintFormData:
        return self._load("complaint_form.yaml", ComplaintFormData)

    @cached_property
    def privacy(self) -> PrivacyData:
        return self._load("privacy.yaml", PrivacyData)

    @cached_property
    def deadline_rules(self) -> DeadlineRulesData:
        return self._load("deadline_rules.yaml", DeadlineRulesData)

    @cached_property
    def calendar_overrides(self) -> CalendarOverridesData:
        return self._load("calendar_overrides.yaml", CalendarOverridesData)

    def complaint_options(self) -> ComplaintOptions:
        form = self.complaint_form
        return ComplaintOptions(
            categories={code: label for group in form.categories for code, label in group.choices.items()},
            issue_types=form.issue_types,
            demands=form.demands,
            regions=form.regions,
            privacy_notice_version=self.privacy.current_version,
        )

    def rule_set(self, rule_set_id: str | None = None) -> RuleSet:
        rules = self.deadline_rules
        chosen = rule_set_id or rules.default
        if chosen not in rules.rule_sets:
            known = "、".join(rules.rule_sets)
            raise ContentDataError(f"deadline_rules.yaml: no rule set named {chosen!r} (known: {known})")
        data = rules.rule_sets[chosen]
        return RuleSet(
            id=chosen,
            name=data.name,
            basis=data.basis,
            rules=tuple(
                DeadlineRule(r.step, r.label, r.amount, r.unit, r.starts_on, tuple(r.ends_on)) for r in data.rules
            ),
            dispute_window=Period(data.dispute_window.amount, data.dispute_window.unit),
        )

    def _load(self, name: str, model: type[ModelT]) -> ModelT:
        path = self.directory / name
        try:
            raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
            return model.model_validate(raw)
        except FileNotFoundError as error:
            raise ContentDataError(f"{path}: file not found") from error
        except yaml.YAMLError as error:
            raise ContentDataError(f"{path}: not valid YAML: {error}") from error
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}" for issue in error.errors()
            )
            raise ContentDataError(f"{path}: {problems}") from error
