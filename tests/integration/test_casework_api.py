"""The organizer and complainant routes through the real handlers, moto and the embedded journal."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

import openpyxl
import pytest
from portal.bootstrap import Container, use_container
from portal.config import Settings
from portal.domain.working_days import CHINA_TZ
from portal_infra.gateway import Portal

from tests.conftest import complaint_payload
from tests.fakes import FixedClock
from tests.integration.conftest import Api, ApiResponse

ALL_YEAR = "from=2026-01-01&to=2026-12-31"


def admin(portal: Portal) -> dict[str, str]:
    return {"Authorization": f"Bearer {portal.admin_token}"}


def file(api: Api, **changes: object) -> tuple[str, str]:
    created = api.post("/api/complaints", complaint_payload(**changes))
    assert created.status == 201, created.json
    return created.json["tracking_no"], created.json["access_code"]


def move(api: Api, portal: Portal, number: str, action: str, **body: Any) -> ApiResponse:
    return api.call("POST", f"/api/admin/complaints/{number}/transitions", {"action": action, **body}, admin(portal))


@pytest.mark.parametrize("authorization", [None, "Bearer not-the-token", "Basic abc", "Bearer "])
def test_organizer_routes_without_the_right_token_answer_401_and_nothing_else(
    api: Api, authorization: str | None
) -> None:
    # Given a complaint on file
    number, _ = file(api)
    headers = {"Authorization": authorization} if authorization else {}

    # When the list and the detail are asked for without a valid token
    for path in (
        f"/api/admin/complaints?{ALL_YEAR}",
        f"/api/admin/complaints/{number}",
        f"/api/admin/ledger?{ALL_YEAR}",
    ):
        response = api.call("GET", path, None, headers)

        # Then the answer is 401 with no case data in it
        assert response.status == 401
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
        assert number.encode() not in response.raw
        assert "李小明".encode() not in response.raw


def test_an_organizer_takes_a_case_to_closed_and_the_complainant_rates_it(api: Api, portal: Portal) -> None:
    number, code = file(api)

    listed = api.call("GET", f"/api/admin/complaints?{ALL_YEAR}&q=耳机", None, admin(portal))
    assert [item["tracking_no"] for item in listed.json["items"]] == [number]
    assert "李小明" not in listed.raw.decode()

    detail = api.call("GET", f"/api/admin/complaints/{number}", None, admin(portal))
    assert detail.json["complainant"]["name"] == "李小明"
    assert detail.json["access_log"][0]["purpose"] == "办理查看"

    for action, extra in [
        ("accept", {"note": "材料齐全", "expected_version": detail.json["version"]}),
        ("start_mediation", {}),
        ("close", {"outcome": "settled", "amount_recovered": "120.50", "note": "商家已退款"}),
    ]:
        moved = move(api, portal, number, action, **extra)
        assert moved.status == 200, moved.json
    assert moved.json["status"] == "closed"

    rated = api.post(
        f"/api/complaints/{number}/rating", {"level": "satisfied", "comment": "处理及时"}, X_Access_Code=code
    )
    assert rated.status == 200, rated.json
    assert rated.json["rating"]["level"] == "satisfied"
    assert [e["action"] for e in rated.json["timeline"]] == ["received", "accept", "start_mediation", "close", "rate"]
    assert rated.json["can_dispute_until"] is not None


def test_illegal_moves_stale_versions_and_bad_fields_get_409_and_422(api: Api, portal: Portal) -> None:
    number, _ = file(api)

    illegal = move(api, portal, number, "close", outcome="settled")
    stale = move(api, portal, number, "accept", expected_version=7)
    no_reason = move(api, portal, number, "reject")
    bad_reason = move(api, portal, number, "reject", reason="made-up")

    assert (illegal.status, illegal.json["code"]) == (409, "illegal_transition")
    assert "已提交" in illegal.json["message"]
    assert stale.status == 409
    assert no_reason.status == 422
    assert no_reason.json["errors"][0]["field"] == "reason"
    assert bad_reason.status == 422
    assert bad_reason.json["errors"][0]["field"] == "reason"


def test_the_ledger_exports_open_correctly_and_carry_no_formulas(api: Api, portal: Portal) -> None:
    # Given a complaint whose business name would be a formula in a spreadsheet
    number, _ = file(api, business__name='=HYPERLINK("http://evil.example","点我")')

    xlsx = api.call("GET", f"/api/admin/ledger?{ALL_YEAR}&format=xlsx", None, admin(portal))
    csv_file = api.call("GET", f"/api/admin/ledger?{ALL_YEAR}&format=csv", None, admin(portal))

    # Then the workbook opens with openpyxl and shows the text, not a formula
    assert xlsx.status == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.raw)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "投诉编号"
    assert rows[1][0] == number
    assert rows[1][2] == "李小明"
    assert '\'=HYPERLINK("http://evil.example","点我")' in rows[1]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # And the CSV is UTF-8 with a BOM, neutralised the same way
    assert csv_file.raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(csv_file.raw.decode("utf-8-sig"))))
    assert table[1][0] == number
    assert any(cell.startswith("'=HYPERLINK") for cell in table[1])
    # And the export is in every exported case's access log
    detail = api.call("GET", f"/api/admin/complaints/{number}", None, admin(portal))
    assert any(entry["purpose"].startswith("导出台账") for entry in detail.json["access_log"])


def test_statistics_for_publication_hide_counts_below_five(api: Api, portal: Portal) -> None:
    for _ in range(5):
        file(api)
    file(api, product__category="food")

    internal = api.call("GET", f"/api/admin/statistics?{ALL_YEAR}", None, admin(portal)).json
    public = api.call("GET", f"/api/admin/statistics?{ALL_YEAR}&publication=true", None, admin(portal)).json

    assert internal["total"] == 6
    assert sorted(row["count"] for row in internal["by_category"]) == [1, 5]
    assert public["suppressed_below"] == 5
    assert sorted((row["count"] is None, row["count"]) for row in public["by_category"]) == [(False, 5), (True, None)]


def test_the_complainant_exercises_each_data_right_with_the_access_code(api: Api) -> None:
    number, code = file(api, consents__publish_case=True)

    held = api.get(f"/api/complaints/{number}/personal-data", X_Access_Code=code)
    wrong = api.get(f"/api/complaints/{number}/personal-data", X_Access_Code="WRONG123")
    download = api.get(f"/api/complaints/{number}/personal-data?download=true", X_Access_Code=code)
    bad_phone = api.call("PUT", f"/api/complaints/{number}/contact", {"phone": "110"}, {"X-Access-Code": code})
    corrected = api.call("PUT", f"/api/complaints/{number}/contact", {"phone": "13800138000"}, {"X-Access-Code": code})
    consent = api.post(f"/api/complaints/{number}/consent-withdrawals", {"consent": "publish_case"}, X_Access_Code=code)
    erased = api.call("DELETE", f"/api/complaints/{number}/personal-data", None, {"X-Access-Code": code})

    assert held.status == 200
    assert held.json["complainant"]["name"] == "李小明"
    assert held.headers["Cache-Control"] == "no-store"
    assert wrong.status == 404
    assert "attachment" in download.headers["Content-Disposition"]
    assert bad_phone.status == 422
    assert bad_phone.json["errors"][0]["field"] == "phone"
    assert corrected.json["complainant"]["phone"] == "13800138000"
    assert corrected.json["complainant"]["email"] is None
    assert consent.json["consents"]["publish_case"] is False
    assert consent.json["consent_history"][-1]["granted"] is False
    assert erased.status == 200
    assert erased.json["personal_data"] == "erased"
    assert erased.json["complainant"]["name"] is None
    assert erased.json["description"] == ""
    after = api.get(f"/api/complaints/{number}", X_Access_Code=code)
    assert after.json["status"] == "closed"


def test_the_sweep_posts_each_overdue_notice_once_and_organizers_see_them(api: Api, portal: Portal) -> None:
    # Given a complaint whose acceptance is already overdue (filed before the clock is moved on)
    number, _ = file(api)
    thirty_days_on = FixedClock(datetime.now(CHINA_TZ) + timedelta(days=30))
    use_container(Container(Settings.from_env(), dynamodb_client=portal.store.client(), clock=thirty_days_on))

    # When the scheduled sweep runs twice
    first = portal.run_scheduled("SweeperFunction")
    second = portal.run_scheduled("SweeperFunction")

    # Then one notice was posted and sent, and the second run had nothing new
    assert (first["overdue_steps"], first["posted"], first["sent"]) == (1, 1, 1)
    assert (second["posted"], second["sent"]) == (0, 0)
    notices = api.call("GET", "/api/admin/notices", None, admin(portal)).json
    assert [n["tracking_no"] for n in notices] == [number]


def test_organizer_field_errors_name_the_field_in_chinese(api: Api, portal: Portal) -> None:
    number, _ = file(api)
    response = move(api, portal, number, "close", outcome="maybe")
    assert response.status == 422
    assert response.json["errors"][0]["field"] == "outcome"
    assert response.json["errors"][0]["message"].startswith("结案方式")


def test_a_retried_change_with_the_same_key_happens_once(api: Api, portal: Portal) -> None:
    # Given an organizer whose note was saved but whose answer was lost on a bad connection
    number, code = file(api)
    headers = {**admin(portal), "Idempotency-Key": "note-retry-0001"}
    first = api.call("POST", f"/api/admin/complaints/{number}/notes", {"text": "已电话联系商家"}, headers)

    # When the same request is sent again with the same key
    again = api.call("POST", f"/api/admin/complaints/{number}/notes", {"text": "已电话联系商家"}, headers)

    # Then the answer is the same and the note is there once
    assert first.status == again.status == 200
    assert again.json == first.json
    timeline = api.call("GET", f"/api/admin/complaints/{number}", None, admin(portal)).json["timeline"]
    assert [entry["detail"] for entry in timeline].count("已电话联系商家") == 1

    # And a complainant's retried withdrawal is one withdrawal, while a wrong code still gets 404
    body = {"action": "withdraw", "note": "已和商家自行和解"}
    key = {"Idempotency-Key": "withdraw-0001"}
    withdrawn = api.call("POST", f"/api/complaints/{number}/actions", body, {"X-Access-Code": code, **key})
    repeated = api.call("POST", f"/api/complaints/{number}/actions", body, {"X-Access-Code": code, **key})
    stranger = api.call("POST", f"/api/complaints/{number}/actions", body, {"X-Access-Code": "WRONG123", **key})
    assert withdrawn.status == repeated.status == 200
    assert [e["action"] for e in repeated.json["timeline"]].count("withdraw") == 1
    assert stranger.status == 404
