"""What organizers do with complaints: find them, read them (logged), move them on, link them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from portal.domain import complaints, workflow
from portal.domain.case_list import CaseFilter, CaseRow, matches
from portal.domain.complaints import Complaint, PersonalData, TimelineEntry
from portal.domain.errors import Conflict, FieldError, InvalidInput, NotFound
from portal.domain.workflow import Step
from portal.ports import AccessLog, AccessRecord, Clock, ComplaintRepository
from portal.services.complaints import ComplaintPolicy, change_complaint

MAX_PAGE_SIZE = 100
HANDLER_MAX_CHARS = 50


@dataclass(frozen=True)
class Desk:
    """The ports every organizer use case needs."""

    policy: ComplaintPolicy
    repository: ComplaintRepository
    access_log: AccessLog
    clock: Clock

    def row(self, complaint: Complaint, now: datetime) -> CaseRow:
        policy = self.policy
        return CaseRow(complaint, tuple(complaints.deadlines(complaint, policy.rule_set, policy.calendar, now)))


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    next_offset: int | None


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    access_log: list[AccessRecord]


def list_cases(wanted: CaseFilter, *, offset: int, limit: int, desk: Desk) -> CasePage:
    """Newest first; rows carry no personal data, so listing is not an access to log."""
    if wanted.first_day > wanted.last_day:
        raise InvalidInput([FieldError("to", "invalid_range", "结束日期不能早于开始日期")])
    now = desk.clock.now()
    found = [
        row
        for c in desk.repository.received_between(wanted.first_day, wanted.last_day)
        if matches(row := desk.row(c, now), wanted)
    ]
    found.reverse()
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    page = found[offset : offset + limit]
    next_offset = offset + limit if offset + limit < len(found) else None
    return CasePage(page, len(found), next_offset)


def case_detail(tracking_no: str, *, actor: str, desk: Desk) -> CaseDetail:
    """The whole case with the complainant's personal data; the read is logged before it happens."""
    complaint = _existing(tracking_no, desk)
    if complaint.personal_data is PersonalData.PRESENT:
        desk.access_log.record(AccessRecord(actor, desk.clock.now(), "办理查看", (tracking_no,)))
    return CaseDetail(desk.row(complaint, desk.clock.now()), desk.access_log.for_complaint(tracking_no))


def take_step(tracking_no: str, step: Step, *, actor: str, expected_version: int | None, desk: Desk) -> CaseRow:
    policy = desk.policy
    changed = change_complaint(
        tracking_no,
        lambda case, now: workflow.take(
            case, step, actor=actor, at=now, rule_set=policy.rule_set, calendar=policy.calendar
        ),
        policy=policy,
        repository=desk.repository,
        clock=desk.clock,
        expected_version=expected_version,
    )
    return desk.row(changed, desk.clock.now())


def assign(tracking_no: str, handler: str, *, actor: str, desk: Desk) -> CaseRow:
    handler = handler.strip()
    if not 1 <= len(handler) <= HANDLER_MAX_CHARS:
        raise InvalidInput([FieldError("handler", "invalid_length", f"请填写办理人（1–{HANDLER_MAX_CHARS} 个字）")])
    return _annotate(tracking_no, desk, lambda c: replace(c, assignee=handler), actor, "assign", f"指派给{handler}")


def add_note(tracking_no: str, text: str, *, public: bool, actor: str, desk: Desk) -> CaseRow:
    text = text.strip()
    if not 1 <= len(text) <= workflow.NOTE_MAX_CHARS:
        raise InvalidInput([FieldError("note", "invalid_length", f"备注需要 1–{workflow.NOTE_MAX_CHARS} 个字")])
    headline = "办理进展" if public else "内部备注"
    return _annotate(tracking_no, desk, lambda c: c, actor, "note", headline, detail=text, public=public)


def mark_duplicate(tracking_no: str, original_no: str, *, actor: str, desk: Desk) -> CaseRow:
    if original_no == tracking_no:
        raise InvalidInput([FieldError("original", "same_case", "不能把投诉标记为它自己的重复")])
    original = desk.repository.get(original_no)
    if original is None:
        raise InvalidInput([FieldError("original", "not_found", "没有找到被重复的那件投诉，请核对编号")])
    if original.duplicate_of:
        original_no = original.duplicate_of  # link to the first, never to another duplicate
    if original_no == tracking_no:
        raise InvalidInput([FieldError("original", "circular", "那件投诉已被标记为这件投诉的重复，不能互相标记")])
    headline = f"与投诉 {original_no} 重复"
    return _annotate(
        tracking_no, desk, lambda c: replace(c, duplicate_of=original_no), actor, "mark_duplicate", headline
    )


def group_cases(tracking_nos: list[str], *, actor: str, desk: Desk) -> str:
    """Put complaints against one business into a group case (群体性投诉); the group id is stable."""
    unique = sorted(set(tracking_nos))
    if len(unique) < 2:
        raise InvalidInput([FieldError("tracking_nos", "too_few", "群体性投诉至少需要两件投诉")])
    cases = [_existing(no, desk) for no in unique]
    businesses = {case.form.business.name.strip().casefold() for case in cases}
    if len(businesses) > 1:
        raise InvalidInput([FieldError("tracking_nos", "different_business", "只能把投诉同一经营者的投诉归为一组")])
    group_id = next((case.group_id for case in cases if case.group_id), None) or f"G-{unique[0].removeprefix('TS-')}"
    for no in unique:
        _annotate(no, desk, lambda c: replace(c, group_id=group_id), actor, "group", f"归入群体性投诉 {group_id}")
    return group_id


def _existing(tracking_no: str, desk: Desk) -> Complaint:
    complaint = desk.repository.get(tracking_no)
    if complaint is None:
        raise NotFound("没有找到这条投诉")
    return complaint


def _annotate(
    tracking_no: str,
    desk: Desk,
    change: workflow.Change,
    actor: str,
    action: str,
    headline: str,
    *,
    detail: str = "",
    public: bool = False,
) -> CaseRow:
    def annotated(case: Complaint, now: datetime) -> Complaint:
        if case.personal_data is PersonalData.ERASED and action != "note":
            raise Conflict("投诉人已删除个人信息，这件投诉不能再办理")
        return workflow.record(change(case), TimelineEntry(now, action, case.status, headline, actor, public, detail))

    changed = change_complaint(tracking_no, annotated, policy=desk.policy, repository=desk.repository, clock=desk.clock)
    return desk.row(changed, desk.clock.now())
