"""我要投诉 and 投诉查询 in a real browser, through the local gateway and the real handlers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import APIResponse, Locator, Page, Request, Route, expect

from tests.browser.conftest import RunningPortal
from tests.gateway_process import request

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fill_valid_complaint(page: Page) -> None:
    page.get_by_label("姓名").fill("王小红")
    page.get_by_label("手机号码").fill("13698765432")
    page.get_by_label("所在地区").select_option("zhejiang")
    page.get_by_label("经营者名称").fill("某某生鲜超市")
    page.get_by_label("商品或服务名称").fill("进口牛奶")
    page.get_by_label("商品或服务类别").select_option("food")
    page.get_by_label("购买日期").fill("2026-10-20")
    page.get_by_label("支付金额（元）").fill("68.50")
    page.get_by_label("问题类型").select_option("quality")
    page.get_by_label("事实经过").fill("购买的牛奶打开后发现已经变质结块，查看包装发现已超过保质期三天，商家拒绝退款。")
    page.get_by_label("退款").check()
    page.get_by_label("赔偿").check()
    page.locator("#f-consents-privacy").check()


def test_a_visitor_files_a_complaint_and_looks_it_up(page: Page, running_portal: RunningPortal) -> None:
    # Given the complaint page
    page.goto(f"{running_portal.url}/complaint/")

    # When a visitor fills in the form and submits it
    fill_valid_complaint(page)
    page.get_by_role("button", name="提交投诉").click()

    # Then the tracking number and access code are shown with a warning to keep them
    result = page.locator("#complaint-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text("查询码只显示这一次")
    tracking_no = result.locator('[data-result="tracking_no"]').inner_text()
    access_code = result.locator('[data-result="access_code"]').inner_text()
    assert re.fullmatch(r"TS-\d{4}-\d{4}-\d{4}", tracking_no)
    assert re.fullmatch(r"[2-9A-Z]{8}", access_code)
    expect(result.locator('[data-result="accept_by"]')).to_contain_text("2026")

    # When they follow the link to the tracking page and enter the access code
    page.get_by_role("link", name="查询进度").click()
    expect(page.get_by_label("投诉编号")).to_have_value(tracking_no)
    page.get_by_label("查询码").fill(access_code)
    page.get_by_role("button", name="查询").click()

    # Then they see the status, the deadline with its legal basis, and the timeline
    tracker = page.locator("#tracker-result")
    expect(tracker).to_be_visible()
    expect(tracker).to_contain_text("已提交，等待受理")
    expect(tracker).to_contain_text("第四十六条")
    expect(tracker).to_contain_text("投诉已登记")
    expect(tracker).not_to_contain_text("王小红")


def test_a_bad_phone_number_gets_an_inline_error_next_to_the_field(page: Page, running_portal: RunningPortal) -> None:
    page.goto(f"{running_portal.url}/complaint/")
    fill_valid_complaint(page)
    page.get_by_label("手机号码").fill("1234567")

    page.get_by_role("button", name="提交投诉").click()

    phone = page.get_by_label("手机号码")
    expect(page.locator("#f-complainant-phone-error")).to_have_text("请填写 11 位中国大陆手机号码，例如 13800138000")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_be_focused()
    expect(page.locator("#complaint-result")).to_be_hidden()

    # and the summary at the top links to the field
    page.get_by_label("事实经过").focus()
    page.locator("#complaint-form-summary").get_by_role("link", name="请填写 11 位中国大陆手机号码").click()
    expect(phone).to_be_focused()


def test_the_server_s_field_errors_are_shown_next_to_the_field(page: Page, running_portal: RunningPortal) -> None:
    # Given a form whose privacy notice version is outdated (the notice changed after the page loaded)
    page.goto(f"{running_portal.url}/complaint/")
    fill_valid_complaint(page)
    page.locator('input[name="consents.privacy_notice_version"]').evaluate("input => input.value = '2000-01-01'")

    page.get_by_role("button", name="提交投诉").click()

    expect(page.locator("#f-consents-privacy-notice-version-error")).to_contain_text("隐私声明已更新")
    expect(page.locator("#complaint-form-summary")).to_contain_text("1 处需要修改")


def test_a_lost_response_is_retried_with_the_same_key_and_files_one_complaint(
    page: Page, running_portal: RunningPortal
) -> None:
    # Given a connection that drops the answer to the first submission after the server got it
    posts: list[Request] = []
    dropped: list[APIResponse] = []

    def drop_first_answer(route: Route) -> None:
        posts.append(route.request)
        if not dropped:
            dropped.append(route.fetch())  # the server registers the complaint…
            route.abort("connectionreset")  # …but the browser never hears back
        else:
            route.continue_()

    page.route("**/api/complaints", drop_first_answer)
    page.goto(f"{running_portal.url}/complaint/")
    fill_valid_complaint(page)

    # When the visitor submits once
    page.get_by_role("button", name="提交投诉").click()

    # Then the form retries with the same Idempotency-Key and shows the complaint the server registered
    result = page.locator("#complaint-result")
    expect(result).to_be_visible()
    first_answer = dropped[0].json()
    expect(result.locator('[data-result="tracking_no"]')).to_have_text(first_answer["tracking_no"])
    keys = {post.headers["idempotency-key"] for post in posts}
    assert len(posts) == 2
    assert len(keys) == 1


def test_the_submit_button_cannot_send_twice(page: Page, running_portal: RunningPortal) -> None:
    posts: list[str] = []
    page.on("request", lambda req: posts.append(req.url) if req.method == "POST" else None)
    page.goto(f"{running_portal.url}/complaint/")
    fill_valid_complaint(page)

    # When the button is clicked three times in a row
    disabled_while_sending = page.evaluate(
        "() => { const b = document.querySelector('[data-submit]');"
        " b.click(); b.click(); b.click(); return b.disabled; }"
    )

    # Then it is disabled while the first submission is on its way, and only one request is sent
    expect(page.locator("#complaint-result")).to_be_visible()
    assert disabled_while_sending is True
    assert len(posts) == 1


def tab_to(page: Page, target: Locator, most: int = 6) -> None:
    """Press Tab until `target` has focus: it must be reachable in a few presses, in reading order."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with Tab")


