"""投诉办理工作台 in a real browser: an organizer signs in with the token and handles complaints end to end."""

from __future__ import annotations

import json
import re
import secrets
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect

from tests.browser.conftest import RunningPortal
from tests.conftest import complaint_payload
from tests.gateway_process import request

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRACKING_NO = re.compile(r"TS-\d{4}-\d{4}-\d{4}")
COMPLAINANT = "李小明"  # the name in tests.conftest.VALID_COMPLAINT


@pytest.fixture(scope="module")
def token(running_portal: RunningPortal) -> str:
    return (running_portal.state / "admin-token").read_text(encoding="utf-8").strip()


@pytest.fixture
def requested(page: Page) -> list[str]:
    """Every URL the page asks for, to check that nothing goes to another host."""
    urls: list[str] = []
    page.on("request", lambda req: urls.append(req.url))
    return urls


def other_hosts(urls: list[str], portal: RunningPortal) -> list[str]:
    return [url for url in urls if not url.startswith(portal.url + "/") and not url.startswith(("data:", "blob:"))]


def unique_business() -> str:
    return f"工作台测试{secrets.token_hex(4)}数码店"


def file_complaint(portal: RunningPortal, business: str, **changes: object) -> str:
    status, body = request(
        portal.port, "POST", "/api/complaints", complaint_payload(business__name=business, **changes)
    )
    assert status == 201, body
    return str(body["tracking_no"])


def sign_in(page: Page, portal: RunningPortal, token: str) -> None:
    page.goto(f"{portal.url}/organizer/")
    page.get_by_label("组织者令牌").fill(token)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#org-workspace")).to_be_visible()


def search(page: Page, text: str) -> None:
    box = page.locator("#org-filter-form [name=q]")
    box.fill(text)
    box.press("Enter")
    expect(page.locator("#org-filter-form [data-status]")).to_contain_text(f"搜索“{text}”：")


def row(page: Page, tracking_no: str) -> Locator:
    return page.locator(f'.org-case__open[data-open="{tracking_no}"]')


def open_case(page: Page, tracking_no: str, business: str) -> Locator:
    search(page, business)
    row(page, tracking_no).click()
    detail = page.locator("#org-detail")
    expect(page.locator("#org-detail-title")).to_have_text(f"投诉 {tracking_no}")
    return detail


def act(page: Page, action: str, note: str = "", confirm: str = "") -> None:
    """Use one of the detail's action buttons with the mouse, and confirm it."""
    page.locator("[data-action-buttons]").get_by_role("button", name=action, exact=True).click()
    form = page.locator("#org-action-form")
    expect(form).to_be_visible()
    if note:
        form.locator("[name=note]").fill(note)
    form.get_by_role("button", name=confirm or f"确认{action}").click()
    expect(form).to_be_hidden()


def expect_status(detail: Locator, label: str) -> None:
    expect(detail.locator(".org-detail__status .org-badge").first).to_have_text(label)


def unlabelled_controls(page: Page) -> list[str]:
    """The console's visible controls that a screen reader could not name."""
    found: list[str] = page.evaluate(
        """() => Array.from(document.querySelectorAll(
              '#organizer-console input, #organizer-console select, #organizer-console textarea,'
              + ' #organizer-console button'))
            .filter((c) => c.offsetParent !== null)
            .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
                           && !(c.tagName === 'BUTTON' && c.textContent.trim()))
            .map((c) => c.outerHTML.slice(0, 80))"""
    )
    return found


