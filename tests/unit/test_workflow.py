"""The complaint state machine: who may move a case where, what each move must carry, and the clocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from portal.adapters.content_data import ContentData
from portal.domain.complaints import COMPLAINANT, Complaint, ComplaintStatus, deadlines, public_timeline, register
from portal.domain.deadlines import Deadline, DeadlineState
from portal.domain.errors import Conflict, InvalidInput
from portal.domain.privacy import erase_personal_data
from portal.domain.workflow import TRANSITIONS, Action, IllegalTransition, Step, rate, take
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import ComplaintIn

from tests.conftest import REPOSITORY, complaint_payload
from tests.fakes import WeekdayCalendar

DATA = ContentData(REPOSITORY / "content" / "data")
SAMR = DATA.rule_set("samr_2019")
CALENDAR = WeekdayCalendar()
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)
S = ComplaintStatus


def a_complaint(*, forward: bool = True) -> Complaint:
    payload = complaint_payload(consents__forward_to_business=forward)
    form = ComplaintIn.model_validate(payload).to_form()
    return register(form, "TS-1234-5678-9012", "hash", MONDAY, SAMR.id)


def step(complaint: Complaint, action: Action, at: datetime = MONDAY, actor: str = "组织者", **kw: object) -> Complaint:
    return take(complaint, Step(action, **kw), actor=actor, at=at, rule_set=SAMR, calendar=CALENDAR)  # type: ignore[arg-type]


def test_an_organizer_takes_a_complaint_from_submitted_to_closed_with_each_move_recorded() -> None:
    # Given a submitted complaint whose complainant agreed to forwarding
    complaint = a_complaint()

    # When it is accepted, mediated and closed as settled
    complaint = step(complaint, Action.ACCEPT, MONDAY + timedelta(days=1), note="材料齐全")
    complaint = step(complaint, Action.START_MEDIATION, MONDAY + timedelta(days=2))
    complaint = step(
        complaint, Action.CLOSE, MONDAY + timedelta(days=9), outcome="settled", amount_recovered=Decimal("120.50")
    )

    # Then it is closed with the outcome, each move says who and when, and the version counts the writes
    assert complaint.status is S.CLOSED
    assert (complaint.outcome, complaint.amount_recovered) == ("settled", Decimal("120.50"))
    assert [e.action for e in complaint.timeline] == ["received", "accept", "start_mediation", "close"]
    assert all(e.actor == "组织者" for e in complaint.timeline[1:])
    assert complaint.version == 4
    assert complaint.closed_at == MONDAY + timedelta(days=9)


@pytest.mark.parametrize("action", list(Action))
def test_every_action_outside_its_source_states_is_an_illegal_transition(action: Action) -> None:
    # Given a case in each state the action may not start from
    sources, _ = TRANSITIONS[action]
    for status in set(S) - sources:
        complaint = Complaint(**{**a_complaint().__dict__, "status": status})
        actor = COMPLAINANT if action is Action.DISPUTE else "组织者"

        # When the action is attempted, then it is refused with a message naming the current state
        with pytest.raises(IllegalTransition, match="当前为"):
            step(complaint, action, actor=actor, note="说明", reason="other", outcome="settled")


def test_a_rejection_needs_a_reason_from_the_list_and_other_needs_words() -> None:
    complaint = a_complaint()
    with pytest.raises(InvalidInput) as unknown:
        step(complaint, Action.REJECT, reason="because")
    assert unknown.value.errors[0].field == "reason"
    with pytest.raises(InvalidInput) as bare_other:
        step(complaint, Action.REJECT, reason="other")
    assert bare_other.value.errors[0].field == "note"

    rejected = step(complaint, Action.REJECT, reason="outside_jurisdiction")
    assert rejected.status is S.REJECTED
    assert rejected.timeline[-1].note == "不予受理：不属于本机构管辖"


def test_mediation_needs_the_complainants_consent_to_forward_the_complaint() -> None:
    accepted = step(a_complaint(forward=False), Action.ACCEPT)
    with pytest.raises(Conflict, match="没有同意"):
        step(accepted, Action.START_MEDIATION)


def test_closing_needs_an_outcome_and_a_sensible_amount() -> None:
    accepted = step(a_complaint(), Action.ACCEPT)
    with pytest.raises(InvalidInput) as error:
        step(accepted, Action.CLOSE, outcome="withdrawn", amount_recovered=Decimal("-1"))
    assert {e.field for e in error.value.errors} == {"outcome", "amount_recovered"}


def test_the_complainant_may_withdraw_but_not_accept_and_an_organizer_may_not_dispute() -> None:
    complaint = a_complaint()
    with pytest.raises(IllegalTransition):
        step(complaint, Action.ACCEPT, actor=COMPLAINANT)
    withdrawn = step(complaint, Action.WITHDRAW, actor=COMPLAINANT, note="已与商家自行和解")
    assert (withdrawn.status, withdrawn.outcome) == (S.CLOSED, "withdrawn")
    closed = step(step(a_complaint(), Action.ACCEPT), Action.CLOSE, outcome="not_settled")
    with pytest.raises(IllegalTransition):
        step(closed, Action.DISPUTE, note="不服")


def test_an_internal_note_is_hidden_from_the_complainant_but_the_move_itself_is_not() -> None:
    accepted = step(a_complaint(), Action.ACCEPT, note="商家负责人电话已核实", public=False)

    shown = public_timeline(accepted.timeline)

    assert [e.action for e in shown] == ["received", "accept"]
    assert shown[-1].note == "受理"
    assert shown[-1].detail == ""


def test_waiting_for_materials_returns_to_the_state_it_paused_and_stops_the_clock() -> None:
    # Given a case accepted on Monday 11-23 under the 2019 rules (mediation: 45 working days)
    accepted = step(a_complaint(), Action.ACCEPT)
    mediating = step(accepted, Action.START_MEDIATION)
    before = _due(mediating, "mediate", MONDAY)

    # When the organizer asks for materials on Tuesday and the complainant answers 7 days later (5 working days)
    waiting = step(mediating, Action.REQUEST_MATERIALS, MONDAY + timedelta(days=1), note="请补充发票照片")
    assert _state(waiting, "mediate", MONDAY + timedelta(days=3)) is DeadlineState.PAUSED
    resumed = step(waiting, Action.PROVIDE_MATERIALS, MONDAY + timedelta(days=8), actor=COMPLAINANT, note="已上传")

    # Then the case is mediating again and the mediation deadline moved by the 5 working days lost
    assert resumed.status is S.MEDIATING
    after = _due(resumed, "mediate", MONDAY + timedelta(days=8))
    assert len(_weekdays(before, after)) == 5


def test_a_closed_case_can_be_rated_once_and_disputed_within_the_window_which_reopens_it() -> None:
    # Given a case closed as settled on Monday
    closed = step(step(step(a_complaint(), Action.ACCEPT), Action.START_MEDIATION), Action.CLOSE, outcome="settled")

    # When the complainant rates it, then a second rating is refused
    rated = rate(closed, "partly", "退款到账慢", MONDAY + timedelta(hours=2))
    assert rated.rating is not None
    assert rated.rating.level == "partly"
    with pytest.raises(Conflict):
        rate(rated, "satisfied", "", MONDAY + timedelta(hours=3))

    # When they dispute within 15 calendar days, the case goes back to mediation without the old outcome
    reopened = step(rated, Action.DISPUTE, MONDAY + timedelta(days=10), actor=COMPLAINANT, note="商家未按约退款")
    assert (reopened.status, reopened.outcome, reopened.rating) == (S.MEDIATING, None, None)

    # And after the window a dispute is refused
    with pytest.raises(Conflict, match="期限"):
        step(rated, Action.DISPUTE, MONDAY + timedelta(days=16), actor=COMPLAINANT, note="商家未按约退款")


def test_a_step_not_finished_by_its_deadline_is_overdue_and_one_finished_late_is_missed() -> None:
    complaint = a_complaint()
    assert _state(complaint, "accept", MONDAY + timedelta(days=8)) is DeadlineState.RUNNING
    assert _state(complaint, "accept", MONDAY + timedelta(days=10)) is DeadlineState.OVERDUE

    late = step(complaint, Action.ACCEPT, MONDAY + timedelta(days=10))

    assert _state(late, "accept", MONDAY + timedelta(days=11)) is DeadlineState.MISSED
    on_time = step(complaint, Action.ACCEPT, MONDAY + timedelta(days=2))
    assert _state(on_time, "accept", MONDAY + timedelta(days=30)) is DeadlineState.MET


def _deadline(complaint: Complaint, step_name: str, now: datetime) -> Deadline:
    return next(d for d in deadlines(complaint, SAMR, CALENDAR, now) if d.step == step_name)


def _due(complaint: Complaint, step_name: str, now: datetime) -> datetime:
    return _deadline(complaint, step_name, now).due_at


def _state(complaint: Complaint, step_name: str, now: datetime) -> DeadlineState:
    return _deadline(complaint, step_name, now).state


def _weekdays(after: datetime, through: datetime) -> list[datetime]:
    days = []
    day = after
    while day < through:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def test_an_open_step_counts_down_into_negative_time_once_overdue() -> None:
    overdue = _deadline(a_complaint(), "accept", MONDAY + timedelta(days=12))
    assert overdue.state is DeadlineState.OVERDUE
    left = overdue.time_left(MONDAY + timedelta(days=12))
    assert left is not None
    assert left < timedelta(0)
    met = _deadline(step(a_complaint(), Action.ACCEPT), "accept", MONDAY + timedelta(days=12))
    assert met.time_left(MONDAY + timedelta(days=12)) is None


def test_after_erasure_a_case_can_be_neither_rated_nor_moved_and_the_consents_show_as_withdrawn() -> None:
    closed = step(step(a_complaint(), Action.ACCEPT), Action.CLOSE, outcome="settled")
    erased = erase_personal_data(closed, MONDAY + timedelta(days=1))

    with pytest.raises(Conflict):
        rate(erased, "satisfied", "很好", MONDAY + timedelta(days=2))
    assert [(c.consent, c.granted) for c in erased.consent_log][-1] == ("forward_to_business", False)
    assert erased.form.consents.forward_to_business is False


def test_a_step_paused_on_its_due_day_stays_paused_over_the_weekend() -> None:
    # Given a case received on Friday 11-20, due for acceptance on Tuesday 12-01 (7 working days),
    # and materials requested on that Tuesday afternoon
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=CHINA_TZ)
    complaint = Complaint(**{**a_complaint().__dict__, "received_at": friday})
    complaint = Complaint(**{**complaint.__dict__, "timeline": (replace(complaint.timeline[0], at=friday),)})
    waiting = step(complaint, Action.REQUEST_MATERIALS, datetime(2026, 12, 1, 16, 0, tzinfo=CHINA_TZ), note="补发票")

    # When it is looked at on Saturday 12-05, then it is paused, not overdue
    assert _state(waiting, "accept", datetime(2026, 12, 5, 12, 0, tzinfo=CHINA_TZ)) is DeadlineState.PAUSED


def test_a_dispute_starts_a_clock_of_its_own() -> None:
    closed = step(step(step(a_complaint(), Action.ACCEPT), Action.START_MEDIATION), Action.CLOSE, outcome="settled")
    disputed = step(closed, Action.DISPUTE, MONDAY + timedelta(days=1), actor=COMPLAINANT, note="商家没有退款")

    assert _state(disputed, "dispute", MONDAY + timedelta(days=2)) is DeadlineState.RUNNING
    assert _state(disputed, "dispute", MONDAY + timedelta(days=30)) is DeadlineState.OVERDUE


def test_a_case_waiting_for_materials_is_rejected_before_acceptance_and_closed_after() -> None:
    waiting_early = step(a_complaint(), Action.REQUEST_MATERIALS, note="请补充购物凭证")
    rejected = step(waiting_early, Action.REJECT, reason="missing_materials")
    assert rejected.status is S.REJECTED
    with pytest.raises(IllegalTransition):
        step(waiting_early, Action.CLOSE, outcome="not_settled")

    waiting_late = step(step(a_complaint(), Action.ACCEPT), Action.REQUEST_MATERIALS, note="请补充聊天记录")
    closed = step(waiting_late, Action.CLOSE, outcome="not_settled")
    assert closed.status is S.CLOSED
    with pytest.raises(IllegalTransition):
        step(waiting_late, Action.REJECT, reason="missing_materials")


def test_erasure_removes_everyones_own_words_and_keeps_the_headlines() -> None:
    accepted = step(a_complaint(), Action.ACCEPT, note="已致电李小明 13812345678，约定周三上门", public=False)

    erased = erase_personal_data(accepted, MONDAY + timedelta(days=1))

    assert all(entry.detail == "" for entry in erased.timeline)
    assert [entry.note for entry in erased.timeline][:2] == ["投诉已登记，等待受理", "受理"]
