"""The complaint API as a client sees it: the real handler, DynamoDB on moto, tables from template.yaml."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from portal_infra.gateway import Portal

from tests.conftest import complaint_payload
from tests.integration.conftest import Api


def test_filing_returns_201_with_codes_and_deadline_in_readable_utf8(api: Api) -> None:
    # When a valid complaint is posted
    response = api.post("/api/complaints", complaint_payload())

    # Then it is registered, the codes come back once, and Chinese is sent as UTF-8, not \u escapes
    assert response.status == 201
    body = response.json
    assert body["status"] == "submitted"
    assert body["tracking_no"].startswith("TS-")
    assert len(body["access_code"]) == 8
    assert body["accept_by"].endswith("T23:59:59+08:00")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "已提交".encode() in response.raw
    assert b"\\u" not in response.raw


def test_tracking_shows_status_timeline_and_deadlines_but_no_personal_data(api: Api) -> None:
    created = api.post("/api/complaints", complaint_payload()).json

    response = api.get(f"/api/complaints/{created['tracking_no']}", X_Access_Code=created["access_code"])

    assert response.status == 200
    assert response.json["status_label"] == "已提交，等待受理"
    assert response.json["deadlines"][0]["step"] == "accept"
    for personal in ("李小明", "13912345678", "xiaoming@example.com", "DD2026090112345"):
        assert personal.encode() not in response.raw


def test_a_wrong_access_code_and_an_unknown_number_give_the_same_404(api: Api) -> None:
    created = api.post("/api/complaints", complaint_payload()).json

    wrong_code = api.get(f"/api/complaints/{created['tracking_no']}", X_Access_Code="AAAAAAAA")
    unknown = api.get("/api/complaints/TS-1234-5678-9012", X_Access_Code=created["access_code"])

    assert wrong_code.status == unknown.status == 404
    assert wrong_code.raw == unknown.raw


def test_tracking_without_an_access_code_names_the_missing_header(api: Api) -> None:
    response = api.get("/api/complaints/TS-1234-5678-9012")
    assert response.status == 422
    assert response.json["errors"][0]["field"] == "X-Access-Code"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"complainant__phone": "12345"}, "complainant.phone", "11 位"),
        ({"complainant__name": None}, "complainant.name", "请填写姓名"),
        ({"description": "太短了"}, "description", "至少需要 20 个字"),
        ({"description": "长" * 2001}, "description", "最多 2000 个字"),
        ({"product__amount": "-1"}, "product.amount", "不能小于 0"),
        ({"product__amount": "9.999"}, "product.amount", "两位小数"),
        ({"product__purchased_on": "2099-01-01"}, "product.purchased_on", "不能晚于今天"),
        ({"product__purchased_on": "上个月"}, "product.purchased_on", "年-月-日"),
        ({"product__category": "spaceships"}, "product.category", "请从列表中选择"),
        ({"consents__privacy_notice_version": "2020-01-01"}, "consents.privacy_notice_version", "隐私声明已更新"),
        ({"consents__publish_case": "yes"}, "consents.publish_case", "true 或 false"),
        ({"surprise": 1}, "surprise", "不认识的字段"),
        ({"complainant__age": 20}, "complainant.age", "不认识的字段"),
    ],
)
def test_invalid_input_gets_a_422_naming_the_field_in_chinese(
    api: Api, changes: dict[str, object], field: str, words: str
) -> None:
    response = api.post("/api/complaints", complaint_payload(**changes))

    assert response.status == 422
    assert response.json["code"] == "validation_error"
    errors = {error["field"]: error["message"] for error in response.json["errors"]}
    assert field in errors
    assert words in errors[field]


def test_malformed_json_is_a_clear_4xx_not_a_500(api: Api) -> None:
    response = api.post("/api/complaints", b'{"complainant": ')
    assert response.status == 422
    assert "JSON" in response.json["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"[]", "application/json", 422),
        (b"null", "application/json", 422),
        (b'{"complainant": null}', "application/json", 422),
        (b'{"description": "\xff\xfe"}', "application/json", 422),
        (b"[" * 5000 + b"]" * 5000, "application/json", 422),
        (b'{"a":' * 3000 + b"1" + b"}" * 3000, "application/json", 422),
        (b"", "application/json", 422),
        (b"name=x", "text/plain", 415),
    ],
    ids=["array", "null", "null-object", "invalid-utf8", "deep-array", "deep-object", "empty", "not-json"],
)
def test_hostile_bodies_get_a_clear_4xx_never_a_500(api: Api, body: bytes, content_type: str, status: int) -> None:
    response = api.call("POST", "/api/complaints", body, {"Content-Type": content_type})
    assert response.status == status
    assert response.json["message"]


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e400"])
def test_an_amount_that_is_not_an_ordinary_number_is_named(api: Api, amount: str) -> None:
    raw = json.dumps(complaint_payload()).replace('"299.00"', amount).encode()
    response = api.call("POST", "/api/complaints", raw)
    assert response.status == 422
    assert [error["field"] for error in response.json["errors"]] == ["product.amount"]


def test_a_body_over_64_kb_gets_413(api: Api) -> None:
    response = api.post("/api/complaints", complaint_payload(description="长" * 30_000))
    assert response.status == 413
    assert response.json["code"] == "body_too_large"


def test_the_same_idempotency_key_twice_files_one_complaint_with_the_same_answer(api: Api, portal: Portal) -> None:
    first = api.post("/api/complaints", complaint_payload(), Idempotency_Key="retry-key-0001")
    second = api.post("/api/complaints", complaint_payload(), Idempotency_Key="retry-key-0001")

    assert first.status == second.status == 201
    assert first.json == second.json
    assert _stored_complaints(portal) == 1


def test_ten_simultaneous_requests_with_one_key_file_one_complaint(api: Api, portal: Portal) -> None:
    # When a flaky connection makes the browser send the same submission ten times at once
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(
            pool.map(
                lambda _: api.post("/api/complaints", complaint_payload(), Idempotency_Key="burst-key-0001"), range(10)
            )
        )

    # Then all ten get the same 201 and only one complaint exists
    assert {r.status for r in responses} == {201}
    assert len({r.json["tracking_no"] for r in responses}) == 1
    assert _stored_complaints(portal) == 1


def test_a_retry_after_the_saved_response_is_gone_still_files_one_complaint(api: Api, portal: Portal) -> None:
    # Given a complaint filed with a key, whose saved response then disappears (a crash before the
    # response was saved, or the idempotency record expiring) while the browser still retries
    first = api.post("/api/complaints", complaint_payload(), Idempotency_Key="crash-key-0001")
    client = portal.store.client()
    for item in client.scan(TableName="IdempotencyTable")["Items"]:
        client.delete_item(TableName="IdempotencyTable", Key={"id": item["id"]})

    # When the same submission is sent again with the same key
    again = api.post("/api/complaints", complaint_payload(), Idempotency_Key="crash-key-0001")

    # Then the person gets the same tracking number and access code, and one complaint exists
    assert again.status == 201
    assert (again.json["tracking_no"], again.json["access_code"]) == (
        first.json["tracking_no"],
        first.json["access_code"],
    )
    assert _stored_complaints(portal) == 1


def test_reusing_a_key_for_a_different_complaint_is_refused(api: Api) -> None:
    api.post("/api/complaints", complaint_payload(), Idempotency_Key="reused-key-0001")
    response = api.post("/api/complaints", complaint_payload(issue_type="price"), Idempotency_Key="reused-key-0001")
    assert response.status == 422
    assert response.json["code"] == "idempotency_key_reused"


def test_a_malformed_idempotency_key_is_named(api: Api) -> None:
    response = api.post("/api/complaints", complaint_payload(), Idempotency_Key="short")
    assert response.status == 422
    assert response.json["errors"][0]["field"] == "Idempotency-Key"


def test_personal_data_never_reaches_the_logs(
    api: Api, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # Given every log level switched on
    caplog.set_level(logging.DEBUG)

    # When complaints are filed, refused and looked up
    created = api.post("/api/complaints", complaint_payload()).json
    api.post("/api/complaints", complaint_payload(complainant__email="not-an-email"))
    api.get(f"/api/complaints/{created['tracking_no']}", X_Access_Code=created["access_code"])

    # Then neither the logs nor anything printed contain the phone number, name, email or access code
    captured = capsys.readouterr()
    everything = captured.out + captured.err + caplog.text
    assert "complaint filed" in everything
    for secret in ("13912345678", "李小明", "xiaoming@example.com", created["access_code"]):
        assert secret not in everything


def test_personal_data_and_access_codes_are_encrypted_in_every_table(api: Api, portal: Portal) -> None:
    created = api.post("/api/complaints", complaint_payload(), Idempotency_Key="stored-key-0001").json
    client = portal.store.client()
    complaints = client.scan(TableName="ComplaintsTable")["Items"]  # the case and its submission receipt
    saved_responses = client.scan(TableName="IdempotencyTable")["Items"]
    assert (len(complaints), len(saved_responses)) == (2, 1)
    for secret in ("13912345678", "李小明", "xiaoming@example.com", "DD2026090112345", created["access_code"]):
        assert secret not in repr(complaints)
        assert secret not in repr(saved_responses)


def test_the_openapi_document_describes_the_complaint_routes(api: Api) -> None:
    document = api.get("/api/openapi.json").json
    assert {"/api/complaints", "/api/complaints/{tracking_no}"} <= set(document["paths"])
    assert "ComplaintIn" in document["components"]["schemas"]


def test_unknown_api_paths_and_methods_get_json_errors(api: Api) -> None:
    assert api.get("/api/nothing-here").status == 404
    wrong_method = api.call("DELETE", "/api/complaints")
    assert wrong_method.status == 405
    assert wrong_method.json["code"] == "method_not_allowed"


def _stored_complaints(portal: Portal) -> int:
    scan = portal.store.client().scan(
        TableName="ComplaintsTable", FilterExpression="sk = :case", ExpressionAttributeValues={":case": {"S": "CASE"}}
    )
    return len(scan["Items"])
