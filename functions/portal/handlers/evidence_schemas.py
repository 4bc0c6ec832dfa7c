"""Request and response bodies of the evidence routes (they also make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from portal.domain.evidence import MAX_FILES
from portal.domain.working_days import CHINA_TZ
from portal.services.evidence import EvidenceFileView, EvidenceListing, UploadGrant


class EvidenceUploadIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # repr=False: a file name can carry personal data and must not surface in a traceback.
    filename: Annotated[str, Field(min_length=1, max_length=255, repr=False, examples=["购物小票.jpg"])]
    content_type: Annotated[str, Field(min_length=1, max_length=100, examples=["image/jpeg"])]
    size: Annotated[int, Field(ge=0, description="文件大小（字节）", examples=[524288])]


class UploadSlotOut(BaseModel):
    slot: int
    upload_url: str = Field(description="以 multipart/form-data POST：先放 fields 的每一项，最后放文件（字段名 file）")
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int

    @classmethod
    def of(cls, grant: UploadGrant) -> UploadSlotOut:
        upload = grant.upload
        return cls(
            slot=grant.slot,
            upload_url=upload.url,
            fields=upload.fields,
            expires_at=upload.expires_at.astimezone(CHINA_TZ),
            max_bytes=grant.max_bytes,
        )


class EvidenceFileOut(BaseModel):
    slot: int
    filename: str
    content_type: str
    size: int
    state: str = Field(description="reserved（上传未完成）、stored（已保存）或 failed（未通过检查）")
    state_label: str
    updated_at: datetime

    @classmethod
    def of(cls, view: EvidenceFileView) -> EvidenceFileOut:
        return cls(
            slot=view.slot,
            filename=view.filename,
            content_type=view.content_type,
            size=view.size,
            state=view.state.value,
            state_label=view.state_label,
            updated_at=(view.stored_at or view.reserved_at).astimezone(CHINA_TZ),
        )


class EvidenceListOut(BaseModel):
    files: list[EvidenceFileOut]
    max_files: int = MAX_FILES
    remaining: int
    accepting: bool = Field(description="投诉结案或不予受理后为 false，不能再上传")

    @classmethod
    def of(cls, listing: EvidenceListing) -> EvidenceListOut:
        files = [EvidenceFileOut.of(view) for view in listing.files]
        return cls(files=files, remaining=listing.remaining, accepting=listing.accepting)
