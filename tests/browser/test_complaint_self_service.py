"""投诉查询 after a lookup: the complainant's follow-up actions and their rights over their personal data,
in a real browser, through the local gateway and the real handlers."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import RunningPortal
from tests.conftest import complaint_payload
from tests.gateway_process import request

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def file_complaint(portal: RunningPortal) -> tuple[str, str]:
    body = complaint_payload(consents__publish_case=True)
    status, created = request(
        portal.port, "POST", "/api/complaints", body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert status == 201, created
    return created["tracking_no"], created["access_code"]


def organizer(portal: RunningPortal, tracking_no: str, action: str, note: str, **extra: Any) -> None:
    token = (portal.state / "admin-token").read_text(encoding="utf-8").strip()
    status, answer = request(
        portal.port,
        "POST",
        f"/api/admin/complaints/{tracking_no}/transitions",
        {"action": action, "note": note, "public": True, **extra},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert status == 200, answer


def look_up(page: Page, portal: RunningPortal, tracking_no: str, access_code: str) -> Locator:
    page.goto(f"{portal.url}/track/?no={tracking_no}")
    page.get_by_label("查询码").fill(access_code)
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#tracker-result")).to_be_visible()
    panel = page.locator("#self-service")
    expect(panel).to_be_visible()
    return panel


def test_a_complainant_follows_up_and_exercises_their_data_rights(page: Page, running_portal: RunningPortal) -> None:
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    tracking_no, access_code = file_complaint(running_portal)

    # Given a complaint looked up on the tracking page
    panel = look_up(page, running_portal, tracking_no, access_code)
    tracker = page.locator("#tracker-result")
    expect(tracker).to_contain_text("进行中，剩余")
    actions_message = panel.locator('[data-ss-message="actions"]')
    data_message = panel.locator('[data-ss-message="data"]')
    expect(panel.locator("#ss-withdraw")).to_be_visible()
    expect(panel.locator("#ss-provide")).to_be_hidden()
    expect(panel.locator("#ss-rating")).to_be_hidden()

    # When they view their personal data, it is all there, readable, with who read it
    panel.get_by_role("button", name="查看我的个人信息").click()
    data = panel.locator("#ss-data")
    expect(data).to_be_focused()
    expect(data).to_contain_text("李小明")
    expect(data).to_contain_text("电脑及数码产品")
    expect(data).to_contain_text("同意：去除个人信息后作为典型案例公开（按 2026-11-01 版隐私声明）")
    expect(data).to_contain_text("谁在何时查看过")

    # They correct the phone number with the keyboard alone: a wrong number is refused next to the field
    summary = panel.get_by_text("更正联系方式", exact=True)
    summary.focus()
    page.keyboard.press("Enter")
    phone = panel.get_by_label("手机号码")
    expect(phone).to_have_value("13912345678")
    phone.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1234567")
    page.keyboard.press("Enter")
    expect(panel.locator("#ss-contact-phone-error")).to_have_text("请填写 11 位中国大陆手机号码，例如 13800138000")
    expect(phone).to_be_focused()
    expect(phone).to_have_attribute("aria-invalid", "true")
    page.keyboard.press("Control+A")
    page.keyboard.type("13711112222")
    page.keyboard.press("Enter")
    expect(data_message).to_have_text("联系方式已更正。")
    expect(data_message).to_be_focused()
    expect(data).to_contain_text("13711112222")
    expect(tracker).to_contain_text("投诉人更正了联系方式")

    # They withdraw the consent to publication
    panel.get_by_role("button", name="撤回此项同意").click()
    expect(data_message).to_contain_text("已撤回“同意发布为典型案例”")
    expect(panel.locator("#ss-consent")).to_be_hidden()
    expect(data).to_contain_text("撤回同意：去除个人信息后作为典型案例公开")

    # They download a copy: the server's JSON document, saved under the complaint's number
    with page.expect_download() as downloading:
        panel.get_by_role("button", name="下载 JSON").click()
    download = downloading.value
    assert download.suggested_filename == f"personal-data-{tracking_no}.json"
    copy = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert copy["complainant"]["phone"] == "13711112222"
    assert copy["consents"]["publish_case"] is False
    expect(data_message).to_contain_text(f"已下载 personal-data-{tracking_no}.json")

    # When the organizer asks for materials, the answer form appears after a new lookup
    organizer(running_portal, tracking_no, "accept", "已受理")
    organizer(running_portal, tracking_no, "request_materials", "请补充购物小票照片")
    panel = look_up(page, running_portal, tracking_no, access_code)
    expect(tracker).to_contain_text("暂停计时")
    provide = panel.locator("#ss-provide")
    provide.get_by_role("button", name="已补充材料").click()
    expect(panel.locator("#ss-provide-note-error")).to_contain_text("请写明补充了哪些材料")
    provide.get_by_label("补充了哪些材料").fill("已把购物小票照片发到工作人员的邮箱")
    provide.get_by_role("button", name="已补充材料").click()
    expect(actions_message).to_contain_text("已告知工作人员您补充了材料")
    expect(actions_message).to_be_focused()
    expect(tracker.locator(".portal-timeline-detail").last).to_have_text("已把购物小票照片发到工作人员的邮箱")
    expect(provide).to_be_hidden()

    # When the organizer closes it as settled, they rate the result and it shows in the timeline
    organizer(running_portal, tracking_no, "close", "商家同意换货", outcome="settled", amount_recovered="10.00")
    panel = look_up(page, running_portal, tracking_no, access_code)
    expect(panel.locator("#ss-withdraw")).to_be_hidden()
    rating = panel.locator("#ss-rating")
    rating.get_by_label("满意", exact=True).check()
    rating.get_by_label("意见和建议").fill("处理及时")
    rating.get_by_role("button", name="提交评价").click()
    expect(actions_message).to_contain_text("谢谢您的评价")
    expect(tracker).to_contain_text("投诉人评价：满意")
    expect(rating).to_be_hidden()

    # They still disagree and dispute the result before the deadline shown
    dispute = panel.locator("#ss-dispute")
    expect(dispute).to_contain_text("前提出异议")
    dispute.get_by_label("异议理由").fill("换货后的耳机仍然有杂音")
    dispute.get_by_role("button", name="提出异议").click()
    expect(actions_message).to_contain_text("您的异议已提交")
    expect(tracker.locator('[data-result="status_label"]')).to_have_text("调解中")
    expect(panel.locator("#ss-withdraw")).to_be_visible()

    # Finally they delete their personal data, confirming with the tracking number
    panel.get_by_text("删除我的个人信息", exact=True).first.click()
    erase = panel.locator("#ss-erase")
    expect(erase).to_contain_text("匿名")
    erase.get_by_label("请输入本投诉的编号以确认删除").fill("TS-0000-0000-0000")
    erase.get_by_role("button", name="删除我的个人信息").click()
    expect(panel.locator("#ss-erase-confirm-error")).to_contain_text("不一致")
    erase.get_by_label("请输入本投诉的编号以确认删除").fill(tracking_no)
    erase.get_by_role("button", name="删除我的个人信息").click()
    expect(data_message).to_contain_text("您的个人信息已删除")
    expect(data_message).to_be_focused()
    expect(data).to_contain_text("已按您的要求删除")
    expect(data).not_to_contain_text("李小明")
    expect(tracker.locator('[data-result="status_label"]')).to_have_text("已结案")
    expect(panel.locator('[data-ss-when="nothing"]')).to_be_visible()
    expect(erase).to_be_hidden()

    # Then the server no longer returns the name
    status, held = request(
        running_portal.port,
        "GET",
        f"/api/complaints/{tracking_no}/personal-data",
        headers={"X-Access-Code": access_code},
    )
    assert status == 200
    assert held["personal_data"] == "erased"
    assert held["complainant"]["name"] is None
    # and no request left the portal's own origin
    own = (running_portal.url, "data:", f"blob:{running_portal.url}")
    foreign = [url for url in requested if not url.startswith(own)]
    assert foreign == []


def test_withdrawing_asks_first_and_a_wrong_code_hides_nothing_of_another_case(
    page: Page, running_portal: RunningPortal
) -> None:
    tracking_no, access_code = file_complaint(running_portal)
    panel = look_up(page, running_portal, tracking_no, access_code)
    withdraw = panel.locator("#ss-withdraw")

    # The first button only asks; 不撤回 goes back without sending anything
    withdraw.get_by_role("button", name="撤回投诉").click()
    confirm = withdraw.locator("[data-ss-confirm]")
    expect(confirm).to_be_focused()
    withdraw.get_by_role("button", name="不撤回").click()
    expect(confirm).to_be_hidden()
    expect(withdraw.get_by_role("button", name="撤回投诉")).to_be_focused()

    withdraw.get_by_role("button", name="撤回投诉").click()
    withdraw.get_by_role("button", name="确认撤回").click()
    expect(panel.locator('[data-ss-message="actions"]')).to_contain_text("投诉已撤回")
    expect(page.locator('#tracker-result [data-result="status_label"]')).to_have_text("已结案")
    expect(withdraw).to_be_hidden()
    expect(panel.locator("#ss-rating")).to_be_hidden()  # a withdrawn case is not rated

    # A lookup with a wrong code hides the panel of the case that was on screen
    page.get_by_label("查询码").fill("WRONGCDE")
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#tracker-form [data-status]")).not_to_be_empty()
    expect(panel).to_be_hidden()
