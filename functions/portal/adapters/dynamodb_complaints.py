"""Complaints in DynamoDB: one item per case, personal data sealed in a single binary attribute."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
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
from portal.ports import DuplicateKey, DuplicateSubmission, PersonalDataCipher, SubmissionReceipt

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
CASE_SK = "CASE"
RECEIPT_SK = "RECEIPT"
RECEIPT_LIFETIME = timedelta(days=1)


def complaint_key(tracking_no: str) -> dict[str, Any]:
    return {"pk": {"S": f"COMPLAINT#{tracking_no}"}, "sk": {"S": CASE_SK}}


def receipt_key(submission_key: str) -> dict[str, Any]:
    # Only a digest of the client's key is stored.
    digest = hashlib.sha256(submission_key.encode()).hexdigest()
    return {"pk": {"S": f"SUBMISSION#{digest}"}, "sk": {"S": RECEIPT_SK}}


class DynamoDBComplaintRepository:
    def __init__(self, client: DynamoDBClient, table_name: str, cipher: PersonalDataCipher) -> None:
        self._client = client
        self._table = table_name
        self._cipher = cipher

    def add(self, complaint: Complaint, receipt: SubmissionReceipt | None = None) -> None:
        item = {name: _serializer.serialize(value) for name, value in self._to_item(complaint).items()}
        new_only = "attribute_not_exists(pk)"
        if receipt is None:
            try:
                self._client.put_item(TableName=self._table, Item=item, ConditionExpression=new_only)
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise DuplicateKey(complaint.tracking_no) from error
            return
        receipt_item = self._receipt_item(receipt, complaint.received_at)
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": new_only}},
                    {"Put": {"TableName": self._table, "Item": receipt_item, "ConditionExpression": new_only}},
                ]
            )
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                existing = self.receipt(receipt.submission_key)
                if existing is not None:
                    raise DuplicateSubmission(existing) from error
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise DuplicateKey(complaint.tracking_no) from error
            raise

    def receipt(self, submission_key: str) -> SubmissionReceipt | None:
        key = receipt_key(submission_key)
        response = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True)
        if "Item" not in response:
            return None
        item = response["Item"]
        code = self._cipher.open(bytes(item["access_code"]["B"]), key["pk"]["S"]).decode()
        return SubmissionReceipt(submission_key, item["fingerprint"]["S"], item["tracking_no"]["S"], code)

    def _receipt_item(self, receipt: SubmissionReceipt, received_at: datetime) -> dict[str, Any]:
        key = receipt_key(receipt.submission_key)
        sealed = self._cipher.seal(receipt.access_code.encode(), key["pk"]["S"])
        return {
            **key,
            "tracking_no": {"S": receipt.tracking_no},
            "fingerprint": {"S": receipt.fingerprint},
            "access_code": {"B": sealed},
            "expires_at": {"N": str(int((received_at + RECEIPT_LIFETIME).timestamp()))},
        }

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
