"""A consumer complaint: what the complainant submits, the rules it must meet, and what they may see."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from portal.domain.deadlines import Deadline, Happening, RuleSet, deadlines_for, due_after
from portal.domain.errors import FieldError, InvalidInput
from portal.domain.working_days import WorkingCalendar

MAINLAND_MOBILE_PATTERN = r"^1[3-9]\d{9}$"
DESCRIPTION_MIN_CHARS = 20
DESCRIPTION_MAX_CHARS = 2000
MAX_DEMANDS = 6


class ComplaintStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WAITING_FOR_COMPLAINANT = "waiting_for_complainant"
    MEDIATING = "mediating"
    CLOSED = "closed"


STATUS_LABELS: Mapping[ComplaintStatus, str] = {
    ComplaintStatus.SUBMITTED: "已提交，等待受理",
    ComplaintStatus.ACCEPTED: "已受理",
    ComplaintStatus.REJECTED: "不予受理",
    ComplaintStatus.WAITING_FOR_COMPLAINANT: "等待投诉人补充材料（暂停计时）",
    ComplaintStatus.MEDIATING: "调解中",
    ComplaintStatus.CLOSED: "已结案",
}
FINAL_STATUSES = frozenset({ComplaintStatus.REJECTED, ComplaintStatus.CLOSED})


@dataclass(frozen=True)
class Complainant:
    name: str
    phone: str
    email: str | None
    region: str


@dataclass(frozen=True)
class Business:
    name: str
    address: str | None
    platform: str | None


@dataclass(frozen=True)
class Product:
    name: str
    category: str
    purchased_on: date
    amount: Decimal
    order_no: str | None


@dataclass(frozen=True)
class Consents:
    privacy_notice_version: str
    forward_to_business: bool
    publish_case: bool


@dataclass(frozen=True)
class ComplaintForm:
    complainant: Complainant
    business: Business
    product: Product
    issue_type: str
    description: str
    demands: tuple[str, ...]
    consents: Consents


@dataclass(frozen=True)
class ComplaintOptions:
    """The enumerations the form offers and the server accepts, from one data file."""

    categories: Mapping[str, str]
    issue_types: Mapping[str, str]
    demands: Mapping[str, str]
    regions: Mapping[str, str]
    privacy_notice_version: str


class PersonalData(StrEnum):
    """Whether a loaded complaint carries the complainant's personal data."""

    PRESENT = "present"
    WITHHELD = "withheld"  # loaded for a list or statistics, where nobody needs it
    ERASED = "erased"  # deleted at the complainant's request or by retention


COMPLAINANT = "complainant"
SYSTEM = "system"


@dataclass(frozen=True)
class TimelineEntry:
    """`note` is the headline anyone following the case may read; `detail` is what the actor wrote,
    shown to the complainant only when `public`."""

    at: datetime
    action: str
    status: ComplaintStatus
    note: str
    actor: str = SYSTEM
    public: bool = True
    detail: str = ""


# Actions that change the status: the complainant always sees that they happened.
STATUS_ACTIONS = frozenset(
    {"received", "accept", "reject", "request_materials", "provide_materials", "start_mediation", "close"}
    | {"withdraw", "dispute"}
)


def public_timeline(timeline: tuple[TimelineEntry, ...]) -> tuple[TimelineEntry, ...]:
    return tuple(
        entry if entry.public else replace(entry, detail="")
        for entry in timeline
        if entry.public or entry.action in STATUS_ACTIONS
    )


@dataclass(frozen=True)
class ConsentChange:
    """One grant or withdrawal of a consent, with the privacy notice it was given under."""

    consent: str
    granted: bool
    at: datetime
    privacy_notice_version: str


@dataclass(frozen=True)
class Rating:
    level: str
    comment: str
    at: datetime


@dataclass(frozen=True)
class Complaint:
    tracking_no: str
    access_code_hash: str
    status: ComplaintStatus
    received_at: datetime
    form: ComplaintForm
    timeline: tuple[TimelineEntry, ...]
    version: int
    rule_set_id: str = ""
    assignee: str | None = None
    duplicate_of: str | None = None
    group_id: str | None = None
    reject_reason: str | None = None
    outcome: str | None = None
    amount_recovered: Decimal | None = None
    rating: Rating | None = None
    consent_log: tuple[ConsentChange, ...] = ()
    personal_data: PersonalData = PersonalData.PRESENT
    expires_at: datetime | None = None

    def history(self) -> list[Happening]:
        return [Happening(entry.action, entry.at) for entry in self.timeline]

    def last(self, action: str) -> TimelineEntry | None:
        return next((entry for entry in reversed(self.timeline) if entry.action == action), None)

    @property
    def closed_at(self) -> datetime | None:
        """When the case reached its current final decision; None while it is open."""
        if self.status not in FINAL_STATUSES:
            return None
        closed_at = self.timeline[-1].at
        for entry in reversed(self.timeline):  # back to where the current final run of entries began
            if entry.status not in FINAL_STATUSES:
                break
            closed_at = entry.at
        return closed_at


@dataclass(frozen=True)
class DeadlineView:
    deadline: Deadline
    overdue: bool


