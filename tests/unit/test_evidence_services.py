"""Attaching evidence to a complaint through the services, with in-memory fakes."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import Any

import pytest
from portal.adapters.content_data import ContentData
from portal.domain.complaints import ComplaintStatus
from portal.domain.errors import Conflict, InvalidInput, NotFound
from portal.domain.evidence import MAX_BYTES, EvidenceState
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import ComplaintIn
from portal.services import evidence as service
from portal.services.complaints import ComplaintPolicy, file_complaint

from tests.conftest import REPOSITORY, complaint_payload
from tests.fakes import FixedClock, InMemoryComplaints, ScriptedCodes, WeekdayCalendar
from tests.fakes_evidence import TINY_PDF, TINY_PNG, FakeEvidenceStore, InMemoryEvidence

DATA = ContentData(REPOSITORY / "content" / "data")
POLICY = ComplaintPolicy(DATA.complaint_options(), DATA.rule_set(), WeekdayCalendar())
CODE = "K7M2Q9XP"


@dataclasses.dataclass
class World:
    complaints: InMemoryComplaints
    records: InMemoryEvidence
    store: FakeEvidenceStore
    clock: FixedClock
    tracking_no: str

    @property
    def ports(self) -> dict[str, Any]:
        return {"policy": POLICY, "complaints": self.complaints, "evidence": self.records, "clock": self.clock}

    def request(
        self, filename: str = "小票.png", content_type: str = "image/png", size: int = 71
    ) -> service.UploadGrant:
        return service.request_upload(
            self.tracking_no, CODE, filename, content_type, size, store=self.store, **self.ports
        )

    def upload(self, grant: service.UploadGrant, content: bytes, content_type: str | None = None) -> None:
        fields = grant.upload.fields
        self.store.receive(fields["key"], content, content_type or fields["Content-Type"])

    def confirm(self, grant: service.UploadGrant) -> service.EvidenceFileView:
        return service.confirm_upload(self.tracking_no, CODE, grant.slot, store=self.store, **self.ports)

    def listing(self) -> service.EvidenceListing:
        return service.list_evidence(self.tracking_no, CODE, **self.ports)

    def set_status(self, status: str) -> None:
        case = self.complaints.items[self.tracking_no]
        self.complaints.items[self.tracking_no] = dataclasses.replace(case, status=ComplaintStatus(status))


@pytest.fixture
def world() -> World:
    complaints = InMemoryComplaints()
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ))
    form = ComplaintIn.model_validate(complaint_payload()).to_form()
    filed = file_complaint(
        form, policy=POLICY, repository=complaints, clock=clock, codes=ScriptedCodes(["TS-0000-0000-0000"], CODE)
    )
    return World(complaints, InMemoryEvidence(), FakeEvidenceStore(), clock, filed.complaint.tracking_no)


def test_a_complainant_gets_an_upload_limited_to_the_declared_type_and_10_mb(world: World) -> None:
    grant = world.request("收据.png", "image/png", 71)

    assert grant.slot == 1
    assert world.store.issued == [(grant.upload.fields["key"], "image/png", MAX_BYTES)]
    assert grant.upload.fields["key"].startswith("evidence/TS-0000-0000-0000/1-")
    assert [(s.number, s.state) for s in world.records.slots(world.tracking_no)] == [(1, EvidenceState.RESERVED)]


def test_an_uploaded_real_file_is_kept_and_listed_with_its_name_and_size(world: World) -> None:
    grant = world.request("收据.png", "image/png", len(TINY_PNG))
    world.upload(grant, TINY_PNG)

    kept = world.confirm(grant)

    assert (kept.filename, kept.size, kept.state, kept.state_label) == ("收据.png", 71, EvidenceState.STORED, "已保存")
    listing = world.listing()
    assert [(f.filename, f.state) for f in listing.files] == [("收据.png", EvidenceState.STORED)]
    assert listing.remaining == 4
    assert world.confirm(grant) == kept  # confirming again changes nothing


def test_a_renamed_file_is_deleted_and_the_422_names_it(world: World) -> None:
    # Given an executable renamed to a .png and uploaded as one
    grant = world.request("照片.png", "image/png", 20)
    world.upload(grant, b"MZ\x90\x00this is no image")

    # When the upload is confirmed
    with pytest.raises(InvalidInput) as refused:
        world.confirm(grant)

    # Then the file is gone, the message names it, and its slot may be used again at once
    assert "“照片.png”的内容不是真正的PNG 图片" in refused.value.errors[0].message
    assert world.store.objects == {}
    assert [f.state for f in world.listing().files] == [EvidenceState.FAILED]
    assert world.listing().remaining == 5
    assert {world.request().slot for _ in range(5)} == {1, 2, 3, 4, 5}


def test_a_file_of_another_type_than_declared_is_refused(world: World) -> None:
    grant = world.request("合同.pdf", "application/pdf", len(TINY_PDF))
    world.upload(grant, TINY_PDF, content_type="text/html")
    with pytest.raises(InvalidInput, match="类型与申请时不一致"):
        world.confirm(grant)


def test_confirming_before_anything_arrived_asks_to_upload_again(world: World) -> None:
    grant = world.request()
    with pytest.raises(InvalidInput, match=r"还没有收到文件“小票\.png”"):
        world.confirm(grant)


def test_a_sixth_file_is_refused_with_a_conflict(world: World) -> None:
    for _ in range(5):
        world.request()
    with pytest.raises(Conflict, match="最多上传 5 个文件"):
        world.request()


def test_an_upload_abandoned_for_an_hour_frees_its_slot_and_its_late_file(world: World) -> None:
    # Given five reservations, the first one abandoned after its file arrived but never confirmed
    grants = [world.request() for _ in range(5)]
    world.upload(grants[0], TINY_PNG)

    # When an hour has passed
    world.clock.advance(hours=1)
    again = world.request()

    # Then the abandoned slot is reused, and the unconfirmed file is not kept
    assert again.slot == 1
    assert again.upload.fields["key"] != grants[0].upload.fields["key"]
    assert world.store.objects == {}


@pytest.mark.parametrize("status", ["closed", "rejected"])
def test_a_closed_or_rejected_complaint_takes_no_more_evidence(world: World, status: str) -> None:
    world.set_status(status)
    with pytest.raises(Conflict, match="已经结案或不予受理"):
        world.request()
    assert world.listing().accepting is False


def test_a_wrong_access_code_reveals_nothing_and_reserves_nothing(world: World) -> None:
    with pytest.raises(NotFound):
        service.request_upload(
            world.tracking_no, "AAAAAAAA", "a.png", "image/png", 10, store=world.store, **world.ports
        )
    with pytest.raises(NotFound):
        service.list_evidence(world.tracking_no, "AAAAAAAA", **world.ports)
    assert world.records.records == {}


def test_invalid_files_are_refused_before_a_slot_is_taken(world: World) -> None:
    with pytest.raises(InvalidInput):
        world.request("setup.exe", "application/x-msdownload", 1000)
    assert world.records.records == {}


def test_organizers_get_download_links_for_kept_files_only(world: World) -> None:
    kept = world.request("收据.png")
    world.upload(kept, TINY_PNG)
    world.confirm(kept)
    world.request("还没传完.pdf", "application/pdf", 100)

    links = service.evidence_download_links(
        world.tracking_no, evidence=world.records, store=world.store, clock=world.clock
    )

    assert [(link.slot, link.filename) for link in links] == [(1, "收据.png")]
    assert links[0].url.endswith("?as=收据.png")
    assert links[0].expires_at == world.clock.now().replace(minute=5)


def test_deleting_all_evidence_removes_files_records_and_unconfirmed_uploads(world: World) -> None:
    for _ in range(2):
        grant = world.request()
        world.upload(grant, TINY_PNG)
    world.confirm(grant)
    world.store.receive(f"evidence/{world.tracking_no}/9-orphan", b"late", "image/png")  # its record expired

    service.delete_all_evidence(world.tracking_no, evidence=world.records, store=world.store)

    assert world.store.objects == {}
    assert world.records.records == {}


def test_twenty_simultaneous_requests_never_make_a_sixth_slot(world: World) -> None:
    request = partial(world.request, "小票.png", "image/png", 71)

    def attempt(_: int) -> str:
        try:
            return f"slot {request().slot}"
        except Conflict:
            return "full"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))

    assert sorted(o for o in outcomes if o != "full") == [f"slot {n}" for n in range(1, 6)]
    assert outcomes.count("full") == 15
    assert len(world.records.records) == 5
