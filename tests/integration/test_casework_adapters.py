"""Version checks, the period and open-case indexes, the access log and the outbox, against moto."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws
from portal.adapters.dynamodb_access_log import DynamoDBAccessLog
from portal.adapters.dynamodb_complaints import DynamoDBComplaintRepository
from portal.adapters.dynamodb_outbox import DynamoDBOutbox
from portal.adapters.personal_data_cipher import LocalKeyCipher
from portal.domain.codes import hash_access_code
from portal.domain.complaints import Complaint, ComplaintStatus, PersonalData, register
from portal.domain.privacy import erase_personal_data, with_retention
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import ComplaintIn
from portal.ports import AccessRecord, Notice, StaleVersion
from portal_infra.tables import create_tables

from tests.conftest import complaint_payload

TABLE = "ComplaintsTable"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="cn-north-1")
        create_tables(client)
        yield client


@pytest.fixture
def repository(dynamodb: Any) -> DynamoDBComplaintRepository:
    return DynamoDBComplaintRepository(dynamodb, TABLE, LocalKeyCipher(os.urandom(32)))


def a_complaint(tracking_no: str, received_at: datetime) -> Complaint:
    form = ComplaintIn.model_validate(complaint_payload()).to_form()
    return register(form, tracking_no, hash_access_code("K7M2Q9XP"), received_at, "samr_2019")


def bumped(complaint: Complaint, **changes: Any) -> Complaint:
    return replace(complaint, version=complaint.version + 1, **changes)


def test_a_change_based_on_an_old_version_is_refused_and_concurrent_saves_keep_one(
    repository: DynamoDBComplaintRepository,
) -> None:
    # Given a stored complaint at version 1
    complaint = a_complaint("TS-1111-1111-1111", datetime(2026, 11, 23, 10, tzinfo=CHINA_TZ))
    repository.add(complaint)

    # When eight writers each save their own version 2 at once
    won: list[str] = []

    def save(assignee: str) -> None:
        try:
            repository.save(bumped(complaint, assignee=assignee))
            won.append(assignee)
        except StaleVersion:
            pass

    threads = [threading.Thread(target=save, args=(f"办理人{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly one write landed, and it is the one stored
    assert len(won) == 1
    stored = repository.get(complaint.tracking_no)
    assert stored is not None
    assert (stored.version, stored.assignee) == (2, won[0])


def test_the_period_query_uses_china_dates_and_withholds_personal_data(repository: DynamoDBComplaintRepository) -> None:
    # Given complaints at 23:30 on 31 October and 00:30 on 1 November, China time
    october = a_complaint("TS-1111-1111-1111", datetime(2026, 10, 31, 23, 30, tzinfo=CHINA_TZ))
    november = a_complaint("TS-2222-2222-2222", datetime(2026, 11, 1, 0, 30, tzinfo=CHINA_TZ))
    repository.add(october)
    repository.add(november)

    # When November is asked for
    found = list(repository.received_between(date(2026, 11, 1), date(2026, 11, 30)))

    # Then only the November one comes back, without its personal data
    assert [c.tracking_no for c in found] == [november.tracking_no]
    assert found[0].personal_data is PersonalData.WITHHELD
    assert found[0].form.complainant.name == ""
    with pytest.raises(ValueError, match="cannot be saved"):
        repository.save(bumped(found[0]))


def test_closed_cases_leave_the_open_index_and_expire_by_ttl(
    repository: DynamoDBComplaintRepository, dynamodb: Any
) -> None:
    received = datetime(2026, 11, 23, 10, tzinfo=CHINA_TZ)
    open_one, closing = a_complaint("TS-1111-1111-1111", received), a_complaint("TS-2222-2222-2222", received)
    repository.add(open_one)
    repository.add(closing)

    closed = with_retention(erase_personal_data(closing, received + timedelta(days=1)), 3)
    repository.save(closed)

    assert [c.tracking_no for c in repository.open_cases()] == [open_one.tracking_no]
    item = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "COMPLAINT#TS-2222-2222-2222"}, "sk": {"S": "CASE"}})[
        "Item"
    ]
    assert int(item["expires_at"]["N"]) == int((received + timedelta(days=1)).replace(year=2029).timestamp())
    assert "personal_data" not in item
    reread = repository.get(closed.tracking_no)
    assert reread is not None
    assert (reread.status, reread.personal_data) == (ComplaintStatus.CLOSED, PersonalData.ERASED)


def test_the_access_log_keeps_one_entry_per_case_even_for_a_large_export(dynamodb: Any) -> None:
    log = DynamoDBAccessLog(dynamodb, TABLE)
    numbers = tuple(f"TS-0000-0000-{n:04d}" for n in range(60))
    at = datetime(2026, 11, 23, 10, tzinfo=CHINA_TZ)

    log.record(AccessRecord("王老师", at, "导出台账", numbers))
    log.record(AccessRecord("李老师", at + timedelta(minutes=5), "办理查看", numbers[:1]))

    assert [(r.actor, r.purpose) for r in log.for_complaint(numbers[0])] == [
        ("王老师", "导出台账"),
        ("李老师", "办理查看"),
    ]
    assert len(log.for_complaint(numbers[59])) == 1


def test_a_notice_is_posted_once_and_leaves_the_unsent_list_when_sent(dynamodb: Any) -> None:
    outbox = DynamoDBOutbox(dynamodb, TABLE)
    notice = Notice("overdue#TS-1#accept#2026-12-02", "TS-1", "投诉超期", "已超期", datetime.now(CHINA_TZ))

    assert outbox.post(notice) is True
    assert outbox.post(notice) is False
    assert outbox.already_posted([notice.id, "overdue#TS-2#accept#2026-12-02"]) == {notice.id}
    assert [n.id for n in outbox.unsent()] == [notice.id]

    outbox.mark_sent(notice, datetime.now(CHINA_TZ))

    assert outbox.unsent() == []
    [recent] = outbox.recent(10)
    assert recent.sent_at is not None
