"""The complaint ledger (投诉台账): one row per complaint, and a CSV that Excel and WPS open as it is."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from portal.domain.reporting import SATISFACTION_LABELS, CaseRecord
from portal.domain.working_days import CHINA_TZ

LedgerCell = str | Decimal | datetime | date | None

LEDGER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tracking_no", "投诉编号"),
    ("received_at", "登记时间"),
    ("complainant_name", "投诉人姓名"),
    ("complainant_phone", "联系电话"),
    ("complainant_email", "电子邮箱"),
    ("region", "所在地区"),  # stands in for the address: the form collects only a region
    ("business_name", "经营者"),
    ("product_name", "商品或服务名称"),
    ("category", "类别"),
    ("purchased_on", "购买日期"),
    ("amount", "金额（元）"),
    ("issue_type", "问题类型"),
    ("description", "事实与理由"),
    ("demands", "诉求"),
    ("status", "状态"),
    ("handling_result", "处理结果"),
    ("outcome", "结案方式"),
    ("amount_recovered", "挽回金额（元）"),
    ("closed_at", "结案时间"),
    ("satisfaction", "满意度"),
)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection guidance
# C0 controls no spreadsheet cell can hold; removed first, so "\x00=cmd" cannot become "=cmd" later.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CENT = Decimal("0.01")


def neutralise(value: str) -> str:
    """Text a spreadsheet shows as text: a leading formula trigger gets an apostrophe in front."""
    text = _UNWRITABLE.sub("", value)
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def ledger_rows(records: Iterable[CaseRecord]) -> list[list[LedgerCell]]:
    """Rows in LEDGER_COLUMNS order, oldest complaint first; times in China time, text not yet neutralised."""
    ordered = sorted(records, key=lambda record: (record.received_at, record.tracking_no))
    return [_row(record) for record in ordered]


def ledger_csv(records: Iterable[CaseRecord]) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel and WPS detect the encoding; every text cell neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in LEDGER_COLUMNS])
    writer.writerows([_csv_text(cell) for cell in row] for row in ledger_rows(records))
    return buffer.getvalue().encode("utf-8-sig")


def _row(record: CaseRecord) -> list[LedgerCell]:
    values: dict[str, LedgerCell] = {
        "tracking_no": record.tracking_no,
        "received_at": record.received_at.astimezone(CHINA_TZ),
        "complainant_name": record.complainant_name,
        "complainant_phone": record.complainant_phone,
        "complainant_email": record.complainant_email,
        "region": record.region_label,
        "business_name": record.business_name,
        "product_name": record.product_name,
        "category": record.category_label,
        "purchased_on": record.purchased_on,
        "amount": record.amount,
        "issue_type": record.issue_type_label,
        "description": record.description,
        "demands": "、".join(record.demands),
        "status": record.status_label,
        "handling_result": record.handling_result,
        "outcome": record.outcome_label,
        "amount_recovered": record.amount_recovered,
        "closed_at": record.closed_at.astimezone(CHINA_TZ) if record.closed_at else None,
        "satisfaction": SATISFACTION_LABELS[record.satisfaction] if record.satisfaction else None,
    }
    return [values[key] for key, _ in LEDGER_COLUMNS]


def _csv_text(cell: LedgerCell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):  # before date: a datetime is a date too
        return cell.strftime("%Y-%m-%d %H:%M")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, Decimal):
        return f"{cell.quantize(_CENT, ROUND_HALF_UP):f}"
    return neutralise(cell)
