"""Evidence attachments as a client sees them: the real handlers, embedded DynamoDB, files under var/."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from portal.bootstrap import container
from portal.domain.errors import Conflict
from portal.services.evidence import request_upload
from portal_infra.gateway import Portal
from portal_infra.lambda_runtime import HttpRequest

from tests.conftest import complaint_payload
from tests.fakes_evidence import TINY_PDF, TINY_PNG, form_upload
from tests.integration.conftest import Api, ApiResponse


class Complainant:
    """One filed complaint, and what its complainant's browser does with evidence."""

    def __init__(self, api: Api, portal: Portal) -> None:
        self.api, self.portal = api, portal
        created = api.post("/api/complaints", complaint_payload()).json
        self.tracking_no, self.code = created["tracking_no"], created["access_code"]
        self.base = f"/api/complaints/{self.tracking_no}/evidence"

    def request(self, filename: str, content_type: str, size: int, code: str | None = None) -> ApiResponse:
        body = {"filename": filename, "content_type": content_type, "size": size}
        return self.api.post(self.base, body, X_Access_Code=code or self.code)

    def upload(self, slot: dict[str, Any], content: bytes, filename: str = "file") -> int:
        body, header = form_upload(slot["fields"], filename, content, slot["fields"]["Content-Type"])
        request = HttpRequest("POST", slot["upload_url"], {"Content-Type": header}, body, "127.0.0.1")
        return self.portal.objects.handle(request).status

    def confirm(self, slot: int) -> ApiResponse:
        return self.api.post(f"{self.base}/{slot}/confirm", None, X_Access_Code=self.code)

    def attach(self, filename: str, content_type: str, content: bytes) -> ApiResponse:
        slot = self.request(filename, content_type, len(content)).json
        assert self.upload(slot, content) == 204
        return self.confirm(slot["slot"])

    def files(self) -> dict[str, Any]:
        response = self.api.get(self.base, X_Access_Code=self.code)
        assert response.status == 200
        return dict(response.json)


@pytest.fixture
def complainant(api: Api, portal: Portal) -> Complainant:
    return Complainant(api, portal)


def test_a_complainant_uploads_a_photo_and_a_pdf_and_sees_them_listed(complainant: Complainant) -> None:
    # When a photo is requested, uploaded to the returned URL with the returned fields, and confirmed
    slot = complainant.request("购物小票.png", "image/png", len(TINY_PNG))
    assert slot.status == 201
    assert slot.json["upload_url"] == "/_objects/upload"
    assert complainant.upload(slot.json, TINY_PNG) == 204
    confirmed = complainant.confirm(slot.json["slot"])

    # Then it is kept, and listed with a PDF added the same way
    assert confirmed.status == 200
    assert confirmed.json["state"] == "stored"
    assert complainant.attach("合同.pdf", "application/pdf", TINY_PDF).status == 200
    listing = complainant.files()
    assert [(f["filename"], f["size"], f["state_label"]) for f in listing["files"]] == [
        ("购物小票.png", len(TINY_PNG), "已保存"),
        ("合同.pdf", len(TINY_PDF), "已保存"),
    ]
    assert (listing["remaining"], listing["max_files"], listing["accepting"]) == (3, 5, True)


def test_a_renamed_file_gets_a_422_naming_it_and_is_deleted(complainant: Complainant, portal: Portal) -> None:
    response = complainant.attach("发票.png", "image/png", b"MZ\x90\x00 a program, not a picture")

    assert response.status == 422
    assert response.json["errors"][0]["field"] == "file"
    assert "“发票.png”的内容不是真正的PNG 图片" in response.json["errors"][0]["message"]
    assert [f["state"] for f in complainant.files()["files"]] == ["failed"]
    folder = portal.state_dir / "evidence" / complainant.tracking_no
    assert [path for path in folder.iterdir() if not path.name.endswith(".meta")] == []


@pytest.mark.parametrize(
    ("filename", "content_type", "size", "field", "words"),
    [
        ("setup.exe", "application/x-msdownload", 1000, "content_type", "只能上传 JPG、PNG 图片或 PDF"),
        ("视频.jpg", "image/jpeg", 11 * 1024 * 1024, "size", "超过了 10 MB 的上限"),
        ("照片.jpg", "image/jpeg", -1, "size", "不能小于 0"),
    ],
)
def test_a_refused_file_gets_a_422_naming_the_field(
    complainant: Complainant, filename: str, content_type: str, size: int, field: str, words: str
) -> None:
    response = complainant.request(filename, content_type, size)
    assert response.status == 422
    errors = {error["field"]: error["message"] for error in response.json["errors"]}
    assert words in errors[field]


def test_the_upload_url_refuses_a_form_whose_content_type_was_changed(complainant: Complainant) -> None:
    slot = complainant.request("照片.png", "image/png", 100).json
    slot["fields"]["Content-Type"] = "application/x-msdownload"
    assert complainant.upload(slot, TINY_PNG) == 403


