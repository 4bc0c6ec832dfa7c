"""Organizer and complainant use cases through the services, with in-memory fakes."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from portal.adapters.content_data import ContentData
from portal.domain.case_list import CaseFilter
from portal.domain.complaints import ComplaintStatus, PersonalData
from portal.domain.errors import Conflict, InvalidInput, NotFound
from portal.domain.workflow import Action, Step
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import ComplaintIn
from portal.services import casework, privacy, reports
from portal.services.casework import Desk
from portal.services.complaints import ComplaintPolicy, act_as_complainant, file_complaint, track_complaint
from portal.services.sweeper import sweep

from tests.conftest import REPOSITORY, complaint_payload
from tests.fakes import (
    FixedClock,
    InMemoryAccessLog,
    InMemoryComplaints,
    InMemoryOutbox,
    RecordingNotifier,
    ScriptedCodes,
    WeekdayCalendar,
)

DATA = ContentData(REPOSITORY / "content" / "data")
POLICY = ComplaintPolicy(DATA.complaint_options(), DATA.rule_set("samr_2019"), WeekdayCalendar())
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)
CODE = "K7M2Q9XP"
ALL_OF_2026 = CaseFilter(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def desk(clock: FixedClock) -> Desk:
    return Desk(POLICY, InMemoryComplaints(), InMemoryAccessLog(), clock)


def file(desk: Desk, **changes: object) -> str:
    form = ComplaintIn.model_validate(complaint_payload(**changes)).to_form()
    filed = file_complaint(form, policy=POLICY, repository=desk.repository, clock=desk.clock, codes=ScriptedCodes())
    return filed.complaint.tracking_no


def self_service(desk: Desk, erased: list[str] | None = None) -> privacy.SelfService:
    on_erase = (erased.append) if erased is not None else (lambda _no: None)
    return privacy.SelfService(POLICY, desk.repository, desk.access_log, desk.clock, on_erase)


def test_the_list_filters_and_pages_without_logging_and_the_detail_logs_each_read(desk: Desk) -> None:
    # Given three complaints, two about earphones
    first = file(desk)
    file(desk, product__name="儿童自行车", description="自行车的刹车在第一次骑行时就失灵了，差点出事故，商家拒绝退货。")
    file(desk)

    # When the organizer searches for 耳机 with a page size of one
    page = casework.list_cases(replace(ALL_OF_2026, text="耳机"), offset=0, limit=1, desk=desk)

    # Then two match, one is shown, and the next page is offered; listing read no personal data
    assert (page.total, len(page.rows), page.next_offset) == (2, 1, 1)
    assert page.rows[0].complaint.personal_data is PersonalData.WITHHELD
    assert desk.access_log.for_complaint(first) == []

    # When one case is opened, then the read is logged with who and why
    detail = casework.case_detail(first, actor="王老师", desk=desk)
    assert detail.row.complaint.form.complainant.name == "李小明"
    assert [(r.actor, r.purpose) for r in desk.access_log.for_complaint(first)] == [("王老师", "办理查看")]


def test_the_overdue_filter_finds_cases_past_their_acceptance_deadline(desk: Desk, clock: FixedClock) -> None:
    late = file(desk)
    clock.advance(days=8)
    on_time = file(desk)
    clock.advance(days=3)  # the first is now 11 days (7 working days + a weekend) old

    overdue = casework.list_cases(replace(ALL_OF_2026, overdue=True), offset=0, limit=20, desk=desk)
    not_overdue = casework.list_cases(replace(ALL_OF_2026, overdue=False), offset=0, limit=20, desk=desk)

    assert [row.complaint.tracking_no for row in overdue.rows] == [late]
    assert [row.complaint.tracking_no for row in not_overdue.rows] == [on_time]


def test_a_stale_version_is_refused_and_of_two_concurrent_moves_only_one_wins(desk: Desk) -> None:
    # Given a submitted case the organizer saw at version 1
    number = file(desk)
    casework.assign(number, "张三", actor="王老师", desk=desk)

    # When they act on version 1, then the stale view is refused
    with pytest.raises(Conflict, match="刷新"):
        casework.take_step(number, Step(Action.ACCEPT), actor="王老师", expected_version=1, desk=desk)

    # When two organizers accept and reject at the same moment
    outcomes: list[str] = []

    def act(action: Action) -> None:
        try:
            casework.take_step(
                number, Step(action, reason="other", note="重复"), actor=action, expected_version=None, desk=desk
            )
            outcomes.append(f"{action} won")
        except Conflict:
            outcomes.append(f"{action} refused")

    threads = [threading.Thread(target=act, args=(a,)) for a in (Action.ACCEPT, Action.REJECT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly one of them happened
    assert sorted(o.split()[1] for o in outcomes) == ["refused", "won"]
    stored = desk.repository.get(number)
    assert stored is not None
    assert stored.status in (ComplaintStatus.ACCEPTED, ComplaintStatus.REJECTED)
    assert [e.action for e in stored.timeline].count("accept") + [e.action for e in stored.timeline].count(
        "reject"
    ) == 1


def test_duplicates_link_to_the_first_case_and_groups_need_one_business(desk: Desk) -> None:
    original, second, third = file(desk), file(desk), file(desk)
    other_business = file(desk, business__name="另一家店")

    casework.mark_duplicate(second, original, actor="王老师", desk=desk)
    row = casework.mark_duplicate(third, second, actor="王老师", desk=desk)
    assert row.complaint.duplicate_of == original

    group_id = casework.group_cases([original, second, third], actor="王老师", desk=desk)
    assert all(desk.repository.get(n).group_id == group_id for n in (original, second, third))  # type: ignore[union-attr]
    with pytest.raises(InvalidInput) as error:
        casework.group_cases([original, other_business], actor="王老师", desk=desk)
    assert error.value.errors[0].field == "tracking_nos"


def test_the_complainant_follows_answers_and_disputes_with_only_public_notes_visible(desk: Desk) -> None:
    number = file(desk)
    casework.take_step(
        number,
        Step(Action.ACCEPT, note="内部：商家难缠", public=False),
        actor="王老师",
        expected_version=None,
        desk=desk,
    )
    casework.take_step(
        number, Step(Action.REQUEST_MATERIALS, note="请补充发票"), actor="王老师", expected_version=None, desk=desk
    )

    view = act_as_complainant(
        number,
        CODE,
        Step(Action.PROVIDE_MATERIALS, note="已补充发票"),
        policy=POLICY,
        repository=desk.repository,
        clock=desk.clock,
    )

    assert view.status is ComplaintStatus.ACCEPTED
    details = [e.detail for e in view.timeline]
    assert "内部：商家难缠" not in details
    assert "请补充发票" in details
    assert "已补充发票" in details
    with pytest.raises(NotFound):
        act_as_complainant(
            number, "WRONGCOD", Step(Action.WITHDRAW), policy=POLICY, repository=desk.repository, clock=desk.clock
        )


def test_closing_sets_the_retention_date_and_a_dispute_clears_it(desk: Desk) -> None:
    number = file(desk)
    for action in (Action.ACCEPT, Action.START_MEDIATION):
        casework.take_step(number, Step(action), actor="王老师", expected_version=None, desk=desk)
    closing = Step(Action.CLOSE, outcome="settled", amount_recovered=Decimal("99.00"))
    casework.take_step(number, closing, actor="王老师", expected_version=None, desk=desk)

    closed = desk.repository.get(number)
    assert closed is not None
    assert closed.expires_at == MONDAY.replace(year=2029)

    act_as_complainant(
        number,
        CODE,
        Step(Action.DISPUTE, note="没有收到退款"),
        policy=POLICY,
        repository=desk.repository,
        clock=desk.clock,
    )
    reopened = desk.repository.get(number)
    assert reopened is not None
    assert reopened.expires_at is None


def test_the_complainant_sees_corrects_withdraws_consent_and_erases_their_data(desk: Desk) -> None:
    number = file(desk, consents__publish_case=True)
    casework.case_detail(number, actor="王老师", desk=desk)
    erased: list[str] = []
    service = self_service(desk, erased)

    held = privacy.data_held(number, CODE, desk=service)
    assert held.complaint.form.complainant.phone == "13912345678"
    assert [r.actor for r in held.access_log] == ["王老师"]

    with pytest.raises(InvalidInput) as bad_phone:
        privacy.correct_contact(number, CODE, "12345", None, desk=service)
    assert bad_phone.value.errors[0].field == "phone"
    corrected = privacy.correct_contact(number, CODE, "13800138000", "new@example.com", desk=service)
    assert corrected.form.complainant.phone == "13800138000"

    withdrawn = privacy.withdraw_consent(number, CODE, "publish_case", desk=service)
    assert withdrawn.form.consents.publish_case is False
    assert [(c.consent, c.granted) for c in withdrawn.consent_log][-1] == ("publish_case", False)

    gone = privacy.erase_personal_data(number, CODE, desk=service)
    assert gone.personal_data is PersonalData.ERASED
    assert (gone.form.complainant.name, gone.form.complainant.phone, gone.form.description) == ("", "", "")
    assert (gone.status, gone.outcome) == (ComplaintStatus.CLOSED, "withdrawn")
    assert erased == [number]
    # The anonymous row still counts
    stats = reports.statistics(date(2026, 11, 1), date(2026, 11, 30), for_publication=False, desk=desk)
    assert stats.total == 1


def test_the_sweep_posts_one_notice_per_overdue_step_and_a_second_sweep_sends_nothing(
    desk: Desk, clock: FixedClock
) -> None:
    # Given one complaint past its acceptance deadline and one still in time
    late = file(desk)
    clock.advance(days=8)
    file(desk)
    clock.advance(days=3)
    outbox, notifier = InMemoryOutbox(), RecordingNotifier()

    # When the sweeper runs twice
    first = sweep(policy=POLICY, repository=desk.repository, outbox=outbox, notifier=notifier, clock=clock)
    second = sweep(policy=POLICY, repository=desk.repository, outbox=outbox, notifier=notifier, clock=clock)

    # Then one notice about the late one was sent, once
    assert (first.open_cases, first.overdue_steps, first.posted, first.sent) == (2, 1, 1, 1)
    assert (second.posted, second.sent) == (0, 0)
    assert [n.tracking_no for n in notifier.sent] == [late]
    assert "超期" in notifier.sent[0].subject


def test_the_ledger_export_holds_personal_data_and_is_logged_once_per_case(desk: Desk) -> None:
    first, second = file(desk), file(desk)

    records = reports.ledger_records(date(2026, 11, 1), date(2026, 11, 30), actor="王老师", desk=desk)

    assert [r.complainant_name for r in records] == ["李小明", "李小明"]
    assert desk.access_log.for_complaint(first)[0].purpose.startswith("导出台账")
    assert len(desk.access_log.for_complaint(second)) == 1


def test_a_period_that_ends_before_it_starts_is_refused(desk: Desk) -> None:
    with pytest.raises(InvalidInput) as error:
        reports.statistics(date(2026, 12, 1), date(2026, 11, 1), for_publication=True, desk=desk)
    assert error.value.errors[0].field == "to"


def test_tracking_still_works_after_the_data_is_erased(desk: Desk) -> None:
    number = file(desk)
    privacy.erase_personal_data(number, CODE, desk=self_service(desk))

    view = track_complaint(number, CODE, policy=POLICY, repository=desk.repository, clock=desk.clock)

    assert view.status is ComplaintStatus.CLOSED
    assert view.timeline[-1].action == "erase"
    with pytest.raises(Conflict):
        privacy.erase_personal_data(number, CODE, desk=self_service(desk))


def test_after_the_window_closes_nothing_reopens(desk: Desk, clock: FixedClock) -> None:
    number = file(desk)
    casework.take_step(number, Step(Action.ACCEPT), actor="王老师", expected_version=None, desk=desk)
    casework.take_step(
        number, Step(Action.CLOSE, outcome="not_settled"), actor="王老师", expected_version=None, desk=desk
    )
    clock.advance(days=16)
    with pytest.raises(Conflict):
        act_as_complainant(
            number, CODE, Step(Action.DISPUTE, note="不同意"), policy=POLICY, repository=desk.repository, clock=clock
        )


def test_two_cases_cannot_be_marked_duplicates_of_each_other(desk: Desk) -> None:
    first, second = file(desk), file(desk)
    casework.mark_duplicate(first, second, actor="王老师", desk=desk)

    with pytest.raises(InvalidInput) as error:
        casework.mark_duplicate(second, first, actor="王老师", desk=desk)

    assert error.value.errors[0].code == "circular"


def test_an_erasure_whose_file_deletion_failed_can_simply_be_repeated(desk: Desk) -> None:
    number = file(desk)
    attempts: list[str] = []

    def flaky_delete(tracking_no: str) -> None:
        attempts.append(tracking_no)
        if len(attempts) == 1:
            raise OSError("storage unavailable")

    service = privacy.SelfService(POLICY, desk.repository, desk.access_log, desk.clock, flaky_delete)
    with pytest.raises(OSError, match="storage unavailable"):
        privacy.erase_personal_data(number, CODE, desk=service)
    erased = privacy.erase_personal_data(number, CODE, desk=service)

    assert erased.personal_data is PersonalData.ERASED
    assert attempts == [number, number]


def test_a_case_past_its_retention_date_is_gone_for_the_complainant(desk: Desk, clock: FixedClock) -> None:
    number = file(desk)
    casework.take_step(number, Step(Action.ACCEPT), actor="王老师", expected_version=None, desk=desk)
    casework.take_step(number, Step(Action.CLOSE, outcome="settled"), actor="王老师", expected_version=None, desk=desk)
    clock.advance(days=366 * 3 + 1)

    with pytest.raises(NotFound):
        track_complaint(number, CODE, policy=POLICY, repository=desk.repository, clock=clock)


def test_tracking_reads_nothing_personal_before_the_code_matches(desk: Desk) -> None:
    number = file(desk)
    reads: list[bool] = []
    repository = desk.repository
    original_get = repository.get

    def recording_get(tracking_no: str, *, personal_data: bool = True) -> Any:
        reads.append(personal_data)
        return original_get(tracking_no, personal_data=personal_data)

    repository.get = recording_get  # type: ignore[method-assign]
    with pytest.raises(NotFound):
        track_complaint(number, "WRONGCOD", policy=POLICY, repository=repository, clock=desk.clock)
    track_complaint(number, CODE, policy=POLICY, repository=repository, clock=desk.clock)

    assert reads == [False, False]
