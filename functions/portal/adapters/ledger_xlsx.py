"""The complaint ledger as an Excel workbook: typed dates and amounts, text that can never run as a formula."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from portal.domain.ledger import LEDGER_COLUMNS, LedgerCell, ledger_rows, neutralise
from portal.domain.reporting import CaseRecord

SHEET_TITLE = "投诉台账"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "0.00"
WRAPPED_COLUMNS = frozenset({"description", "demands", "handling_result"})
MIN_WIDTH, MAX_WIDTH = 8, 50  # Excel character units; a Chinese character takes two


def ledger_workbook(records: Iterable[CaseRecord], *, title: str) -> bytes:
    """One sheet with a bold, frozen header row and an autofilter; returns the .xlsx file's bytes."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    sheet: Worksheet = workbook.create_sheet(SHEET_TITLE)
    workbook.properties.title = title

    rows = ledger_rows(records)
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for column, (key, header) in enumerate(LEDGER_COLUMNS, start=1):
        sheet.cell(row=1, column=column, value=header).font = bold
        values = [row[column - 1] for row in rows]
        for row_number, value in enumerate(values, start=2):
            if value is not None:
                _write(sheet, row_number, column, value, wrapped if key in WRAPPED_COLUMNS else None)
        sheet.column_dimensions[get_column_letter(column)].width = _width(header, values)

    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(LEDGER_COLUMNS))}{len(rows) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(sheet: Worksheet, row: int, column: int, value: LedgerCell, alignment: Alignment | None) -> None:
    if isinstance(value, datetime):  # before date: a datetime is a date too
        # Already China time; Excel has no time zones, so openpyxl refuses aware datetimes.
        sheet.cell(row=row, column=column, value=value.replace(tzinfo=None)).number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        sheet.cell(row=row, column=column, value=value).number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        sheet.cell(row=row, column=column, value=value).number_format = AMOUNT_FORMAT
    elif isinstance(value, str):
        cell = sheet.cell(row=row, column=column, value=neutralise(value))
        cell.data_type = "s"  # never a formula, whatever the text looks like
        if alignment is not None:
            cell.alignment = alignment


def _width(header: str, values: list[LedgerCell]) -> int:
    longest = max([_display_width(header), *(_display_width(_as_text(value)) for value in values)])
    return min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)


def _as_text(value: LedgerCell) -> str:
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm"
    if isinstance(value, date):
        return "yyyy-mm-dd"
    return "" if value is None else str(value)


def _display_width(text: str) -> int:
    first_line = text.split("\n", 1)[0]
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in first_line)
