"""The complainant's self-service over their personal data, with the tracking number and access code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.domain import privacy
from portal.domain.complaints import Complaint
from portal.ports import AccessLog, AccessRecord, Clock, ComplaintRepository
from portal.services.complaints import ComplaintPolicy, change_complaint, complainants_case


@dataclass(frozen=True)
class SelfService:
    policy: ComplaintPolicy
    repository: ComplaintRepository
    access_log: AccessLog
    clock: Clock
    # Called after the personal data is erased, to delete what is kept outside the case (evidence files).
    on_erase: Callable[[str], None] = lambda _tracking_no: None


@dataclass(frozen=True)
class HeldData:
    complaint: Complaint
    access_log: list[AccessRecord]


def data_held(tracking_no: str, access_code: str, *, desk: SelfService) -> HeldData:
    """Everything kept about the complainant, and every time someone read it."""
    complaint = complainants_case(tracking_no, access_code, desk.repository)
    return HeldData(complaint, desk.access_log.for_complaint(complaint.tracking_no))


def correct_contact(
    tracking_no: str, access_code: str, phone: str, email: str | None, *, desk: SelfService
) -> Complaint:
    return _change(tracking_no, access_code, desk, lambda c, now: privacy.correct_contact(c, phone, email, now))


def withdraw_consent(tracking_no: str, access_code: str, consent: str, *, desk: SelfService) -> Complaint:
    return _change(tracking_no, access_code, desk, lambda c, now: privacy.withdraw_consent(c, consent, now))


def erase_personal_data(tracking_no: str, access_code: str, *, desk: SelfService) -> Complaint:
    erased = _change(tracking_no, access_code, desk, privacy.erase_personal_data)
    desk.on_erase(erased.tracking_no)
    return erased


def _change(tracking_no: str, access_code: str, desk: SelfService, change: privacy.Change) -> Complaint:
    complaint = complainants_case(tracking_no, access_code, desk.repository)
    return change_complaint(
        complaint.tracking_no, change, policy=desk.policy, repository=desk.repository, clock=desk.clock
    )
