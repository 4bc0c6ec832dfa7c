"""The complainant's rights over their data (个人信息保护法第四十四至四十七条): see, correct, withdraw
consent, delete."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from portal.domain.complaints import (
    COMPLAINANT,
    FINAL_STATUSES,
    MAINLAND_MOBILE_PATTERN,
    Complaint,
    ComplaintStatus,
    ConsentChange,
    PersonalData,
    TimelineEntry,
)
from portal.domain.errors import Conflict, FieldError, InvalidInput
from portal.domain.workflow import record

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Change = Callable[[Complaint, datetime], Complaint]
RETRACTABLE_CONSENTS = {"publish_case": "同意以去除个人信息的方式发布为典型案例"}


def retention_until(closed_at: datetime, years: int) -> datetime:
    """The moment a closed case's personal data expires: the same date `years` later (28 Feb for 29 Feb)."""
    try:
        return closed_at.replace(year=closed_at.year + years)
    except ValueError:
        return closed_at.replace(year=closed_at.year + years, day=28)


def with_retention(complaint: Complaint, years: int) -> Complaint:
    closed_at = complaint.closed_at
    return replace(complaint, expires_at=retention_until(closed_at, years) if closed_at else None)


def correct_contact(complaint: Complaint, phone: str, email: str | None, at: datetime) -> Complaint:
    _still_held(complaint)
    errors = []
    if not re.fullmatch(MAINLAND_MOBILE_PATTERN, phone):
        errors.append(FieldError("phone", "invalid_phone", "请填写 11 位中国大陆手机号码"))
    if email and not re.fullmatch(EMAIL_PATTERN, email):
        errors.append(FieldError("email", "invalid_email", "请填写有效的电子邮箱，或留空"))
    if errors:
        raise InvalidInput(errors)
    complainant = replace(complaint.form.complainant, phone=phone, email=email or None)
    corrected = replace(complaint, form=replace(complaint.form, complainant=complainant))
    return _recorded(corrected, at, "correct_contact", "投诉人更正了联系方式")


def withdraw_consent(complaint: Complaint, consent: str, at: datetime) -> Complaint:
    _still_held(complaint)
    if consent not in RETRACTABLE_CONSENTS:
        raise InvalidInput([FieldError("consent", "unknown_choice", "只能撤回“同意发布为典型案例”")])
    consents = replace(complaint.form.consents, publish_case=False)
    version = complaint.form.consents.privacy_notice_version
    withdrawn = replace(
        complaint,
        form=replace(complaint.form, consents=consents),
        consent_log=(*complaint.consent_log, ConsentChange(consent, False, at, version)),
    )
    return _recorded(withdrawn, at, "withdraw_consent", f"投诉人撤回了同意：{RETRACTABLE_CONSENTS[consent]}")


def erase_personal_data(complaint: Complaint, at: datetime) -> Complaint:
    """The case without anything that identifies the complainant; an open case ends as withdrawn.

    What stays (category, issue type, region, dates, outcome) is the anonymous statistics row.
    """
    _still_held(complaint)
    form = complaint.form
    erased_form = replace(
        form,
        complainant=replace(form.complainant, name="", phone="", email=None),
        product=replace(form.product, order_no=None),
        description="",
        consents=replace(form.consents, publish_case=False, forward_to_business=False),
    )
    version = form.consents.privacy_notice_version
    withdrawn = tuple(
        ConsentChange(name, False, at, version)
        for name, given in (
            ("forward_to_business", form.consents.forward_to_business),
            ("publish_case", form.consents.publish_case),
        )
        if given
    )
    status = complaint.status if complaint.status in FINAL_STATUSES else ComplaintStatus.CLOSED
    outcome = complaint.outcome if complaint.status in FINAL_STATUSES else "withdrawn"
    # Everyone's own words go, organizers' too: a note often quotes the complainant. The headlines stay.
    timeline = tuple(replace(entry, detail="") for entry in complaint.timeline)
    erased = replace(
        complaint,
        form=erased_form,
        status=status,
        outcome=outcome,
        timeline=timeline,
        rating=replace(complaint.rating, comment="") if complaint.rating else None,
        consent_log=(*complaint.consent_log, *withdrawn),
        personal_data=PersonalData.ERASED,
    )
    return _recorded(erased, at, "erase", "投诉人删除了个人信息，投诉随之结束")


def _still_held(complaint: Complaint) -> None:
    if complaint.personal_data is PersonalData.ERASED:
        raise Conflict("这件投诉的个人信息已经删除")


def _recorded(complaint: Complaint, at: datetime, action: str, headline: str) -> Complaint:
    return record(complaint, TimelineEntry(at, action, complaint.status, headline, COMPLAINANT, True))
