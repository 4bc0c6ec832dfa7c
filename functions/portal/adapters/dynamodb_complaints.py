"""Complaints in DynamoDB: one item per case, personal data sealed in a single binary attribute."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from portal.domain.complaints import (
    Business,
    Complainant,
    Complaint,
    ComplaintForm,
    ComplaintStatus,
    Consents,
    Product,
    TimelineEntry,
)
from portal.domain.deadlines import Deadline
from portal.ports import DuplicateKey, PersonalDataCipher

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
CASE_SK = "CASE"


def complaint_key(tracking_no: str) -> dict[str, Any]:
    return {"pk": {"S": f"COMPLAINT#{tracking_no}"}, "sk": {"S": CASE_SK}}


class DynamoDBComplaintRepository:
    def __init__(self, client: DynamoDBClient, table_name: str, cipher: PersonalDataCipher) -> None:
        self._client = client
        self._table = table_name
        self._cipher = cipher

    def add(self, complaint: Complaint) -> None:
        item = {name: _serializer.serialize(value) for name, value in self._to_item(complaint).items()}
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except self._client.exceptions.ConditionalCheckFailedException as error:
            raise DuplicateKey(complaint.tracking_no) from error

    def get(self, tracking_no: str) -> Complaint | None:
        response = self._client.get_item(TableName=self._table, Key=complaint_key(tracking_no), ConsistentRead=True)
        if "Item" not in response:
            return None
        item = {name: _deserializer.deserialize(value) for name, value in response["Item"].items()}
        return self._from_item(item)

    def _to_item(self, complaint: Complaint) -> dict[str, Any]:
        form = complaint.form
        personal = {
            "name": form.complainant.name,
            "phone": form.complainant.phone,
            "email": form.complainant.email,
            "order_no": form.product.order_no,
        }
        sealed = self._cipher.seal(json.dumps(personal, ensure_ascii=False).encode(), complaint.tracking_no)
        received = complaint.received_at.isoformat()
        return {
            **{key: value["S"] for key, value in complaint_key(complaint.tracking_no).items()},
            "gsi1pk": f"MONTH#{complaint.received_at:%Y-%m}",
            "gsi1sk": f"{received}#{complaint.tracking_no}",
            "tracking_no": complaint.tracking_no,
            "status": complaint.status.value,
            "version": complaint.version,
            "received_at": received,
            "access_code_hash": complaint.access_code_hash,
            "personal_data": Binary(sealed),
            "region": form.complainant.region,
            "business": {
                "name": form.business.name,
                "address": form.business.address,
                "platform": form.business.platform,
            },
            "product": {
                "name": form.product.name,
                "category": form.product.category,
                "purchased_on": form.product.purchased_on.isoformat(),
                "amount": form.product.amount,
            },
            "issue_type": form.issue_type,
            "description": form.description,
            "demands": list(form.demands),
            "consents": {
                "privacy_notice_version": form.consents.privacy_notice_version,
                "forward_to_business": form.consents.forward_to_business,
                "publish_case": form.consents.publish_case,
                "given_at": received,
            },
            "deadlines": [
                {
                    "step": d.step,
                    "label": d.label,
                    "due_at": d.due_at.isoformat(),
                    "basis": d.basis,
                    "provisional": d.provisional,
                }
                for d in complaint.deadlines
            ],
            "timeline": [
                {"at": e.at.isoformat(), "status": e.status.value, "note": e.note} for e in complaint.timeline
            ],
        }

    def _from_item(self, item: dict[str, Any]) -> Complaint:
        tracking_no = item["tracking_no"]
        personal = json.loads(self._cipher.open(bytes(item["personal_data"]), tracking_no))
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
        return Complaint(
            tracking_no=tracking_no,
            access_code_hash=item["access_code_hash"],
            status=ComplaintStatus(item["status"]),
            received_at=datetime.fromisoformat(item["received_at"]),
            form=form,
            deadlines=tuple(
                Deadline(d["step"], d["label"], datetime.fromisoformat(d["due_at"]), d["basis"], d["provisional"])
                for d in item["deadlines"]
            ),
            timeline=tuple(
                TimelineEntry(datetime.fromisoformat(e["at"]), ComplaintStatus(e["status"]), e["note"])
                for e in item["timeline"]
            ),
            version=int(item["version"]),
        )
