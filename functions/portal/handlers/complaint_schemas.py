"""The complaint API's request and response bodies (pydantic; they also make the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from portal.domain.complaints import (
    DESCRIPTION_MAX_CHARS,
    DESCRIPTION_MIN_CHARS,
    MAINLAND_MOBILE_PATTERN,
    MAX_DEMANDS,
    Business,
    Complainant,
    ComplaintForm,
    ComplaintStatusView,
    Consents,
    DeadlineView,
    Product,
)
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

    @classmethod
    def of(cls, view: DeadlineView) -> DeadlineOut:
        d = view.deadline
        return cls(
            step=d.step,
            label=d.label,
            due_at=d.due_at.astimezone(CHINA_TZ),
            basis=d.basis,
            provisional=d.provisional,
            overdue=view.overdue,
        )


class TimelineEntryOut(BaseModel):
    at: datetime
    status: str
    note: str


class ComplaintStatusOut(BaseModel):
    tracking_no: str
    status: str
    status_label: str
    received_at: datetime
    category: str
    issue_type: str
    deadlines: list[DeadlineOut]
    timeline: list[TimelineEntryOut]

    @classmethod
    def of(cls, view: ComplaintStatusView) -> ComplaintStatusOut:
        return cls(
            tracking_no=view.tracking_no,
            status=view.status.value,
            status_label=view.status_label,
            received_at=view.received_at.astimezone(CHINA_TZ),
            category=view.category_label,
            issue_type=view.issue_type_label,
            deadlines=[DeadlineOut.of(d) for d in view.deadlines],
            timeline=[
                TimelineEntryOut(at=e.at.astimezone(CHINA_TZ), status=e.status.value, note=e.note)
                for e in view.timeline
            ],
        )


class ComplaintCreated(ComplaintStatusOut):
    access_code: str = Field(description="Shown once; only a salted hash is stored")
    accept_by: datetime | None


class ErrorOut(BaseModel):
    code: str
    message: str
    errors: list[dict[str, str]] | None = None
