"""The ledger (台账) and the statistics, from the complaints received in a period."""

from __future__ import annotations

from datetime import date, datetime

from portal.domain.complaints import STATUS_LABELS, Complaint, PersonalData, TimelineEntry
from portal.domain.errors import FieldError, InvalidInput
from portal.domain.reporting import CaseRecord
from portal.domain.statistics import PUBLICATION_THRESHOLD, Statistics, compute_statistics
from portal.domain.workflow import OUTCOMES
from portal.ports import AccessRecord
from portal.services.casework import Desk

MAX_PERIOD_DAYS = 366 * 3


def ledger_records(first: date, last: date, *, actor: str, desk: Desk) -> list[CaseRecord]:
    """Every complaint received in the period, with personal data: one logged access for the export."""
    _check_period(first, last)
    listed = list(desk.repository.received_between(first, last))
    now = desk.clock.now()
    held = tuple(c.tracking_no for c in listed if c.personal_data is not PersonalData.ERASED)
    if held:
        desk.access_log.record(AccessRecord(actor, now, f"导出台账 {first}–{last}", held))
    full = [desk.repository.get(c.tracking_no) if c.tracking_no in held else c for c in listed]
    return [case_record(c, desk, now) for c in full if c is not None]


def statistics(first: date, last: date, *, for_publication: bool, desk: Desk) -> Statistics:
    _check_period(first, last)
    now = desk.clock.now()
    records = [case_record(c, desk, now) for c in desk.repository.received_between(first, last)]
    threshold = PUBLICATION_THRESHOLD if for_publication else None
    return compute_statistics(records, period_start=first, period_end=last, suppress_below=threshold)


def case_record(complaint: Complaint, desk: Desk, now: datetime) -> CaseRecord:
    options = desk.policy.options
    form = complaint.form
    accepted = complaint.last("accept")
    closing = next((e for e in reversed(complaint.timeline) if e.action in ("close", "withdraw", "reject")), None)
    personal = complaint.personal_data is PersonalData.PRESENT
    outcome = "rejected" if complaint.status.value == "rejected" else complaint.outcome
    return CaseRecord(
        tracking_no=complaint.tracking_no,
        received_at=complaint.received_at,
        status=complaint.status.value,
        status_label=STATUS_LABELS[complaint.status],
        category=form.product.category,
        category_label=options.categories.get(form.product.category, form.product.category),
        issue_type=form.issue_type,
        issue_type_label=options.issue_types.get(form.issue_type, form.issue_type),
        region=form.complainant.region,
        region_label=options.regions.get(form.complainant.region, form.complainant.region),
        business_name=form.business.name,
        product_name=form.product.name,
        purchased_on=form.product.purchased_on,
        amount=form.product.amount,
        description=form.description,
        demands=tuple(options.demands.get(d, d) for d in form.demands),
        accepted_at=accepted.at if accepted else None,
        closed_at=complaint.closed_at,
        outcome=outcome,
        outcome_label=OUTCOMES.get(outcome or "", "不予受理" if outcome == "rejected" else None),
        amount_recovered=complaint.amount_recovered,
        overdue=desk.row(complaint, now).overdue,
        satisfaction=complaint.rating.level if complaint.rating else None,
        group_id=complaint.group_id,
        complainant_name=form.complainant.name if personal else None,
        complainant_phone=form.complainant.phone if personal else None,
        complainant_email=form.complainant.email if personal else None,
        handling_result=_handling_result(closing) if complaint.closed_at else None,
    )


def _handling_result(closing: TimelineEntry | None) -> str | None:
    if closing is None:
        return None
    return closing.detail if closing.public and closing.detail else closing.note


def _check_period(first: date, last: date) -> None:
    if first > last:
        raise InvalidInput([FieldError("to", "invalid_range", "结束日期不能早于开始日期")])
    if (last - first).days > MAX_PERIOD_DAYS:
        raise InvalidInput([FieldError("to", "period_too_long", "一次最多统计或导出三年")])