@dataclass(frozen=True)
class ComplaintStatusView:
    """What a complainant sees when tracking a case: no personal data at all."""

    tracking_no: str
    status: ComplaintStatus
    status_label: str
    received_at: datetime
    category_label: str
    issue_type_label: str
    deadlines: tuple[DeadlineView, ...]
    timeline: tuple[TimelineEntry, ...]
    outcome: str | None
    rating: Rating | None
    can_dispute_until: datetime | None


def check_form(form: ComplaintForm, options: ComplaintOptions, today: date) -> None:
    """Raise InvalidInput naming every field that breaks a rule."""
    errors = [
        *_choice_errors(form, options),
        *_content_errors(form, today),
    ]
    if form.consents.privacy_notice_version != options.privacy_notice_version:
        errors.append(
            FieldError(
                "consents.privacy_notice_version",
                "outdated_privacy_notice",
                "隐私声明已更新，请刷新页面阅读最新版本后重新提交",
            )
        )
    if errors:
        raise InvalidInput(errors)


def _choice_errors(form: ComplaintForm, options: ComplaintOptions) -> list[FieldError]:
    errors = []
    if form.product.category not in options.categories:
        errors.append(FieldError("product.category", "unknown_choice", "请从列表中选择商品或服务类别"))
    if form.issue_type not in options.issue_types:
        errors.append(FieldError("issue_type", "unknown_choice", "请从列表中选择问题类型"))
    if form.complainant.region not in options.regions:
        errors.append(FieldError("complainant.region", "unknown_choice", "请从列表中选择所在地区"))
    if not form.demands:
        errors.append(FieldError("demands", "required", "请至少选择一项诉求"))
    elif len(set(form.demands)) != len(form.demands) or len(form.demands) > MAX_DEMANDS:
        errors.append(FieldError("demands", "invalid_choice", "每项诉求只能选择一次"))
    elif any(demand not in options.demands for demand in form.demands):
        errors.append(FieldError("demands", "unknown_choice", "请从列表中选择诉求"))
    return errors


def _content_errors(form: ComplaintForm, today: date) -> list[FieldError]:
    errors = []
    if not re.fullmatch(MAINLAND_MOBILE_PATTERN, form.complainant.phone):
        errors.append(FieldError("complainant.phone", "invalid_phone", "请填写 11 位中国大陆手机号码"))
    if form.product.purchased_on > today:
        errors.append(FieldError("product.purchased_on", "future_date", "购买日期不能晚于今天"))
    amount = form.product.amount
    if amount < 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.append(FieldError("product.amount", "invalid_amount", "金额不能为负数，最多保留两位小数"))
    length = len(form.description.strip())
    if not DESCRIPTION_MIN_CHARS <= length <= DESCRIPTION_MAX_CHARS:
        errors.append(
            FieldError(
                "description",
                "invalid_length",
                f"事实经过需要 {DESCRIPTION_MIN_CHARS}–{DESCRIPTION_MAX_CHARS} 个字，现在是 {length} 个字",
            )
        )
    return errors


def fingerprint(form: ComplaintForm) -> str:
    """A digest of everything submitted: two submissions with the same fingerprint are the same complaint."""
    canonical = json.dumps(asdict(form), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def register(
    form: ComplaintForm, tracking_no: str, access_code_hash: str, received_at: datetime, rule_set_id: str
) -> Complaint:
    consents = form.consents
    return Complaint(
        tracking_no=tracking_no,
        access_code_hash=access_code_hash,
        status=ComplaintStatus.SUBMITTED,
        received_at=received_at,
        form=form,
        timeline=(TimelineEntry(received_at, "received", ComplaintStatus.SUBMITTED, "投诉已登记，等待受理"),),
        version=1,
        rule_set_id=rule_set_id,
        consent_log=tuple(
            ConsentChange(name, granted, received_at, consents.privacy_notice_version)
            for name, granted in (
                ("privacy_notice", True),
                ("forward_to_business", consents.forward_to_business),
                ("publish_case", consents.publish_case),
            )
        ),
    )


def deadlines(complaint: Complaint, rule_set: RuleSet, calendar: WorkingCalendar, now: datetime) -> list[Deadline]:
    return deadlines_for(rule_set, complaint.history(), calendar, now)


def dispute_deadline(complaint: Complaint, rule_set: RuleSet, calendar: WorkingCalendar) -> datetime | None:
    """Until when a complainant may dispute the result of a closed (not withdrawn) case."""
    if complaint.status is not ComplaintStatus.CLOSED or complaint.outcome == "withdrawn":
        return None
    closed = complaint.last("close")
    return due_after(rule_set.dispute_window, closed.at, calendar)[0] if closed else None


def status_view(
    complaint: Complaint, options: ComplaintOptions, rule_set: RuleSet, calendar: WorkingCalendar, now: datetime
) -> ComplaintStatusView:
    return ComplaintStatusView(
        tracking_no=complaint.tracking_no,
        status=complaint.status,
        status_label=STATUS_LABELS[complaint.status],
        received_at=complaint.received_at,
        category_label=options.categories.get(complaint.form.product.category, complaint.form.product.category),
        issue_type_label=options.issue_types.get(complaint.form.issue_type, complaint.form.issue_type),
        deadlines=tuple(DeadlineView(d, d.overdue) for d in deadlines(complaint, rule_set, calendar, now)),
        timeline=public_timeline(complaint.timeline),
        outcome=complaint.outcome,
        rating=complaint.rating,
        can_dispute_until=dispute_deadline(complaint, rule_set, calendar),
    )
