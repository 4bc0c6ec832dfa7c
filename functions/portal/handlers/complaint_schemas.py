"""The complaint API's request and response bodies (pydantic; they also make the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from portal.domain.complaints import (
    COMPLAINANT,
    DESCRIPTION_MAX_CHARS,
    DESCRIPTION_MIN_CHARS,
    MAINLAND_MOBILE_PATTERN,
    MAX_DEMANDS,
    Business,
    Complainant,
    ComplaintForm,
    ComplaintStatusView,
    Consents,
    Product,
    TimelineEntry,
)
from portal.domain.deadlines import DEADLINE_STATE_LABELS, Deadline
from portal.domain.working_days import CHINA_TZ

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Text = Annotated[str, Field(min_length=1, max_length=100)]
OptionalText = Annotated[str | None, Field(default=None, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=40)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ComplainantIn(_Input):
    # repr=False: personal data must not surface in a traceback or a debug line.
    name: Annotated[str, Field(min_length=1, max_length=50, repr=False)]
    phone: Annotated[str, Field(pattern=MAINLAND_MOBILE_PATTERN, examples=["13800138000"], repr=False)]
    email: Annotated[str | None, Field(default=None, max_length=254, pattern=EMAIL_PATTERN, repr=False)]
    region: Code


class BusinessIn(_Input):
    name: Text
    address: OptionalText
    platform: OptionalText


class ProductIn(_Input):
    name: Text
    category: Code
    purchased_on: date
    amount: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, examples=["199.00"])]
    order_no: Annotated[str | None, Field(default=None, max_length=64, repr=False)]


class ConsentsIn(_Input):
    privacy_notice_version: Code
    forward_to_business: StrictBool
    publish_case: StrictBool


class ComplaintIn(_Input):
    complainant: ComplainantIn
    business: BusinessIn
    product: ProductIn
    issue_type: Code
    description: Annotated[str, Field(min_length=DESCRIPTION_MIN_CHARS, max_length=DESCRIPTION_MAX_CHARS)]
    demands: Annotated[list[Code], Field(min_length=1, max_length=MAX_DEMANDS)]
    consents: ConsentsIn

    def to_form(self) -> ComplaintForm:
        return ComplaintForm(
            complainant=Complainant(**self.complainant.model_dump()),
            business=Business(**self.business.model_dump()),
            product=Product(**self.product.model_dump()),
            issue_type=self.issue_type,
            description=self.description,
            demands=tuple(self.demands),
            consents=Consents(**self.consents.model_dump()),
        )


class DeadlineOut(BaseModel):
    step: str
    label: str
    due_at: datetime
    basis: str
    provisional: bool = Field(description="True when the official holiday schedule for that year is not out yet")
    overdue: bool
    state: str = Field(description="running, paused, overdue, met or missed")
    state_label: str
    ended_at: datetime | None
    seconds_left: int | None = Field(description="Until due, while the step is open; negative once overdue")

    @classmethod
    def of(cls, deadline: Deadline, now: datetime) -> DeadlineOut:
        left = deadline.time_left(now)
        return cls(
            step=deadline.step,
            label=deadline.label,
            due_at=deadline.due_at.astimezone(CHINA_TZ),
            basis=deadline.basis,
            provisional=deadline.provisional,
            overdue=deadline.overdue,
            state=deadline.state.value,
            state_label=DEADLINE_STATE_LABELS[deadline.state],
            ended_at=deadline.ended_at.astimezone(CHINA_TZ) if deadline.ended_at else None,
            seconds_left=int(left.total_seconds()) if left is not None else None,
        )


class TimelineEntryOut(BaseModel):
    at: datetime
    action: str
    status: str
    note: str
    detail: str
    by_complainant: bool

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryOut:
        return cls(
            at=entry.at.astimezone(CHINA_TZ),
            action=entry.action,
            status=entry.status.value,
            note=entry.note,
            detail=entry.detail,
            by_complainant=entry.actor == COMPLAINANT,
        )


class RatingOut(BaseModel):
    level: str
    comment: str
    at: datetime


class ComplaintStatusOut(BaseModel):
    tracking_no: str
    status: str
    status_label: str
    received_at: datetime
    category: str
    issue_type: str
    deadlines: list[DeadlineOut]
    timeline: list[TimelineEntryOut]
    outcome: str | None
    rating: RatingOut | None
    can_dispute_until: datetime | None

    @classmethod
    def of(cls, view: ComplaintStatusView, now: datetime) -> ComplaintStatusOut:
        rating = view.rating
        return cls(
            tracking_no=view.tracking_no,
            status=view.status.value,
            status_label=view.status_label,
            received_at=view.received_at.astimezone(CHINA_TZ),
            category=view.category_label,
            issue_type=view.issue_type_label,
            deadlines=[DeadlineOut.of(d.deadline, now) for d in view.deadlines],
            timeline=[TimelineEntryOut.of(entry) for entry in view.timeline],
            outcome=view.outcome,
            rating=RatingOut(level=rating.level, comment=rating.comment, at=rating.at.astimezone(CHINA_TZ))
            if rating
            else None,
            can_dispute_until=view.can_dispute_until.astimezone(CHINA_TZ) if view.can_dispute_until else None,
        )


class ComplaintCreated(ComplaintStatusOut):
    access_code: str = Field(description="Shown once; only a salted hash is stored")
    accept_by: datetime | None


class ErrorOut(BaseModel):
    code: str
    message: str
    errors: list[dict[str, str]] | None = None
