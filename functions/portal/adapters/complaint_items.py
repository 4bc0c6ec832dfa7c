"""A complaint as one DynamoDB item and back; the personal fields travel sealed in one binary attribute."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import Binary

from portal.domain.complaints import (
    FINAL_STATUSES,
    Business,
    Complainant,
    Complaint,
    ComplaintForm,
    ComplaintStatus,
    ConsentChange,
    Consents,
    PersonalData,
    Product,
    Rating,
    TimelineEntry,
)
from portal.domain.working_days import CHINA_TZ
from portal.ports import PersonalDataCipher

CASE_SK = "CASE"
OPEN_SHARDS = 8


def complaint_key(tracking_no: str) -> dict[str, Any]:
    return {"pk": {"S": f"COMPLAINT#{tracking_no}"}, "sk": {"S": CASE_SK}}


def month_key(day: date | datetime) -> str:
    return f"MONTH#{day:%Y-%m}"


def open_shard(tracking_no: str) -> str:
    return f"OPEN#{int(hashlib.sha256(tracking_no.encode()).hexdigest(), 16) % OPEN_SHARDS}"


def to_item(complaint: Complaint, cipher: PersonalDataCipher) -> dict[str, Any]:
    """Plain Python values for TypeSerializer; a withheld complaint cannot be written."""
    if complaint.personal_data is PersonalData.WITHHELD:
        raise ValueError("a complaint loaded without its personal data cannot be saved")
    form = complaint.form
    received = complaint.received_at.astimezone(CHINA_TZ)
    case = {
        "rule_set_id": complaint.rule_set_id,
        "region": form.complainant.region,
        "business": {"name": form.business.name, "address": form.business.address, "platform": form.business.platform},
        "product": {
            "name": form.product.name,
            "category": form.product.category,
            "purchased_on": form.product.purchased_on.isoformat(),
            "amount": str(form.product.amount),
        },
        "issue_type": form.issue_type,
        "description": form.description,
        "demands": list(form.demands),
        "consents": {
            "privacy_notice_version": form.consents.privacy_notice_version,
            "forward_to_business": form.consents.forward_to_business,
            "publish_case": form.consents.publish_case,
        },
        "consent_log": [
            {"consent": c.consent, "granted": c.granted, "at": c.at.isoformat(), "version": c.privacy_notice_version}
            for c in complaint.consent_log
        ],
        "timeline": [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "status": e.status.value,
                "note": e.note,
                "actor": e.actor,
                "public": e.public,
                "detail": e.detail,
            }
            for e in complaint.timeline
        ],
        **_optional(complaint),
    }
    # Only keys, conditions and TTL are attributes of their own; the rest is one JSON document, which is
    # smaller to store and far cheaper to (de)serialize than nested maps, in moto above all.
    item: dict[str, Any] = {
        **{key: value["S"] for key, value in complaint_key(complaint.tracking_no).items()},
        "gsi1pk": month_key(received),
        "gsi1sk": f"{received.isoformat()}#{complaint.tracking_no}",
        "tracking_no": complaint.tracking_no,
        "status": complaint.status.value,
        "version": complaint.version,
        "received_at": received.isoformat(),
        "access_code_hash": complaint.access_code_hash,
        "personal_data_state": complaint.personal_data.value,
        "case": json.dumps(case, ensure_ascii=False, separators=(",", ":")),
    }
    if complaint.expires_at:
        item["expires_at"] = int(complaint.expires_at.timestamp())
    if complaint.status not in FINAL_STATUSES:
        item["gsi2pk"] = open_shard(complaint.tracking_no)
        item["gsi2sk"] = item["gsi1sk"]
    if complaint.personal_data is PersonalData.PRESENT:
        personal = {
            "name": form.complainant.name,
            "phone": form.complainant.phone,
            "email": form.complainant.email,
            "order_no": form.product.order_no,
        }
        sealed = cipher.seal(json.dumps(personal, ensure_ascii=False).encode(), complaint.tracking_no)
        item["personal_data"] = Binary(sealed)
    return item


def _optional(complaint: Complaint) -> dict[str, Any]:
    values: dict[str, Any] = {
        "assignee": complaint.assignee,
        "duplicate_of": complaint.duplicate_of,
        "group_id": complaint.group_id,
        "reject_reason": complaint.reject_reason,
        "outcome": complaint.outcome,
        "amount_recovered": str(complaint.amount_recovered) if complaint.amount_recovered is not None else None,
    }
    if complaint.rating:
        rating = complaint.rating
        values["rating"] = {"level": rating.level, "comment": rating.comment, "at": rating.at.isoformat()}
    return {name: value for name, value in values.items() if value is not None}


def from_item(stored: dict[str, Any], cipher: PersonalDataCipher, *, with_personal_data: bool) -> Complaint:
    item = {**stored, **json.loads(stored["case"])}
    tracking_no = item["tracking_no"]
    state = PersonalData(item.get("personal_data_state", PersonalData.PRESENT.value))
    personal: dict[str, Any] = {"name": "", "phone": "", "email": None, "order_no": None}
    if state is PersonalData.PRESENT and with_personal_data:
        personal = json.loads(cipher.open(bytes(item["personal_data"]), tracking_no))
    elif state is PersonalData.PRESENT:
        state = PersonalData.WITHHELD
    business, product, consents = item["business"], item["product"], item["consents"]
    form = ComplaintForm(
        complainant=Complainant(personal["name"], personal["phone"], personal["email"], item["region"]),
        business=Business(business["name"], business.get("address"), business.get("platform")),
        product=Product(
            name=product["name"],
            category=product["category"],
            purchased_on=date.fromisoformat(product["purchased_on"]),
            amount=Decimal(product["amount"]),
            order_no=personal["order_no"],
        ),
        issue_type=item["issue_type"],
        description=item["description"],
        demands=tuple(item["demands"]),
        consents=Consents(
            consents["privacy_notice_version"], consents["forward_to_business"], consents["publish_case"]
        ),
    )
    rating = item.get("rating")
    return Complaint(
        tracking_no=tracking_no,
        access_code_hash=item["access_code_hash"],
        status=ComplaintStatus(item["status"]),
        received_at=datetime.fromisoformat(item["received_at"]),
        form=form,
        timeline=tuple(_timeline_entry(entry) for entry in item["timeline"]),
        version=int(item["version"]),
        rule_set_id=item.get("rule_set_id", ""),
        assignee=item.get("assignee"),
        duplicate_of=item.get("duplicate_of"),
        group_id=item.get("group_id"),
        reject_reason=item.get("reject_reason"),
        outcome=item.get("outcome"),
        amount_recovered=Decimal(item["amount_recovered"]) if "amount_recovered" in item else None,
        rating=Rating(rating["level"], rating["comment"], datetime.fromisoformat(rating["at"])) if rating else None,
        consent_log=tuple(
            ConsentChange(c["consent"], c["granted"], datetime.fromisoformat(c["at"]), c["version"])
            for c in item.get("consent_log", [])
        ),
        personal_data=state,
        expires_at=datetime.fromtimestamp(int(item["expires_at"]), CHINA_TZ) if "expires_at" in item else None,
    )


def _timeline_entry(entry: dict[str, Any]) -> TimelineEntry:
    status = ComplaintStatus(entry["status"])
    return TimelineEntry(
        at=datetime.fromisoformat(entry["at"]),
        action=entry.get("action", "received"),
        status=status,
        note=entry["note"],
        actor=entry.get("actor", "system"),
        public=entry.get("public", True),
        detail=entry.get("detail", ""),
    )


def expiry(at: datetime, lifetime: timedelta) -> str:
    return str(int((at + lifetime).timestamp()))