def test_a_sixth_file_gets_409(complainant: Complainant) -> None:
    for _ in range(5):
        assert complainant.request("照片.png", "image/png", 100).status == 201
    response = complainant.request("照片.png", "image/png", 100)
    assert response.status == 409
    assert "最多上传 5 个文件" in response.json["message"]


def test_a_wrong_access_code_gets_the_same_404_everywhere(complainant: Complainant, api: Api) -> None:
    assert complainant.request("照片.png", "image/png", 100, code="AAAAAAAA").status == 404
    assert api.get(complainant.base, X_Access_Code="AAAAAAAA").status == 404
    assert api.post(f"{complainant.base}/1/confirm", None, X_Access_Code="AAAAAAAA").status == 404


def test_twenty_simultaneous_requests_reserve_five_slots_in_dynamodb(complainant: Complainant) -> None:
    # Given the handlers' own adapters on the embedded DynamoDB (conditional writes as on AWS)
    deps = container()
    ports: dict[str, Any] = {"policy": deps.complaint_policy, "complaints": deps.complaints}
    ports |= {"evidence": deps.evidence, "store": deps.evidence_store, "clock": deps.clock}

    def attempt(_: int) -> str:
        try:
            return str(request_upload(complainant.tracking_no, complainant.code, "a.png", "image/png", 9, **ports).slot)
        except Conflict:
            return "full"

    # When twenty requests race for the slots
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))

    # Then exactly five get one, each a different one
    assert sorted(outcome for outcome in outcomes if outcome != "full") == ["1", "2", "3", "4", "5"]
    assert len(complainant.files()["files"]) == 5


def test_file_names_never_reach_the_logs_or_the_table_in_clear(
    complainant: Complainant, portal: Portal, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    complainant.attach("王小红身份证.png", "image/png", TINY_PNG)
    complainant.attach("王小红病历.png", "image/png", b"not a png at all")

    captured = capsys.readouterr()
    assert "evidence stored" in captured.out + captured.err + caplog.text
    assert "王小红" not in captured.out + captured.err + caplog.text
    items = portal.store.client().scan(TableName="ComplaintsTable")["Items"]
    assert "王小红" not in repr(items)


def test_the_openapi_document_describes_the_evidence_routes(api: Api) -> None:
    paths = api.get("/api/openapi.json").json["paths"]
    assert {"post", "get"} <= set(paths["/api/complaints/{tracking_no}/evidence"])
    assert "post" in paths["/api/complaints/{tracking_no}/evidence/{slot}/confirm"]


def test_a_retried_slot_request_with_the_same_key_gets_the_same_slot(complainant: Complainant, api: Api) -> None:
    body = {"filename": "照片.png", "content_type": "image/png", "size": 100}
    headers = {"X_Access_Code": complainant.code, "Idempotency_Key": "evidence-retry-0001"}

    first = api.post(complainant.base, body, **headers)
    again = api.post(complainant.base, body, **headers)

    assert first.status == again.status == 201
    assert first.json == again.json
    assert len(complainant.files()["files"]) == 1


def test_organizers_get_short_lived_download_links_and_erasure_deletes_the_files(
    complainant: Complainant, portal: Portal, api: Api
) -> None:
    # Given a stored receipt photo
    assert complainant.attach("购物小票.png", "image/png", TINY_PNG).status == 200
    organizer = {"Authorization": f"Bearer {portal.admin_token}"}

    # When the organizer opens the case, then the file comes with a link that downloads it
    detail = api.call("GET", f"/api/admin/complaints/{complainant.tracking_no}", None, organizer).json
    [link] = detail["evidence"]
    assert (link["filename"], link["size"]) == ("购物小票.png", len(TINY_PNG))
    download = portal.objects.handle(HttpRequest("GET", link["url"], {}, b"", "127.0.0.1"))
    assert (download.status, download.body) == (200, TINY_PNG)

    # And the complainant's copy of their data lists the file
    held = api.get(f"/api/complaints/{complainant.tracking_no}/personal-data", X_Access_Code=complainant.code).json
    assert [(f["filename"], f["state"]) for f in held["evidence_files"]] == [("购物小票.png", "stored")]

    # When the complainant deletes their personal data, then the file is gone too
    erased = api.call(
        "DELETE", f"/api/complaints/{complainant.tracking_no}/personal-data", None, {"X-Access-Code": complainant.code}
    )
    assert erased.status == 200
    assert portal.objects.handle(HttpRequest("GET", link["url"], {}, b"", "127.0.0.1")).status == 404
    after = api.call("GET", f"/api/admin/complaints/{complainant.tracking_no}", None, organizer).json
    assert after["evidence"] == []
