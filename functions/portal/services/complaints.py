"""Filing a complaint and following it up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from portal.domain import complaints, privacy, workflow
from portal.domain.codes import (
    DECOY_ACCESS_HASH,
    hash_access_code,
    normalize_tracking_no,
    verify_access_code,
)
from portal.domain.complaints import COMPLAINANT, Complaint, ComplaintForm, ComplaintOptions, ComplaintStatusView
from portal.domain.deadlines import RuleSet
from portal.domain.errors import Conflict, NotFound, SubmissionKeyReused
from portal.domain.workflow import Step
from portal.domain.working_days import CHINA_TZ, WorkingCalendar
from portal.ports import (
    Clock,
    ComplaintRepository,
    DuplicateKey,
    DuplicateSubmission,
    SecretCodes,
    StaleVersion,
    SubmissionReceipt,
)

TRACKING_NO_ATTEMPTS = 5
NOT_FOUND_MESSAGE = "没有找到这条投诉：请核对投诉编号和查询码"


CHANGE_ATTEMPTS = 3


@dataclass(frozen=True)
class ComplaintPolicy:
    options: ComplaintOptions
    rule_set: RuleSet
    calendar: WorkingCalendar
    retention_years: int = 3

    def view(self, complaint: Complaint, now: datetime) -> ComplaintStatusView:
        return complaints.status_view(complaint, self.options, self.rule_set, self.calendar, now)


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
    form_fingerprint = complaints.fingerprint(form)
    for _ in range(TRACKING_NO_ATTEMPTS):
        complaint = complaints.register(form, codes.tracking_no(), access_hash, received_at, policy.rule_set.id)
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
        view = policy.view(complaint, received_at)
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
    return FiledComplaint(complaint, receipt.access_code, policy.view(complaint, clock.now()))


def track_complaint(
    tracking_no: str,
    access_code: str,
    *,
    policy: ComplaintPolicy,
    repository: ComplaintRepository,
    clock: Clock,
) -> ComplaintStatusView:
    """The complaint's status for whoever holds both codes; the same NotFound for any mismatch."""
    now = clock.now()
    return policy.view(complainants_case(tracking_no, access_code, repository, now=now), now)


def complainants_case(
    tracking_no: str, access_code: str, repository: ComplaintRepository, *, now: datetime
) -> Complaint:
    """The complaint without its personal data, for whoever holds both codes; the same NotFound, taking
    as long, for any mismatch. Nothing is decrypted before the code matches, so a wrong guess costs no
    KMS call and a number that exists answers no slower than one that does not."""
    canonical = normalize_tracking_no(tracking_no)
    complaint = repository.get(canonical, personal_data=False) if canonical else None
    stored_hash = complaint.access_code_hash if complaint else DECOY_ACCESS_HASH
    code_matches = verify_access_code(access_code, stored_hash)
    expired = complaint is not None and complaint.expires_at is not None and complaint.expires_at <= now
    if complaint is None or not code_matches or expired:  # expired: gone, even before TTL removes it
        raise NotFound(NOT_FOUND_MESSAGE)
    return complaint


def act_as_complainant(
    tracking_no: str,
    access_code: str,
    step: Step,
    *,
    policy: ComplaintPolicy,
    repository: ComplaintRepository,
    clock: Clock,
) -> ComplaintStatusView:
    """Withdraw, answer a request for materials, or dispute the result."""
    complaint = complainants_case(tracking_no, access_code, repository, now=clock.now())
    changed = change_complaint(
        complaint.tracking_no,
        lambda case, now: workflow.take(
            case, step, actor=COMPLAINANT, at=now, rule_set=policy.rule_set, calendar=policy.calendar
        ),
        policy=policy,
        repository=repository,
        clock=clock,
    )
    return policy.view(changed, clock.now())


def rate_result(
    tracking_no: str,
    access_code: str,
    level: str,
    comment: str,
    *,
    policy: ComplaintPolicy,
    repository: ComplaintRepository,
    clock: Clock,
) -> ComplaintStatusView:
    complaint = complainants_case(tracking_no, access_code, repository, now=clock.now())
    changed = change_complaint(
        complaint.tracking_no,
        lambda case, now: workflow.rate(case, level, comment, now),
        policy=policy,
        repository=repository,
        clock=clock,
    )
    return policy.view(changed, clock.now())


def change_complaint(
    tracking_no: str,
    change: Callable[[Complaint, datetime], Complaint],
    *,
    policy: ComplaintPolicy,
    repository: ComplaintRepository,
    clock: Clock,
    expected_version: int | None = None,
) -> Complaint:
    """Apply `change` to the latest stored complaint; of concurrent changes each is checked against the
    state the others left, so an illegal sequence fails instead of both winning."""
    for _ in range(CHANGE_ATTEMPTS):
        complaint = repository.get(tracking_no)
        if complaint is None:
            raise NotFound("没有找到这条投诉")
        if expected_version is not None and complaint.version != expected_version:
            raise Conflict("这件投诉刚被其他人更新过，请刷新后再操作")
        changed = privacy.with_retention(change(complaint, clock.now()), policy.retention_years)
        try:
            repository.save(changed)
        except StaleVersion:
            continue
        return changed
    raise Conflict("这件投诉正在被其他人同时修改，请稍后重试")
