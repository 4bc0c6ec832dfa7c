"""Evidence slot records in the complaints table: pk COMPLAINT#<tracking_no>, sk EVIDENCE#1..EVIDENCE#5.

Five fixed sort keys and conditional puts keep the limit under any number of simultaneous requests;
the file name is sealed like the rest of the personal data.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from portal.domain.evidence import EvidenceSlot, EvidenceState, forget_at
from portal.ports import PersonalDataCipher, SlotTaken

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

EVIDENCE_SK_PREFIX = "EVIDENCE#"


def slot_key(tracking_no: str, number: int) -> dict[str, Any]:
    return {"pk": {"S": f"COMPLAINT#{tracking_no}"}, "sk": {"S": f"{EVIDENCE_SK_PREFIX}{number}"}}


class DynamoDBEvidenceRepository:
    def __init__(self, client: DynamoDBClient, table_name: str, cipher: PersonalDataCipher) -> None:
        self._client = client
        self._table = table_name
        self._cipher = cipher

    def slots(self, tracking_no: str) -> list[EvidenceSlot]:
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": f"COMPLAINT#{tracking_no}"}, ":prefix": {"S": EVIDENCE_SK_PREFIX}},
            ConsistentRead=True,
        )
        return [self._from_item(item) for item in response["Items"]]

    def get(self, tracking_no: str, number: int) -> EvidenceSlot | None:
        key = slot_key(tracking_no, number)
        response = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True)
        return self._from_item(response["Item"]) if "Item" in response else None

    def put(self, slot: EvidenceSlot, replacing: EvidenceSlot | None = None) -> None:
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
        if replacing is not None:
            condition = {
                "ConditionExpression": "object_key = :key AND #state = :state",
                "ExpressionAttributeNames": {"#state": "state"},
                "ExpressionAttributeValues": {":key": {"S": replacing.object_key}, ":state": {"S": replacing.state}},
            }
        try:
            self._client.put_item(TableName=self._table, Item=self._to_item(slot), **condition)
        except self._client.exceptions.ConditionalCheckFailedException as error:
            raise SlotTaken(f"{slot.tracking_no} slot {slot.number}") from error

    def delete_all(self, tracking_no: str) -> None:
        for slot in self.slots(tracking_no):
            self._client.delete_item(TableName=self._table, Key=slot_key(tracking_no, slot.number))

    @staticmethod
    def _context(slot_id: dict[str, Any], object_key: str) -> str:
        # Bound to the record and the reservation: a sealed name copied elsewhere does not open.
        return f"{slot_id['pk']['S']}/{slot_id['sk']['S']}/{object_key}"

    def _to_item(self, slot: EvidenceSlot) -> dict[str, Any]:
        key = slot_key(slot.tracking_no, slot.number)
        sealed = self._cipher.seal(slot.filename.encode(), self._context(key, slot.object_key))
        item: dict[str, Any] = {
            **key,
            "tracking_no": {"S": slot.tracking_no},
            "slot": {"N": str(slot.number)},
            "object_key": {"S": slot.object_key},
            "filename": {"B": sealed},
            "content_type": {"S": slot.content_type},
            "size": {"N": str(slot.size)},
            "state": {"S": slot.state.value},
            "reserved_at": {"S": slot.reserved_at.isoformat()},
        }
        if slot.stored_at is not None:
            item["stored_at"] = {"S": slot.stored_at.isoformat()}
        expires = forget_at(slot)
        if expires is not None:
            item["expires_at"] = {"N": str(int(expires.timestamp()))}
        return item

    def _from_item(self, item: dict[str, Any]) -> EvidenceSlot:
        tracking_no, number = item["tracking_no"]["S"], int(item["slot"]["N"])
        context = self._context(slot_key(tracking_no, number), item["object_key"]["S"])
        stored_at = item.get("stored_at", {}).get("S")
        return EvidenceSlot(
            tracking_no=tracking_no,
            number=number,
            object_key=item["object_key"]["S"],
            filename=self._cipher.open(bytes(item["filename"]["B"]), context).decode(),
            content_type=item["content_type"]["S"],
            size=int(item["size"]["N"]),
            state=EvidenceState(item["state"]["S"]),
            reserved_at=datetime.fromisoformat(item["reserved_at"]["S"]),
            stored_at=datetime.fromisoformat(stored_at) if stored_at else None,
        )
