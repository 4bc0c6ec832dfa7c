"""Evidence attachments: a complainant reserves a slot, uploads straight to the store, confirms;
organizers get short-lived download links. File names are personal data: never log them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from portal.domain import evidence as rules
from portal.domain.errors import Conflict, FieldError, InvalidInput, NotFound
from portal.domain.evidence import EvidenceSlot, EvidenceState
from portal.ports import Clock, ComplaintRepository, EvidenceRepository, EvidenceStore, SlotTaken, UploadSlot
from portal.services.complaints import ComplaintPolicy, track_complaint

RESERVE_ROUNDS = 3  # each round re-reads the slots after losing every race in the one before
NO_SLOT_MESSAGE = "没有找到这个上传位置，请重新选择文件上传"


@dataclass(frozen=True)
class UploadGrant:
    slot: int
    upload: UploadSlot
    max_bytes: int


@dataclass(frozen=True)
class EvidenceFileView:
    slot: int
    filename: str
    content_type: str
    size: int
    state: EvidenceState
    state_label: str
    reserved_at: datetime
    stored_at: datetime | None

    @classmethod
    def of(cls, slot: EvidenceSlot) -> EvidenceFileView:
        return cls(
            slot=slot.number,
            filename=slot.filename,
            content_type=slot.content_type,
            size=slot.size,
            state=slot.state,
            state_label=rules.STATE_LABELS[slot.state],
            reserved_at=slot.reserved_at,
            stored_at=slot.stored_at,
        )


@dataclass(frozen=True)
class EvidenceListing:
    files: tuple[EvidenceFileView, ...]
    remaining: int  # how many more files may be uploaded right now
    accepting: bool  # False once the complaint is closed or rejected


@dataclass(frozen=True)
class EvidenceLink:
    slot: int
    filename: str
    content_type: str
    size: int
    stored_at: datetime | None
    url: str
    expires_at: datetime


def request_upload(
    tracking_no: str,
    access_code: str,
    filename: str,
    content_type: str,
    size: int,
    *,
    policy: ComplaintPolicy,
    complaints: ComplaintRepository,
    evidence: EvidenceRepository,
    store: EvidenceStore,
    clock: Clock,
) -> UploadGrant:
    """Reserve one of the complaint's five slots for a file and hand out an upload for it."""
    view = track_complaint(tracking_no, access_code, policy=policy, repository=complaints, clock=clock)
    if view.status in rules.UPLOADS_CLOSED:
        raise Conflict(rules.CLOSED_MESSAGE)
    upload = rules.check_upload(filename, content_type, size)
    now = clock.now()
    for _ in range(RESERVE_ROUNDS):
        for number, replacing in rules.claimable(evidence.slots(view.tracking_no), now):
            slot = rules.reserve(upload, view.tracking_no, number, secrets.token_hex(8), now)
            try:
                evidence.put(slot, replacing)
            except SlotTaken:
                continue  # a simultaneous request took it: try the next one
            if replacing is not None and replacing.state is EvidenceState.RESERVED:
                store.delete(replacing.object_key)  # a late upload for the abandoned reservation is not kept
            upload_slot = store.upload_slot(slot.object_key, slot.content_type, rules.MAX_BYTES)
            return UploadGrant(number, upload_slot, rules.MAX_BYTES)
    raise Conflict(rules.FULL_MESSAGE)


def confirm_upload(
    tracking_no: str,
    access_code: str,
    number: int,
    *,
    policy: ComplaintPolicy,
    complaints: ComplaintRepository,
    evidence: EvidenceRepository,
    store: EvidenceStore,
    clock: Clock,
) -> EvidenceFileView:
    """Check the file that arrived for a slot: keep it, or delete it and say what was wrong (422)."""
    view = track_complaint(tracking_no, access_code, policy=policy, repository=complaints, clock=clock)
    slot = evidence.get(view.tracking_no, number)
    if slot is None:
        raise NotFound(NO_SLOT_MESSAGE)
    if slot.state is EvidenceState.STORED:
        return EvidenceFileView.of(slot)  # a repeated confirmation
    if slot.state is EvidenceState.FAILED:
        message = f"文件“{slot.filename}”没有通过检查，已经删除，请重新上传"
        raise InvalidInput([FieldError("file", "rejected_file", message)])
    found = store.inspect(slot.object_key)
    if found is None:
        errors = [FieldError("file", "not_uploaded", f"还没有收到文件“{slot.filename}”，请重新上传")]
    else:
        errors = rules.stored_file_errors(slot, found.size, found.content_type, found.head)
    if errors:
        store.delete(slot.object_key)
        _settle(evidence, rules.mark_failed(slot), slot)
        raise InvalidInput(errors)
    assert found is not None
    kept = rules.mark_stored(slot, found.size, clock.now())
    return EvidenceFileView.of(_settle(evidence, kept, slot))


def _settle(evidence: EvidenceRepository, changed: EvidenceSlot, read: EvidenceSlot) -> EvidenceSlot:
    try:
        evidence.put(changed, read)
    except SlotTaken:
        # A simultaneous confirmation of the same upload got there first; its outcome stands.
        current = evidence.get(read.tracking_no, read.number)
        if current is None or current.object_key != read.object_key:
            raise NotFound(NO_SLOT_MESSAGE) from None
        return current
    return changed


def list_evidence(
    tracking_no: str,
    access_code: str,
    *,
    policy: ComplaintPolicy,
    complaints: ComplaintRepository,
    evidence: EvidenceRepository,
    clock: Clock,
) -> EvidenceListing:
    """The complainant's files: names, sizes and states, and how many more may be added."""
    view = track_complaint(tracking_no, access_code, policy=policy, repository=complaints, clock=clock)
    slots = sorted(evidence.slots(view.tracking_no), key=lambda s: s.number)
    accepting = view.status not in rules.UPLOADS_CLOSED
    now = clock.now()
    occupied = sum(1 for slot in slots if not slot.reusable(now))
    remaining = rules.MAX_FILES - occupied if accepting else 0
    return EvidenceListing(tuple(EvidenceFileView.of(slot) for slot in slots), remaining, accepting)


def evidence_download_links(
    tracking_no: str, *, evidence: EvidenceRepository, store: EvidenceStore, clock: Clock
) -> list[EvidenceLink]:
    """For organizers (the caller checks who they are): a 5-minute link for every stored file."""
    expires_at = clock.now() + rules.DOWNLOAD_LINK_LIFETIME
    return [
        EvidenceLink(
            slot=slot.number,
            filename=slot.filename,
            content_type=slot.content_type,
            size=slot.size,
            stored_at=slot.stored_at,
            url=store.download_link(slot.object_key, slot.filename),
            expires_at=expires_at,
        )
        for slot in sorted(evidence.slots(tracking_no), key=lambda s: s.number)
        if slot.state is EvidenceState.STORED
    ]


def delete_all_evidence(tracking_no: str, *, evidence: EvidenceRepository, store: EvidenceStore) -> None:
    """Delete every file of the complaint, even uploads never confirmed, then their records."""
    store.delete_prefix(rules.object_prefix(tracking_no))
    evidence.delete_all(tracking_no)
