"""Complaint intake and tracking for the public: POST /api/complaints, GET /api/complaints/{tracking_no}."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from portal.bootstrap import container
from portal.handlers import self_service
from portal.handlers.complaint_schemas import ComplaintCreated, ComplaintIn, ComplaintStatusOut, ErrorOut
from portal.handlers.evidence import router as evidence_router
from portal.handlers.http import JSON_CONTENT_TYPE, logger, model_response, new_resolver, once_per_key, serve
from portal.services.complaints import file_complaint, track_complaint

app = new_resolver()
app.include_router(evidence_router)
app.include_router(self_service.router)

_ERRORS: dict[int, OpenAPIResponse] = {
    code: {"description": text, "content": {"application/json": {"model": ErrorOut}}}
    for code, text in [(404, "没有找到"), (413, "请求太大"), (422, "输入有误，errors 列出每个字段")]
}


@app.post(
    "/api/complaints",
    summary="提交投诉",
    responses={
        201: {"description": "投诉已登记", "content": {"application/json": {"model": ComplaintCreated}}},
        **_ERRORS,
    },
)
def submit_complaint(
    complaint: Annotated[ComplaintIn, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response[ComplaintCreated]:
    def work() -> dict[str, Any]:
        deps = container()
        filed = file_complaint(
            complaint.to_form(),
            policy=deps.complaint_policy,
            repository=deps.complaints,
            clock=deps.clock,
            codes=deps.codes,
            submission_key=idempotency_key and f"POST /api/complaints {idempotency_key}",
        )
        status = ComplaintStatusOut.of(filed.view, deps.clock.now())
        accept_by = next((d.due_at for d in status.deadlines if d.step == "accept"), None)
        created = ComplaintCreated(**status.model_dump(), access_code=filed.access_code, accept_by=accept_by)
        logger.info(
            "complaint filed",
            extra={"tracking_no": filed.complaint.tracking_no, "category": complaint.product.category},
        )
        return created.model_dump(mode="json")

    body = once_per_key(app, idempotency_key, "POST /api/complaints", complaint.model_dump(mode="json"), work)
    return model_response(201, ComplaintCreated.model_validate(body))


@app.get(
    "/api/complaints/<tracking_no>",
    summary="查询投诉进度（不含个人信息）",
    responses={
        200: {"description": "投诉状态", "content": {"application/json": {"model": ComplaintStatusOut}}},
        **_ERRORS,
    },
)
def complaint_status(
    tracking_no: Annotated[str, Path(max_length=40)],
    access_code: Annotated[str, Header(alias="X-Access-Code", min_length=1, max_length=40)],
) -> Response[ComplaintStatusOut]:
    deps = container()
    view = track_complaint(
        tracking_no, access_code, policy=deps.complaint_policy, repository=deps.complaints, clock=deps.clock
    )
    return model_response(200, ComplaintStatusOut.of(view, deps.clock.now()))


@app.get("/api/openapi.json", include_in_schema=False)
def openapi_document() -> Response[Any]:
    document = app.get_openapi_json_schema(title="3·15 消费维权平台 API", version="1.0.0")
    return Response(200, JSON_CONTENT_TYPE, document)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(app, event, context)
