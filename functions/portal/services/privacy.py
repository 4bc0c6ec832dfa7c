"""The complainant's self-service over their personal data, with the tracking number and access code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from portal.domain import privacy
from portal.domain.complaints import Complaint
from portal.domain.errors import NotFound
from portal.ports import AccessLog, AccessRecord, Clock, ComplaintRepository
from portal.services.complaints import ComplaintPolicy, change_complaint, complainants_case


@dataclass(frozen=True)
class SelfService:
    policy: ComplaintPolicy
    repository: ComplaintRepository
    access_log: AccessLog
    clock: Clock
    # Called before the personal data is erased, to delete what is kept outside the case (evidence files).
    on_erase: Callable[[str], None] = lambda _tracking_no: None
    # The names, sizes and states of the case's evidence files, for the complainant's copy of their data.
    evidence_files: Callable[[str], list[HeldFile]] = lambda _tracking_no: []


@dataclass(frozen=True)
class HeldFile:
    filename: str
    size: int
    state: str


@dataclass(frozen=True)
class HeldData:
    complaint: Complaint
    access_log: list[AccessRecord]
    evidence: list[HeldFile] = field(default_factory=list)


def data_held(tracking_no: str, access_code: str, *, desk: SelfService) -> HeldData:
    """Everything kept about the complainant, and every time someone read it."""
    verified = complainants_case(tracking_no, access_code, desk.repository, now=desk.clock.now())
    complaint = desk.repository.get(verified.tracking_no)
    if complaint is None:
        raise NotFound("没有找到这条投诉")
    number = complaint.tracking_no
    return HeldData(complaint, desk.access_log.for_complaint(number), desk.evidence_files(number))


def correct_contact(
    tracking_no: str, access_code: str, phone: str, email: str | None, *, desk: SelfService
) -> Complaint:
    return _change(tracking_no, access_code, desk, lambda c, now: privacy.correct_contact(c, phone, email, now))


def withdraw_consent(tracking_no: str, access_code: str, consent: str, *, desk: SelfService) -> Complaint:
    return _change(tracking_no, access_code, desk, lambda c, now: privacy.withdraw_consent(c, consent, now))


def erase_personal_data(tracking_no: str, access_code: str, *, desk: SelfService) -> Complaint:
    """Files first, then the case: if deleting the files fails, the request can simply be repeated."""
    complaint = complainants_case(tracking_no, access_code, desk.repository, now=desk.clock.now())
    desk.on_erase(complaint.tracking_no)
    return _change(tracking_no, access_code, desk, privacy.erase_personal_data)


def _change(tracking_no: str, access_code: str, desk: SelfService, change: privacy.Change) -> Complaint:
    complaint = complainants_case(tracking_no, access_code, desk.repository, now=desk.clock.now())
    return change_complaint(
        complaint.tracking_no, change, policy=desk.policy, repository=desk.repository, clock=desk.clock
    )
