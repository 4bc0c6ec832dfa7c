"""上传证据材料 on the tracking page, in a real browser through the local gateway."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.conftest import RunningPortal
from tests.browser.test_complaint_pages import fill_valid_complaint
from tests.fakes_evidence import TINY_PNG

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_complainant_attaches_a_photo_to_their_complaint(page: Page, running_portal: RunningPortal) -> None:
    requested: list[str] = []
    page.on("request", lambda req: requested.append(f"{req.method} {req.url}"))

    # Given a complaint just filed and looked up on the tracking page
    page.goto(f"{running_portal.url}/complaint/")
    fill_valid_complaint(page)
    page.get_by_role("button", name="提交投诉").click()
    expect(page.locator("#complaint-result")).to_be_visible()
    access_code = page.locator('#complaint-result [data-result="access_code"]').inner_text()
    page.get_by_role("link", name="查询进度").click()
    page.get_by_label("查询码").fill(access_code)
    page.get_by_role("button", name="查询").click()
    panel = page.locator("#evidence-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("还没有上传文件")

    # When they choose a program and a file that is too big
    chooser = page.get_by_label("选择文件（可多选）")
    chooser.set_input_files(
        [
            FilePayload(name="setup.exe", mimeType="application/x-msdownload", buffer=b"MZ\x90\x00"),
            FilePayload(name="录像截图.jpg", mimeType="image/jpeg", buffer=b"\xff\xd8\xff" + bytes(11 * 1024 * 1024)),
        ]
    )
    page.get_by_role("button", name="上传所选文件").click()

    # Then both are refused on the spot with what to do, and nothing is sent
    error = page.locator("#f-evidence-error")
    expect(error).to_contain_text("“setup.exe”不是 JPG、PNG 图片或 PDF 文件")
    expect(error).to_contain_text("“录像截图.jpg”有 11 MB，超过了 10 MB 的上限")
    expect(chooser).to_have_attribute("aria-invalid", "true")
    assert not [r for r in requested if r.startswith("POST") and "/evidence" in r]

    # When they choose a real photo instead and upload it with the keyboard
    chooser.set_input_files([FilePayload(name="购物小票.png", mimeType="image/png", buffer=TINY_PNG)])
    page.get_by_role("button", name="上传所选文件").focus()
    page.keyboard.press("Enter")

    # Then it is uploaded, checked and listed, all on the portal's own origin
    expect(panel.locator("[data-evidence-list]")).to_contain_text("购物小票.png")
    expect(panel.locator("[data-evidence-list]")).to_contain_text("购物小票.png（1 KB）— 已保存")
    expect(panel.locator("[data-evidence-status]")).to_have_text("已上传 1 个文件。")
    expect(error).to_be_hidden()
    uploads = [r for r in requested if r.startswith("POST") and ("/_objects/" in r or "/evidence" in r)]
    assert len(uploads) == 3  # the slot, the file, the confirmation
    assert all(r.split(" ", 1)[1].startswith(running_portal.url) for r in requested)
