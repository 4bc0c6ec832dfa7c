"""How a complaint moves: one table of transitions, who may make them, and what each must carry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from portal.domain.complaints import (
    COMPLAINANT,
    STATUS_LABELS,
    Complaint,
    ComplaintStatus,
    PersonalData,
    Rating,
    TimelineEntry,
    dispute_deadline,
)
from portal.domain.deadlines import RuleSet
from portal.domain.errors import Conflict, FieldError, InvalidInput
from portal.domain.working_days import WorkingCalendar

S = ComplaintStatus


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    REQUEST_MATERIALS = "request_materials"
    PROVIDE_MATERIALS = "provide_materials"
    START_MEDIATION = "start_mediation"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    DISPUTE = "dispute"


BACK_TO_PREVIOUS = None
# action → (the states it may start from, the state it leads to). From waiting_for_complainant a case
# may be rejected only if it paused before acceptance, and closed only if it paused after.
TRANSITIONS: Mapping[Action, tuple[frozenset[ComplaintStatus], ComplaintStatus | None]] = {
    Action.ACCEPT: (frozenset({S.SUBMITTED}), S.ACCEPTED),
    Action.REJECT: (frozenset({S.SUBMITTED, S.WAITING_FOR_COMPLAINANT}), S.REJECTED),
    Action.REQUEST_MATERIALS: (frozenset({S.SUBMITTED, S.ACCEPTED, S.MEDIATING}), S.WAITING_FOR_COMPLAINANT),
    Action.PROVIDE_MATERIALS: (frozenset({S.WAITING_FOR_COMPLAINANT}), BACK_TO_PREVIOUS),
    Action.START_MEDIATION: (frozenset({S.ACCEPTED}), S.MEDIATING),
    Action.CLOSE: (frozenset({S.ACCEPTED, S.MEDIATING, S.WAITING_FOR_COMPLAINANT}), S.CLOSED),
    Action.WITHDRAW: (frozenset({S.SUBMITTED, S.ACCEPTED, S.WAITING_FOR_COMPLAINANT, S.MEDIATING}), S.CLOSED),
    Action.DISPUTE: (frozenset({S.CLOSED}), S.ACCEPTED),
}
COMPLAINANT_ACTIONS = frozenset({Action.PROVIDE_MATERIALS, Action.WITHDRAW, Action.DISPUTE})
ORGANIZER_ACTIONS = frozenset(Action) - {Action.DISPUTE}

ACTION_LABELS: Mapping[str, str] = {
    "received": "登记",
    Action.ACCEPT: "受理",
    Action.REJECT: "不予受理",
    Action.REQUEST_MATERIALS: "要求补充材料",
    Action.PROVIDE_MATERIALS: "补充材料",
    Action.START_MEDIATION: "开始调解",
    Action.CLOSE: "结案",
    Action.WITHDRAW: "撤回投诉",
    Action.DISPUTE: "对结果提出异议",
    "rate": "评价",
    "assign": "指派",
    "note": "备注",
    "mark_duplicate": "标记为重复投诉",
    "group": "归入群体性投诉",
    "correct_contact": "更正联系方式",
    "withdraw_consent": "撤回同意",
    "erase": "删除个人信息",
}
REJECT_REASONS: Mapping[str, str] = {
    "not_consumer_dispute": "不属于消费者权益争议",
    "outside_jurisdiction": "不属于本机构管辖",
    "handled_elsewhere": "已由其他部门、仲裁机构或法院受理或处理",
    "missing_materials": "材料不全，且未在期限内补正",
    "over_time_limit": "超过投诉时限",
    "other": "其他原因",
}
OUTCOMES: Mapping[str, str] = {"settled": "调解成功", "not_settled": "调解不成，终止调解", "withdrawn": "投诉人撤回"}
RATINGS: Mapping[str, str] = {"satisfied": "满意", "partly": "部分满意", "not_satisfied": "不满意"}
NOTE_MAX_CHARS = 1000
Change = Callable[[Complaint], Complaint]


@dataclass(frozen=True)
class Step:
    """One requested transition with what it carries; the note is public unless marked otherwise."""

    action: Action
    note: str = ""
    public: bool = True
    reason: str | None = None
    outcome: str | None = None
    amount_recovered: Decimal | None = None


def take(
    complaint: Complaint, step: Step, *, actor: str, at: datetime, rule_set: RuleSet, calendar: WorkingCalendar
) -> Complaint:
    """The complaint after `step`, or IllegalTransition / InvalidInput saying why it cannot happen."""
    allowed = COMPLAINANT_ACTIONS if actor == COMPLAINANT else ORGANIZER_ACTIONS
    sources, target = TRANSITIONS[step.action]
    if step.action not in allowed or complaint.status not in sources or _wrong_side_of_pause(complaint, step):
        raise IllegalTransition(complaint.status, step.action)
    _check(complaint, step, at, rule_set, calendar)
    new_status = target or _status_before_pause(complaint)
    if step.action is Action.DISPUTE and complaint.form.consents.forward_to_business:
        new_status = S.MEDIATING
    changes: dict[str, object] = {}
    if step.action is Action.REJECT:
        changes["reject_reason"] = step.reason
    if step.action in (Action.CLOSE, Action.WITHDRAW):
        changes["outcome"] = "withdrawn" if step.action is Action.WITHDRAW else step.outcome
        changes["amount_recovered"] = step.amount_recovered if step.action is Action.CLOSE else None
    if step.action is Action.DISPUTE:
        changes.update(outcome=None, amount_recovered=None, rating=None, expires_at=None)
    public = step.public or actor == COMPLAINANT
    entry = TimelineEntry(at, step.action, new_status, _headline(step), actor, public, step.note.strip())
    return record(replace(complaint, status=new_status, **changes), entry)  # type: ignore[arg-type]


def record(complaint: Complaint, entry: TimelineEntry) -> Complaint:
    """The complaint with one more timeline entry and the next version number."""
    return replace(complaint, timeline=(*complaint.timeline, entry), version=complaint.version + 1)


def rate(complaint: Complaint, level: str, comment: str, at: datetime) -> Complaint:
    if complaint.status is not S.CLOSED or complaint.outcome == "withdrawn":
        raise Conflict("只有办结的投诉可以评价")
    if complaint.personal_data is PersonalData.ERASED:
        raise Conflict("个人信息已删除，不能再评价")
    if complaint.rating is not None:
        raise Conflict("这次处理结果已经评价过了")
    if level not in RATINGS:
        raise InvalidInput([FieldError("level", "unknown_choice", "请选择满意、部分满意或不满意")])
    _check_note(comment.strip(), "comment", required=False)
    headline = f"投诉人评价：{RATINGS[level]}"
    rated = replace(complaint, rating=Rating(level, comment.strip(), at))
    return record(rated, TimelineEntry(at, "rate", complaint.status, headline, COMPLAINANT, True, comment.strip()))


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, status: ComplaintStatus, action: Action) -> None:
        super().__init__(f"投诉当前为「{STATUS_LABELS[status]}」，不能执行「{ACTION_LABELS[action]}」")


def _check(complaint: Complaint, step: Step, at: datetime, rule_set: RuleSet, calendar: WorkingCalendar) -> None:
    if complaint.personal_data is PersonalData.ERASED:
        raise Conflict("投诉人已删除个人信息，这件投诉不能再办理")
    note = step.note.strip()
    _check_note(note, "note", required=step.action in (Action.DISPUTE, Action.REQUEST_MATERIALS))
    if step.action is Action.REJECT:
        if step.reason not in REJECT_REASONS:
            raise InvalidInput([FieldError("reason", "unknown_choice", "请从列表中选择不予受理的理由")])
        if step.reason == "other" and not note:
            raise InvalidInput([FieldError("note", "required", "选择“其他原因”时请写明理由")])
    if step.action is Action.CLOSE:
        _check_closing(step)
    if step.action is Action.START_MEDIATION and not complaint.form.consents.forward_to_business:
        raise Conflict("投诉人没有同意将投诉转交经营者，不能开始调解")
    if step.action is Action.DISPUTE:
        until = dispute_deadline(complaint, rule_set, calendar)
        if until is None or at > until:
            raise Conflict("已超过对处理结果提出异议的期限")


def _check_closing(step: Step) -> None:
    errors = []
    if step.outcome not in ("settled", "not_settled"):
        errors.append(FieldError("outcome", "unknown_choice", "请选择结案方式：调解成功或调解不成"))
    amount = step.amount_recovered
    if amount is not None and (amount < 0 or amount.as_tuple().exponent < -2):  # type: ignore[operator]
        errors.append(FieldError("amount_recovered", "invalid_amount", "挽回金额不能为负数，最多保留两位小数"))
    if errors:
        raise InvalidInput(errors)


def _check_note(note: str, field: str, *, required: bool) -> None:
    if required and not note:
        raise InvalidInput([FieldError(field, "required", "请写明说明，投诉人和办理人员都需要知道原因")])
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidInput([FieldError(field, "too_long", f"说明不能超过 {NOTE_MAX_CHARS} 个字")])


def _wrong_side_of_pause(complaint: Complaint, step: Step) -> bool:
    if complaint.status is not S.WAITING_FOR_COMPLAINANT:
        return False
    paused_before_acceptance = _status_before_pause(complaint) is S.SUBMITTED
    if step.action is Action.REJECT:
        return not paused_before_acceptance
    if step.action is Action.CLOSE:
        return paused_before_acceptance
    return False


def _status_before_pause(complaint: Complaint) -> ComplaintStatus:
    timeline = complaint.timeline
    for index in range(len(timeline) - 1, 0, -1):
        if timeline[index].action == Action.REQUEST_MATERIALS:
            return timeline[index - 1].status
    return S.SUBMITTED


def _headline(step: Step) -> str:
    if step.action is Action.REJECT and step.reason:
        return f"不予受理：{REJECT_REASONS[step.reason]}"
    if step.action in (Action.CLOSE, Action.WITHDRAW):
        return f"已结案：{OUTCOMES['withdrawn' if step.action is Action.WITHDRAW else step.outcome or '']}"
    return ACTION_LABELS[step.action]
