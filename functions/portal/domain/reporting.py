"""A complaint as the ledger and the statistics see it: codes with their labels, personal data possibly erased.

The ledger lives in `portal.domain.ledger`, the statistics in `portal.domain.statistics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

STATUSES = frozenset({"submitted", "accepted", "rejected", "waiting_for_complainant", "mediating", "closed"})
OUTCOMES = frozenset({"settled", "not_settled", "withdrawn", "rejected"})
SATISFACTION_LABELS: Mapping[str, str] = {"satisfied": "满意", "partly": "部分满意", "not_satisfied": "不满意"}


@dataclass(frozen=True)
class CaseRecord:
    """One complaint. The complainant fields are None once personal data was erased or withheld."""

    tracking_no: str
    received_at: datetime
    status: str
    status_label: str
    category: str
    category_label: str
    issue_type: str
    issue_type_label: str
    region: str
    region_label: str
    business_name: str
    product_name: str
    purchased_on: date
    amount: Decimal
    description: str
    demands: tuple[str, ...]
    accepted_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    outcome_label: str | None
    amount_recovered: Decimal | None
    overdue: bool
    satisfaction: str | None
    group_id: str | None
    complainant_name: str | None
    complainant_phone: str | None
    complainant_email: str | None
    handling_result: str | None

    def __post_init__(self) -> None:
        # Statistics group by the China date, which a naive time cannot give.
        for name in ("received_at", "accepted_at", "closed_at"):
            moment = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"{name} must carry a time zone")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if self.satisfaction is not None and self.satisfaction not in SATISFACTION_LABELS:
            raise ValueError(f"unknown satisfaction {self.satisfaction!r}")
