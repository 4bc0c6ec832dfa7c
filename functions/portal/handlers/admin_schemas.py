"""Bodies of the organizer routes (pydantic; they also make the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from portal.domain.case_list import CaseRow
from portal.domain.complaints import STATUS_LABELS, PersonalData
from portal.domain.workflow import REJECT_REASONS
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import DeadlineOut
from portal.ports import AccessRecord, Notice
from portal.services.evidence import EvidenceLink


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Note = Annotated[str, Field(default="", max_length=1000)]


class TransitionIn(_Input):
    action: Literal[
        "accept", "reject", "request_materials", "start_mediation", "close", "withdraw", "provide_materials"
    ]
    note: Note
    public: bool = True
    reason: Literal[tuple(REJECT_REASONS)] | None = None  # type: ignore[valid-type]
    outcome: Literal["settled", "not_settled"] | None = None
    amount_recovered: Annotated[Decimal | None, Field(default=None, ge=0, max_digits=12, decimal_places=2)]
    expected_version: int | None = Field(default=None, description="The version the organizer was looking at")


class AssignmentIn(_Input):
    handler: Annotated[str, Field(min_length=1, max_length=50)]


class NoteIn(_Input):
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    public: bool = False


class DuplicateIn(_Input):
    original: Annotated[str, Field(min_length=1, max_length=40)]


class GroupIn(_Input):
    tracking_nos: Annotated[list[Annotated[str, Field(max_length=40)]], Field(min_length=2, max_length=200)]


class TimelineOut(BaseModel):
    at: datetime
    action: str
    status: str
    note: str
    detail: str
    actor: str
    public: bool


class EvidenceLinkOut(BaseModel):
    filename: str
    content_type: str
    size: int
    url: str = Field(description="A short-lived download link")
    expires_at: datetime


class CaseSummaryOut(BaseModel):
    tracking_no: str
    version: int
    status: str
    status_label: str
    received_at: datetime
    category: str
    issue_type: str
    region: str
    business_name: str
    product_name: str
    assignee: str | None
    group_id: str | None
    duplicate_of: str | None
    overdue: bool
    next_due: datetime | None

    @classmethod
    def of(cls, row: CaseRow) -> CaseSummaryOut:
        c = row.complaint
        return cls(
            tracking_no=c.tracking_no,
            version=c.version,
            status=c.status.value,
            status_label=STATUS_LABELS[c.status],
            received_at=c.received_at.astimezone(CHINA_TZ),
            category=c.form.product.category,
            issue_type=c.form.issue_type,
            region=c.form.complainant.region,
            business_name=c.form.business.name,
            product_name=c.form.product.name,
            assignee=c.assignee,
            group_id=c.group_id,
            duplicate_of=c.duplicate_of,
            overdue=row.overdue,
            next_due=row.next_due.astimezone(CHINA_TZ) if row.next_due else None,
        )


class CasePageOut(BaseModel):
    items: list[CaseSummaryOut]
    total: int
    next_offset: int | None


class ComplainantOut(BaseModel):
    name: str | None = Field(repr=False)
    phone: str | None = Field(repr=False)
    email: str | None = Field(repr=False)
    region: str


class CaseDetailOut(CaseSummaryOut):
    personal_data: str
    complainant: ComplainantOut
    business_address: str | None
    platform: str | None
    purchased_on: date
    amount: Decimal
    order_no: str | None = Field(repr=False)
    description: str
    demands: list[str]
    forward_to_business: bool
    publish_case: bool
    reject_reason: str | None
    outcome: str | None
    amount_recovered: Decimal | None
    rating: dict[str, str] | None
    retained_until: datetime | None
    deadlines: list[DeadlineOut]
    timeline: list[TimelineOut]
    access_log: list[dict[str, str]]
    evidence: list[EvidenceLinkOut]

    @classmethod
    def of_detail(
        cls, row: CaseRow, access_log: list[AccessRecord], evidence: list[EvidenceLink], now: datetime
    ) -> CaseDetailOut:
        c = row.complaint
        form = c.form
        present = c.personal_data is PersonalData.PRESENT
        return cls(
            **CaseSummaryOut.of(row).model_dump(),
            personal_data=c.personal_data.value,
            complainant=ComplainantOut(
                name=form.complainant.name if present else None,
                phone=form.complainant.phone if present else None,
                email=form.complainant.email if present else None,
                region=form.complainant.region,
            ),
            business_address=form.business.address,
            platform=form.business.platform,
            purchased_on=form.product.purchased_on,
            amount=form.product.amount,
            order_no=form.product.order_no if present else None,
            description=form.description,
            demands=list(form.demands),
            forward_to_business=form.consents.forward_to_business,
            publish_case=form.consents.publish_case,
            reject_reason=c.reject_reason,
            outcome=c.outcome,
            amount_recovered=c.amount_recovered,
            rating={"level": c.rating.level, "comment": c.rating.comment} if c.rating else None,
            retained_until=c.expires_at.astimezone(CHINA_TZ) if c.expires_at else None,
            deadlines=[DeadlineOut.of(d, now) for d in row.deadlines],
            timeline=[
                TimelineOut(
                    at=e.at.astimezone(CHINA_TZ),
                    action=e.action,
                    status=e.status.value,
                    note=e.note,
                    detail=e.detail,
                    actor=e.actor,
                    public=e.public,
                )
                for e in c.timeline
            ],
            access_log=[
                {"at": r.at.astimezone(CHINA_TZ).isoformat(), "actor": r.actor, "purpose": r.purpose}
                for r in access_log
            ],
            evidence=[
                EvidenceLinkOut(
                    filename=link.filename,
                    content_type=link.content_type,
                    size=link.size,
                    url=link.url,
                    expires_at=link.expires_at.astimezone(CHINA_TZ),
                )
                for link in evidence
            ],
        )


class NoticeOut(BaseModel):
    id: str
    tracking_no: str
    subject: str
    message: str
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, notice: Notice) -> NoticeOut:
        return cls(
            id=notice.id,
            tracking_no=notice.tracking_no,
            subject=notice.subject,
            message=notice.message,
            created_at=notice.created_at.astimezone(CHINA_TZ),
            sent_at=notice.sent_at.astimezone(CHINA_TZ) if notice.sent_at else None,
        )
