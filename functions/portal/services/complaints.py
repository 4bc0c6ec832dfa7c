"""Filing a complaint and following it up."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain import complaints
from portal.domain.codes import (
    DECOY_ACCESS_HASH,
    hash_access_code,
    normalize_tracking_no,
    verify_access_code,
)
from portal.domain.complaints import Complaint, ComplaintForm, ComplaintOptions, ComplaintStatusView
from portal.domain.deadlines import RuleSet, deadlines_starting
from portal.domain.errors import Conflict, NotFound, SubmissionKeyReused
from portal.domain.working_days import CHINA_TZ, WorkingCalendar
from portal.ports import (
    Clock,
    ComplaintRepository,
    DuplicateKey,
    DuplicateSubmission,
    SecretCodes,
    SubmissionReceipt,
)

TRACKING_NO_ATTEMPTS = 5
NOT_FOUND_MESSAGE = "没有找到这条投诉：请核对投诉编号和查询码"


@dataclass(frozen=True)
class ComplaintPolicy:
    options: ComplaintOptions
    rule_set: RuleSet
    calendar: WorkingCalendar


@dataclass(frozen=True)
class FiledComplaint:
    complaint: Complaint
    access_code: str
    view: ComplaintStatusView


def file_complaint(
    form: ComplaintForm,
    *,
    policy: ComplaintPolicy,
    repository: ComplaintRepository,
    clock: Clock,
    codes: SecretCodes,
    submission_key: str | None = None,
) -> FiledComplaint:
    """Register a complaint. With a submission key, a repeat of the same submission, even one that
    arrives after a crash between storing the complaint and answering, returns the first result."""
    received_at = clock.now()
    complaints.check_form(form, policy.options, received_at.astimezone(CHINA_TZ).date())
    access_code = codes.access_code()
    access_hash = hash_access_code(access_code)
    deadlines = deadlines_starting(policy.rule_set, "received", received_at, policy.calendar)
    form_fingerprint = complaints.fingerprint(form)
    for _ in range(TRACKING_NO_ATTEMPTS):
        complaint = complaints.register(form, codes.tracking_no(), access_hash, received_at, deadlines)
        receipt = (
            SubmissionReceipt(submission_key, form_fingerprint, complaint.tracking_no, access_code)
            if submission_key
            else None
        )
        try:
            repository.add(complaint, receipt)
        except DuplicateKey:
            continue
        except DuplicateSubmission as repeat:
            return _filed_before(repeat.receipt, form_fingerprint, policy, repository, clock)
        view = complaints.status_view(complaint, policy.options, received_at)
        return FiledComplaint(complaint, access_code, view)
    raise Conflict("暂时无法生成投诉编号，请稍后重试")


def _filed_before(
    receipt: SubmissionReceipt,
    form_fingerprint: str,
    policy: ComplaintPolicy,
    repository: ComplaintRepository,
    clock: Clock,
) -> FiledComplaint:
    if receipt.fingerprint != form_fingerprint:
        raise SubmissionKeyReused
    complaint = repository.get(receipt.tracking_no)
    if complaint is None:  # the personal data was deleted since: nothing to hand back
        raise Conflict("这份投诉已提交过，相关信息已按您的要求删除")
    view = complaints.status_view(complaint, policy.options, clock.now())
    return FiledComplaint(complaint, receipt.access_code, view)


def track_complaint(
    tracking_no: str,
    access_code: str,
    *,
    policy: ComplaintPolicy,
    repository: ComplaintRepository,
    clock: Clock,
) -> ComplaintStatusView:
    """The complaint's status for whoever holds both codes; the same NotFound for any mismatch."""
    canonical = normalize_tracking_no(tracking_no)
    complaint = repository.get(canonical) if canonical else None
    stored_hash = complaint.access_code_hash if complaint else DECOY_ACCESS_HASH
    code_matches = verify_access_code(access_code, stored_hash)
    if complaint is None or not code_matches:
        raise NotFound(NOT_FOUND_MESSAGE)
    return complaints.status_view(complaint, policy.options, clock.now())