def tab_to(page: Page, target: Locator, most: int = 12) -> None:
    """Press Tab until `target` has focus: it must be reachable in a few presses, in reading order."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with Tab")


def test_without_a_token_the_console_asks_for_one_and_its_html_holds_no_complaint(
    page: Page, running_portal: RunningPortal, built_site: Path, requested: list[str]
) -> None:
    # Given a complaint on file
    business = unique_business()
    tracking_no = file_complaint(running_portal, business)

    # When the console page itself is fetched
    with urllib.request.urlopen(f"{running_portal.url}/organizer/", timeout=10) as response:
        html = response.read().decode("utf-8")

    # Then it is an empty frame: no tracking number, name, phone or business, and it is not in the search index
    assert "organizer-console" in html
    assert not TRACKING_NO.search(html)
    for secret in (tracking_no, COMPLAINANT, "13912345678", business):
        assert secret not in html
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [doc["location"] for doc in index["docs"] if doc["location"].startswith("organizer/")]

    # When someone opens it in a browser without a token
    page.goto(f"{running_portal.url}/organizer/")

    # Then only the sign-in form is shown, with the token field and where to find the token
    expect(page.get_by_label("组织者令牌")).to_be_visible()
    expect(page.get_by_label("组织者令牌")).to_have_attribute("type", "password")
    expect(page.locator("#org-signin")).to_contain_text("var/admin-token")
    expect(page.locator("#org-workspace")).to_be_hidden()

    # When a wrong token is entered
    page.get_by_label("组织者令牌").fill("not-the-token")
    page.get_by_role("button", name="登录").click()

    # Then the 401 message is shown, nothing is kept, and no case was loaded
    expect(page.locator("#org-signin-form [data-status]")).to_contain_text("需要组织者登录")
    expect(page.get_by_label("组织者令牌")).to_be_focused()
    expect(page.locator("#org-workspace")).to_be_hidden()
    assert page.evaluate("() => sessionStorage.length") == 0
    assert not page.locator(".org-case").count()
    assert other_hosts(requested, running_portal) == []


def test_an_organizer_takes_a_complaint_from_submitted_to_closed(
    page: Page, running_portal: RunningPortal, token: str, requested: list[str]
) -> None:
    # Given a complaint filed through the API, and the organizer signed in
    business = unique_business()
    tracking_no = file_complaint(running_portal, business)
    sign_in(page, running_portal, token)
    assert page.evaluate("() => Object.keys(sessionStorage)") == ["portal.organizer.token"]
    page.reload()  # the token lasts as long as the tab
    expect(page.locator("#org-workspace")).to_be_visible()

    # When they find it by text search
    search(page, business)

    # Then it is in the list, waiting for acceptance
    found = row(page, tracking_no)
    expect(found).to_contain_text("已提交，等待受理")
    expect(found).to_contain_text("电脑及数码产品")
    expect(page.locator("#org-filter-form [data-status]")).to_have_text(f"搜索“{business}”：共 1 件，第 1–1 件")

    # When they open it and accept it with the keyboard alone
    tab_to(page, found, most=6)
    page.keyboard.press("Enter")
    detail = page.locator("#org-detail")
    expect(page.locator("#org-detail-title")).to_be_focused()
    expect(detail).to_contain_text(COMPLAINANT)
    expect(detail).to_contain_text("13912345678")
    expect(detail).to_contain_text("查看已记入访问日志")
    expect(detail.locator("details.org-access-log")).to_contain_text("办理查看")
    assert unlabelled_controls(page) == []
    accept = detail.get_by_role("button", name="受理", exact=True)
    tab_to(page, accept)
    page.keyboard.press("Enter")
    note = page.locator("#org-action-form [name=note]")
    expect(note).to_be_focused()
    page.keyboard.type("材料齐全，予以受理")
    expect(page.locator("#org-action-form [name=public]")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="确认受理"), most=3)
    page.keyboard.press("Enter")

    # Then the status and the timeline show it, and focus stays in the work area
    expect_status(detail, "已受理")
    timeline = detail.locator("[data-timeline]")
    expect(timeline).to_contain_text("材料齐全，予以受理")
    expect(page.locator("#org-detail-status")).to_have_text("已受理，当前状态：已受理。")
    expect(page.locator("#org-work-title")).to_be_focused()
    expect(detail.get_by_role("button", name="受理", exact=True)).to_have_count(0)

    # When they ask for materials, confirm them on the complainant's behalf, and start mediation
    act(page, "要求补充材料", "请补充购买发票的照片")
    expect_status(detail, "等待投诉人补充材料（暂停计时）")
    expect(timeline).to_contain_text("请补充购买发票的照片")
    act(page, "代投诉人确认已补充材料", confirm="确认已补充材料")
    expect_status(detail, "已受理")
    expect(timeline.locator("li")).to_have_count(4)
    expect(timeline.locator("li").last).to_contain_text("补充材料")
    act(page, "开始调解", "已联系经营者")
    expect_status(detail, "调解中")
    expect(timeline.locator("li").last).to_contain_text("开始调解")

    # And close it as settled with 120.50 recovered
    page.locator("[data-action-buttons]").get_by_role("button", name="结案", exact=True).click()
    form = page.locator("#org-action-form")
    form.locator("[name=outcome]").select_option("settled")
    form.locator("[name=amount_recovered]").fill("120.50")
    form.locator("[name=note]").fill("经营者同意退款")
    form.get_by_role("button", name="确认结案").click()

    # Then it is closed, settled, with the amount, every step in the timeline and no action left
    expect_status(detail, "已结案")
    expect(timeline).to_contain_text("已结案：调解成功")
    expect(timeline.locator("li")).to_have_count(6)
    expect(detail.locator(".org-dl")).to_contain_text(["120.50 元"])
    expect(page.locator("[data-actions-none]")).to_have_text("当前状态下没有可以执行的办理操作。")
    expect(page.locator("[data-action-buttons] button")).to_have_count(0)

    # And back in the list the row says so, with focus on it
    page.get_by_role("button", name="返回列表").click()
    expect(row(page, tracking_no)).to_contain_text("已结案")
    expect(row(page, tracking_no)).to_be_focused()
    expect(page.locator("[data-detail]")).to_be_empty()

    # And signing out forgets the token and the data
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_label("组织者令牌")).to_be_visible()
    assert page.evaluate("() => sessionStorage.length") == 0
    expect(page.locator(".org-case")).to_have_count(0)
    assert other_hosts(requested, running_portal) == []


@pytest.fixture
def second_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_acting_on_a_stale_version_shows_the_conflict_and_reloads_the_case(
    page: Page, second_context: BrowserContext, running_portal: RunningPortal, token: str
) -> None:
    # Given two organizers (a phone and a laptop) looking at the same new complaint
    business = unique_business()
    tracking_no = file_complaint(running_portal, business)
    laptop = second_context.new_page()
    sign_in(page, running_portal, token)
    sign_in(laptop, running_portal, token)
    phone_detail = open_case(page, tracking_no, business)
    laptop_detail = open_case(laptop, tracking_no, business)

    # When the first accepts it
    act(page, "受理")
    expect_status(phone_detail, "已受理")

    # And the second, still looking at the old version, asks for materials
    act(laptop, "要求补充材料", "请补充聊天记录")

    # Then the second is told someone else changed it, and sees the case as it is now
    expect(laptop.locator("#org-detail-status")).to_contain_text("这件投诉刚被其他人更新过")
    expect_status(laptop_detail, "已受理")
    expect(laptop_detail.locator("[data-timeline]")).not_to_contain_text("请补充聊天记录")
    expect(laptop.locator("#org-work-title")).to_be_focused()


def test_the_ledger_downloads_as_xlsx_and_as_csv_with_a_bom(
    page: Page, running_portal: RunningPortal, token: str, requested: list[str]
) -> None:
    # Given a complaint in the period and the organizer signed in
    file_complaint(running_portal, unique_business())
    sign_in(page, running_portal, token)
    ledger = page.locator("#org-ledger-form")

    # When they export Excel
    with page.expect_download() as excel:
        ledger.get_by_role("button", name="导出 Excel (.xlsx)").click()

    # Then a workbook arrives under the server's file name
    assert excel.value.suggested_filename.startswith("complaint-ledger-")
    assert excel.value.suggested_filename.endswith(".xlsx")
    assert Path(excel.value.path()).read_bytes()[:2] == b"PK"
    expect(ledger.locator("[data-status]")).to_contain_text("已导出")

    # When they export CSV, the file starts with the UTF-8 BOM that Excel and WPS need
    with page.expect_download() as csv:
        ledger.get_by_role("button", name="导出 CSV").click()
    assert csv.value.suggested_filename.endswith(".csv")
    content = Path(csv.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert "投诉编号" in content.decode("utf-8-sig")
    assert other_hosts(requested, running_portal) == []


def test_statistics_for_publication_hide_small_counts(
    page: Page, running_portal: RunningPortal, token: str, requested: list[str]
) -> None:
    # Given a complaint from a region nobody else complains from, and the organizer signed in
    file_complaint(running_portal, unique_business(), complainant__region="tibet")
    sign_in(page, running_portal, token)
    form = page.locator("#org-stats-form")
    stats = page.locator("[data-stats]")
    region_row = stats.locator("table", has_text="按地区").locator("tr", has_text="西藏自治区")

    # When they look at the statistics as they are
    form.get_by_role("button", name="查看统计").click()

    # Then every count is shown
    expect(region_row).to_contain_text("1")
    expect(stats).not_to_contain_text("<5")

    # When they ask for the version for publication
    form.get_by_label("用于公开发布（隐去小于5的数）").check()
    form.get_by_role("button", name="查看统计").click()

    # Then counts under five are shown as "<5"
    expect(stats).to_contain_text("公开发布版")
    expect(region_row.locator("td")).to_have_text("<5")
    expect(stats.locator("table", has_text="投诉热点")).to_be_visible()
    assert other_hosts(requested, running_portal) == []


def test_an_organizer_assigns_notes_and_groups_complaints(
    page: Page, running_portal: RunningPortal, token: str
) -> None:
    # Given two complaints about the same business
    business = unique_business()
    first = file_complaint(running_portal, business)
    second = file_complaint(running_portal, business)
    sign_in(page, running_portal, token)
    search(page, business)

    # When they tick both and group them
    page.get_by_label(f"选择投诉 {first}").check()
    page.get_by_label(f"选择投诉 {second}").check()
    expect(page.locator("[data-selected-count]")).to_have_text("已选 2 件")
    page.get_by_role("button", name="归为群体性投诉").click()

    # Then both rows carry the group badge
    expect(page.locator("#org-group-form [data-status]")).to_contain_text("已将 2 件投诉归为群体性投诉")
    expect(row(page, first).locator(".org-badge--group")).to_have_text("群体")
    expect(row(page, second).locator(".org-badge--group")).to_have_text("群体")

    # When they open one, assign it, add an internal note and mark it a duplicate of the other
    row(page, second).click()
    detail = page.locator("#org-detail")
    page.locator("details.org-more > summary").click()
    page.locator("#org-assign-form [name=handler]").fill("张老师")
    page.get_by_role("button", name="指派").click()
    expect(page.locator("#org-assign-form [data-status]")).to_have_text("已指派给 张老师。")
    page.locator("#org-note-form [name=text]").fill("已电话联系经营者")
    page.get_by_role("button", name="保存备注").click()
    expect(page.locator("#org-note-form [data-status]")).to_have_text("已添加内部备注。")
    page.locator("#org-duplicate-form [name=original]").fill("TS-0000-0000-0000")
    page.get_by_role("button", name="标记为重复投诉").click()
    expect(page.locator("#org-duplicate-original-error")).to_be_visible()
    expect(page.locator("#org-duplicate-form [name=original]")).to_be_focused()
    page.locator("#org-duplicate-form [name=original]").fill(first)
    page.get_by_role("button", name="标记为重复投诉").click()

    # Then the detail and the list show all of it, the note marked internal
    expect(page.locator("#org-duplicate-form [data-status]")).to_have_text(f"已标记为 {first} 的重复投诉。")
    expect(detail.locator(".org-event--internal")).to_contain_text(["指派", "已电话联系经营者"])
    expect(detail.locator(".org-dl").nth(3)).to_contain_text("张老师")
    page.get_by_role("button", name="返回列表").click()
    expect(row(page, second).locator(".org-badge--duplicate")).to_have_text("重复")
    expect(row(page, second)).to_contain_text("办理人 张老师")


def test_a_401_from_any_call_returns_to_the_sign_in_form(page: Page, running_portal: RunningPortal, token: str) -> None:
    # Given a signed-in organizer whose token is then replaced on the server
    sign_in(page, running_portal, token)
    refused = {"code": "unauthorized", "message": "令牌已失效，请重新登录"}
    page.route(
        "**/api/admin/statistics?*",
        lambda route: route.fulfill(
            status=401, content_type="application/json", body=json.dumps(refused, ensure_ascii=False)
        ),
    )

    # When the next call is refused
    page.locator("#org-stats-form").get_by_role("button", name="查看统计").click()

    # Then the console forgets the token and the cases, and asks for the token again with the server's message
    expect(page.locator("#org-signin-form [data-status]")).to_have_text("令牌已失效，请重新登录")
    expect(page.get_by_label("组织者令牌")).to_be_focused()
    expect(page.locator("#org-workspace")).to_be_hidden()
    expect(page.locator(".org-case")).to_have_count(0)
    assert page.evaluate("() => sessionStorage.length") == 0


def test_a_note_whose_answer_is_lost_is_retried_with_the_same_key_and_saved_once(
    page: Page, running_portal: RunningPortal, token: str
) -> None:
    # Given an open case, and a connection that loses the answer to the first note request
    business = unique_business()
    number = file_complaint(running_portal, business)
    sign_in(page, running_portal, token)
    open_case(page, number, business)
    keys: list[str] = []

    def lose_first_answer(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) == 1:
            route.fetch()  # the server saves the note...
            route.abort("connectionreset")  # ...but the answer never arrives
        else:
            route.continue_()

    page.route(f"**/api/admin/complaints/{number}/notes", lose_first_answer)

    # When the organizer saves a note
    page.locator("details.org-more > summary").click()
    page.locator("#org-note-form [name=text]").fill("断网重试测试备注")
    page.get_by_role("button", name="保存备注").click()

    # Then the console retried with the same key, and the case holds the note once
    expect(page.locator("#org-note-form [data-status]")).to_have_text("已添加内部备注。")
    assert len(keys) == 2
    assert keys[0] == keys[1] != ""
    status, detail = request(
        running_portal.port, "GET", f"/api/admin/complaints/{number}", headers={"Authorization": f"Bearer {token}"}
    )
    assert status == 200
    assert [entry["detail"] for entry in detail["timeline"]].count("断网重试测试备注") == 1
