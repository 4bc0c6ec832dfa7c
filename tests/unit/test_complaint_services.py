"""Filing and tracking a complaint through the services, with in-memory fakes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from portal.adapters.content_data import ContentData
from portal.domain.complaints import ComplaintForm, ComplaintStatus
from portal.domain.errors import Conflict, InvalidInput, NotFound, SubmissionKeyReused
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import ComplaintIn
from portal.services.complaints import ComplaintPolicy, file_complaint, track_complaint

from tests.conftest import REPOSITORY, complaint_payload
from tests.fakes import FixedClock, InMemoryComplaints, ScriptedCodes, WeekdayCalendar

DATA = ContentData(REPOSITORY / "content" / "data")
POLICY = ComplaintPolicy(DATA.complaint_options(), DATA.rule_set(), WeekdayCalendar())


def form(**changes: object) -> ComplaintForm:
    return ComplaintIn.model_validate(complaint_payload(**changes)).to_form()


@pytest.fixture
def repository() -> InMemoryComplaints:
    return InMemoryComplaints()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ))  # a Monday


def test_a_filed_complaint_gets_a_tracking_number_an_access_code_and_an_acceptance_deadline(
    repository: InMemoryComplaints, clock: FixedClock
) -> None:
    # When a valid complaint is filed on Monday 2026-11-23
    filed = file_complaint(form(), policy=POLICY, repository=repository, clock=clock, codes=ScriptedCodes())

    # Then it is stored as submitted, due for acceptance 7 working days later, with only a code hash kept
    stored = repository.get(filed.complaint.tracking_no)
    assert stored is not None
    assert stored.status is ComplaintStatus.SUBMITTED
    assert filed.access_code == "K7M2Q9XP"
    assert filed.access_code not in stored.access_code_hash
    assert [d.deadline.due_at for d in filed.view.deadlines] == [datetime(2026, 12, 2, 23, 59, 59, tzinfo=CHINA_TZ)]
    assert filed.view.timeline[0].note


def test_a_taken_tracking_number_is_replaced_by_a_fresh_one(repository: InMemoryComplaints, clock: FixedClock) -> None:
    # Given a complaint already holds TS-0000-0000-0000
    codes = ScriptedCodes(["TS-0000-0000-0000", "TS-0000-0000-0000", "TS-1111-1111-1111"])
    file_complaint(form(), policy=POLICY, repository=repository, clock=clock, codes=codes)

    # When the next complaint draws the same number first
    second = file_complaint(form(), policy=POLICY, repository=repository, clock=clock, codes=codes)

    # Then it gets the next number instead of overwriting the first complaint
    assert second.complaint.tracking_no == "TS-1111-1111-1111"
    assert len(repository.items) == 2


def test_filing_gives_up_with_a_conflict_when_no_free_number_can_be_drawn(
    repository: InMemoryComplaints, clock: FixedClock
) -> None:
    codes = ScriptedCodes(["TS-0000-0000-0000"] * 6)
    file_complaint(form(), policy=POLICY, repository=repository, clock=clock, codes=codes)
    with pytest.raises(Conflict):
        file_complaint(form(), policy=POLICY, repository=repository, clock=clock, codes=codes)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"product__category": "spaceships"}, "product.category"),
        ({"issue_type": "bad_vibes"}, "issue_type"),
        ({"complainant__region": "atlantis"}, "complainant.region"),
        ({"demands": ["refund", "refund"]}, "demands"),
        ({"demands": ["a_pony"]}, "demands"),
        ({"product__purchased_on": "2026-11-24"}, "product.purchased_on"),
        ({"consents__privacy_notice_version": "2025-01-01"}, "consents.privacy_notice_version"),
    ],
)
def test_a_complaint_breaking_a_rule_is_refused_naming_the_field(
    repository: InMemoryComplaints, clock: FixedClock, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_complaint(form(**changes), policy=POLICY, repository=repository, clock=clock, codes=ScriptedCodes())
    assert [error.field for error in refused.value.errors] == [field]
    assert repository.items == {}


def test_the_purchase_date_may_be_today_in_china_even_when_it_is_still_yesterday_in_utc(
    repository: InMemoryComplaints,
) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 7, 30, tzinfo=CHINA_TZ))  # 2026-11-22 23:30 UTC
    filed = file_complaint(
        form(product__purchased_on="2026-11-23"),
        policy=POLICY,
        repository=repository,
        clock=clock,
        codes=ScriptedCodes(),
    )
    assert filed.complaint.form.product.amount == Decimal("299.00")


def test_the_complainant_sees_status_and_deadlines_with_both_codes(
    repository: InMemoryComplaints, clock: FixedClock
) -> None:
    filed = file_complaint(form(), policy=POLICY, repository=repository, clock=clock, codes=ScriptedCodes())
    clock.advance(days=30)

    view = track_complaint(
        filed.complaint.tracking_no.replace("-", ""), "k7m2q9xp", policy=POLICY, repository=repository, clock=clock
    )

    assert view.status_label == "已提交，等待受理"
    assert view.category_label == "电脑及数码产品"
    assert view.deadlines[0].overdue is True


@pytest.mark.parametrize("tracking_no", ["known-number-wrong-code", "TS-1234-5678-9012", "not a number"])
def test_a_wrong_code_and_an_unknown_number_are_refused_alike(
    repository: InMemoryComplaints, clock: FixedClock, tracking_no: str
) -> None:
    filed = file_complaint(form(), policy=POLICY, repository=repository, clock=clock, codes=ScriptedCodes())
    number = filed.complaint.tracking_no if tracking_no == "known-number-wrong-code" else tracking_no
    with pytest.raises(NotFound) as refused:
        track_complaint(number, "WRONGCODE", policy=POLICY, repository=repository, clock=clock)
    assert refused.value.message == "没有找到这条投诉：请核对投诉编号和查询码"


def test_a_repeated_submission_returns_the_first_complaint_and_code(
    repository: InMemoryComplaints, clock: FixedClock
) -> None:
    # Given a complaint filed under a submission key
    first = file_complaint(
        form(),
        policy=POLICY,
        repository=repository,
        clock=clock,
        codes=ScriptedCodes(code="FIRST234"),
        submission_key="key-1",
    )

    # When the same submission arrives again (the answer was lost, the idempotency record expired)
    again = file_complaint(
        form(),
        policy=POLICY,
        repository=repository,
        clock=clock,
        codes=ScriptedCodes(code="OTHER567"),
        submission_key="key-1",
    )

    # Then no second complaint exists and the person gets the number and code they were first given
    assert len(repository.items) == 1
    assert again.complaint.tracking_no == first.complaint.tracking_no
    assert again.access_code == "FIRST234"


def test_a_submission_key_reused_for_different_content_is_refused(
    repository: InMemoryComplaints, clock: FixedClock
) -> None:
    file_complaint(
        form(), policy=POLICY, repository=repository, clock=clock, codes=ScriptedCodes(), submission_key="key-1"
    )
    with pytest.raises(SubmissionKeyReused):
        file_complaint(
            form(issue_type="price"),
            policy=POLICY,
            repository=repository,
            clock=clock,
            codes=ScriptedCodes(),
            submission_key="key-1",
        )
    assert len(repository.items) == 1