def test_the_complaint_form_works_with_the_keyboard_alone(page: Page, running_portal: RunningPortal) -> None:
    # Given the complaint page, with the keyboard as the only input device
    page.goto(f"{running_portal.url}/complaint/")
    keyboard = page.keyboard
    steps = [
        ("complainant.name", "赵强"),
        ("complainant.phone", "13512341234"),
        ("complainant.region", "select:hubei"),
        ("business.name", "某培训机构"),
        ("product.name", "英语培训课程"),
        ("product.category", "select:education_training"),
        ("product.purchased_on", "date"),
        ("product.amount", "3000"),
        ("issue_type", "select:contract"),
        ("description", "报名时承诺不满意随时退费，上课两次后申请退费，机构以合同条款为由拒绝退还剩余费用。"),
    ]

    # When they move through the form with Tab, type, choose with the arrow keys, tick with Space
    for position, (name, entry) in enumerate(steps):
        control = page.locator(f'#complaint-form [name="{name}"]')
        # the first field comes after the skip link, the header and the navigation
        tab_to(page, control, most=80 if position == 0 else 4)
        if entry.startswith("select:"):
            wanted = entry.removeprefix("select:")
            for _ in range(60):
                if control.input_value() == wanted:
                    break
                keyboard.press("ArrowDown")
            assert control.input_value() == wanted
        elif entry == "date":
            for key in ("ArrowUp", "ArrowRight", "ArrowUp", "ArrowRight", "ArrowUp"):
                keyboard.press(key)  # each part of the date steps to 1 or to this year: a past date
        else:
            keyboard.type(entry)
    tab_to(page, page.get_by_label("退款"))
    keyboard.press("Space")
    tab_to(page, page.locator("#f-consents-privacy"), most=8)
    keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="提交投诉"), most=6)
    keyboard.press("Enter")

    # Then the complaint is registered and focus moves to the result, where a screen reader reads it
    result = page.locator("#complaint-result")
    expect(result).to_be_visible()
    expect(result).to_be_focused()
    expect(result).to_contain_text("TS-")


def search_chinese(page: Page, query: str) -> None:
    page.keyboard.press("/")  # Material's shortcut for the search box, on any screen size
    box = page.locator("input.md-search__input")
    box.fill(query)  # what an input method commits; the key that follows makes the search run
    box.press("End")


def test_chinese_search_finds_the_guide(page: Page, running_portal: RunningPortal) -> None:
    page.goto(f"{running_portal.url}/")
    search_chinese(page, "无理由退货")
    expect(page.locator(".md-search-result__item").first).to_contain_text("七日无理由退货")


PAGES = [
    "/",
    "/guides/",
    "/guides/seven-day-return/",
    "/warnings/",
    "/warnings/2026-03-campus-loans/",
    "/cases/",
    "/cases/2026-food-expired/",
    "/events/",
    "/surveys/",
    "/complaint/",
    "/track/",
    "/privacy/",
    "/no-such-page/",
]


def test_no_page_makes_a_request_to_another_origin(page: Page, running_portal: RunningPortal) -> None:
    # Given a record of every request the browser makes
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))

    # When every kind of page is opened, and search is used (it loads its worker and index on demand)
    for path in PAGES:
        page.goto(f"{running_portal.url}{path}")
    page.goto(f"{running_portal.url}/")
    search_chinese(page, "七日无理由退货")
    expect(page.locator(".md-search-result__item").first).to_be_visible()

    # Then every request went to the portal itself
    foreign = [url for url in requested if not url.startswith(running_portal.url) and not url.startswith("data:")]
    assert foreign == []
    assert len(requested) > len(PAGES)


def test_the_gateway_serves_the_site_and_the_api_on_one_origin(running_portal: RunningPortal) -> None:
    status, document = request(running_portal.port, "GET", "/api/openapi.json")
    assert status == 200
    assert document["info"]["title"]
