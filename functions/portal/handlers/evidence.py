"""Evidence uploads for the complainant: reserve a slot, upload to the store, confirm, list.

Included in the complaints app (`app.include_router(router)`); every route needs the access code.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from portal.bootstrap import container
from portal.domain.evidence import MAX_FILES
from portal.handlers.complaint_schemas import ErrorOut
from portal.handlers.evidence_schemas import EvidenceFileOut, EvidenceListOut, EvidenceUploadIn, UploadSlotOut
from portal.handlers.http import logger, model_response, once_per_key
from portal.services.evidence import confirm_upload, list_evidence, request_upload

router = Router()  # type: ignore[no-untyped-call]

AccessCode = Annotated[str, Header(alias="X-Access-Code", min_length=1, max_length=40)]
TrackingNo = Annotated[str, Path(max_length=40)]
_ERRORS: dict[int, OpenAPIResponse] = {
    code: {"description": text, "content": {"application/json": {"model": ErrorOut}}}
    for code, text in [
        (404, "没有找到投诉或上传位置"),
        (409, "已有 5 个文件，或投诉已结案"),
        (422, "输入有误或文件未通过检查，errors 说明原因"),
    ]
}


def _ok(status: int, model: type[Any], text: str) -> dict[int, OpenAPIResponse]:
    return {status: {"description": text, "content": {"application/json": {"model": model}}}, **_ERRORS}


@router.post(
    "/api/complaints/<tracking_no>/evidence",
    summary="申请上传一个证据文件（JPG、PNG、PDF，每个不超过 10 MB）",
    responses=_ok(201, UploadSlotOut, "已预留上传位置：把 fields 和文件以表单 POST 到 upload_url"),
)
def request_evidence_upload(
    tracking_no: TrackingNo,
    upload: Annotated[EvidenceUploadIn, Body()],
    access_code: AccessCode,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response[UploadSlotOut]:
    def work() -> dict[str, Any]:
        deps = container()
        grant = request_upload(
            tracking_no,
            access_code,
            upload.filename,
            upload.content_type,
            upload.size,
            policy=deps.complaint_policy,
            complaints=deps.complaints,
            evidence=deps.evidence,
            store=deps.evidence_store,
            clock=deps.clock,
        )
        # Never the file name: it may carry personal data.
        logger.info("evidence slot reserved", extra={"slot": grant.slot, "content_type": upload.content_type})
        return UploadSlotOut.of(grant).model_dump(mode="json")

    route = "POST /api/complaints/{tracking_no}/evidence"
    payload = {"tracking_no": tracking_no, **upload.model_dump(mode="json")}
    body = once_per_key(router, idempotency_key, route, payload, work)
    return model_response(201, UploadSlotOut.model_validate(body))


@router.post(
    "/api/complaints/<tracking_no>/evidence/<slot>/confirm",
    summary="上传完成后确认：检查文件的大小和真实类型",
    responses=_ok(200, EvidenceFileOut, "文件已保存"),
)
def confirm_evidence_upload(
    tracking_no: TrackingNo, slot: Annotated[int, Path(ge=1, le=MAX_FILES)], access_code: AccessCode
) -> Response[EvidenceFileOut]:
    deps = container()
    view = confirm_upload(
        tracking_no,
        access_code,
        slot,
        policy=deps.complaint_policy,
        complaints=deps.complaints,
        evidence=deps.evidence,
        store=deps.evidence_store,
        clock=deps.clock,
    )
    logger.info("evidence stored", extra={"slot": slot, "content_type": view.content_type, "size": view.size})
    return model_response(200, EvidenceFileOut.of(view))


@router.get(
    "/api/complaints/<tracking_no>/evidence",
    summary="查看已上传的证据文件",
    responses=_ok(200, EvidenceListOut, "文件名、大小和状态"),
)
def list_evidence_files(tracking_no: TrackingNo, access_code: AccessCode) -> Response[EvidenceListOut]:
    deps = container()
    listing = list_evidence(
        tracking_no,
        access_code,
        policy=deps.complaint_policy,
        complaints=deps.complaints,
        evidence=deps.evidence,
        clock=deps.clock,
    )
    return model_response(200, EvidenceListOut.of(listing))
