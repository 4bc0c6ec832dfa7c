"""Organizer routes under /api/admin: every request needs a bearer token (Cognito on AWS, the token file in
embedded mode); without one the answer is 401 and nothing else."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from portal.bootstrap import container
from portal.domain.case_list import CaseFilter, CaseRow
from portal.domain.complaints import STATUS_LABELS, ComplaintStatus
from portal.domain.ledger import ledger_csv
from portal.domain.statistics import statistics_as_dict
from portal.domain.workflow import OUTCOMES, REJECT_REASONS, Action, Step
from portal.handlers.admin_schemas import (
    AssignmentIn,
    CaseDetailOut,
    CasePageOut,
    CaseSummaryOut,
    DuplicateIn,
    GroupIn,
    NoteIn,
    NoticeOut,
    TransitionIn,
)
from portal.handlers.http import (
    JSON_CONTENT_TYPE,
    logger,
    model_response,
    new_resolver,
    once_per_key,
    proxy_response,
    serve,
    to_json,
)
from portal.services import casework, reports
from portal.services.evidence import evidence_download_links

app = new_resolver()
TrackingNo = Annotated[str, Path(max_length=40)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor() -> str:
    return str(app.context["organizer"])


@app.get("/api/admin/complaints", summary="投诉列表（筛选、分页；不含个人信息）")
def list_complaints(
    date_from: Annotated[date, Query(alias="from")],
    date_to: Annotated[date, Query(alias="to")],
    status: Annotated[ComplaintStatus | None, Query()] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    issue_type: Annotated[str | None, Query(max_length=40)] = None,
    region: Annotated[str | None, Query(max_length=40)] = None,
    overdue: Annotated[bool | None, Query()] = None,
    assignee: Annotated[str | None, Query(max_length=50)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response[CasePageOut]:
    wanted = CaseFilter(date_from, date_to, status, category, issue_type, region, overdue, assignee, q)
    page = casework.list_cases(wanted, offset=offset, limit=limit, desk=container().desk)
    items = [CaseSummaryOut.of(row) for row in page.rows]
    return model_response(200, CasePageOut(items=items, total=page.total, next_offset=page.next_offset))


@app.get("/api/admin/complaints/<tracking_no>", summary="投诉详情（含个人信息；每次查看都记入访问日志）")
def complaint_detail(tracking_no: TrackingNo) -> Response[CaseDetailOut]:
    deps = container()
    detail = casework.case_detail(tracking_no, actor=_actor(), desk=deps.desk)
    files = evidence_download_links(tracking_no, evidence=deps.evidence, store=deps.evidence_store, clock=deps.clock)
    return model_response(200, CaseDetailOut.of_detail(detail.row, detail.access_log, files, deps.clock.now()))


@app.post("/api/admin/complaints/<tracking_no>/transitions", summary="办理：受理、不予受理、调解、结案……")
def transition(
    tracking_no: TrackingNo, body: Annotated[TransitionIn, Body()], idempotency_key: IdempotencyKey = None
) -> Response[CaseSummaryOut]:
    step = Step(
        Action(body.action),
        note=body.note,
        public=body.public,
        reason=body.reason,
        outcome=body.outcome,
        amount_recovered=body.amount_recovered,
    )

    def work() -> CaseRow:
        row = casework.take_step(
            tracking_no, step, actor=_actor(), expected_version=body.expected_version, desk=container().desk
        )
        logger.info("complaint transition", extra={"tracking_no": tracking_no, "action": body.action})
        return row

    return _once(idempotency_key, f"transition {tracking_no}", body, work)


@app.post("/api/admin/complaints/<tracking_no>/assignment", summary="指派办理人")
def assign(
    tracking_no: TrackingNo, body: Annotated[AssignmentIn, Body()], idempotency_key: IdempotencyKey = None
) -> Response[CaseSummaryOut]:
    work = partial(casework.assign, tracking_no, body.handler, actor=_actor(), desk=container().desk)
    return _once(idempotency_key, f"assign {tracking_no}", body, work)


@app.post("/api/admin/complaints/<tracking_no>/notes", summary="添加备注（内部或公开）")
def add_note(
    tracking_no: TrackingNo, body: Annotated[NoteIn, Body()], idempotency_key: IdempotencyKey = None
) -> Response[CaseSummaryOut]:
    work = partial(casework.add_note, tracking_no, body.text, public=body.public, actor=_actor(), desk=container().desk)
    return _once(idempotency_key, f"note {tracking_no}", body, work)


@app.post("/api/admin/complaints/<tracking_no>/duplicate-of", summary="标记为重复投诉")
def duplicate_of(
    tracking_no: TrackingNo, body: Annotated[DuplicateIn, Body()], idempotency_key: IdempotencyKey = None
) -> Response[CaseSummaryOut]:
    work = partial(casework.mark_duplicate, tracking_no, body.original, actor=_actor(), desk=container().desk)
    return _once(idempotency_key, f"duplicate {tracking_no}", body, work)


@app.post("/api/admin/complaint-groups", summary="归为群体性投诉")
def group(body: Annotated[GroupIn, Body()]) -> Response[str]:
    # Grouping is idempotent by itself: the same cases always get the same group id.
    group_id = casework.group_cases(body.tracking_nos, actor=_actor(), desk=container().desk)
    return Response(200, JSON_CONTENT_TYPE, to_json({"group_id": group_id}))


def _once(key: str | None, route: str, body: BaseModel, work: Callable[[], CaseRow]) -> Response[CaseSummaryOut]:
    """With an Idempotency-Key a retried change (a lost answer on a bad connection) is not made twice."""
    result = once_per_key(
        app,
        key,
        f"admin {route}",
        body.model_dump(mode="json"),
        lambda: CaseSummaryOut.of(work()).model_dump(mode="json"),
    )
    return model_response(200, CaseSummaryOut.model_validate(result))


# No return annotation: Powertools then passes the binary body through instead of serializing it as JSON.
@app.get("/api/admin/ledger", summary="导出投诉台账（xlsx 或 UTF-8 BOM 的 CSV）")
def ledger(  # type: ignore[no-untyped-def]
    date_from: Annotated[date, Query(alias="from")],
    date_to: Annotated[date, Query(alias="to")],
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
):
    deps = container()
    records = reports.ledger_records(date_from, date_to, actor=_actor(), desk=deps.desk)
    name = f"complaint-ledger-{date_from}-{date_to}.{format}"
    if format == "csv":
        body, content_type = ledger_csv(records), "text/csv; charset=utf-8"
    else:
        body, content_type = deps.ledger_workbook(records, f"投诉台账 {date_from} 至 {date_to}"), XLSX_TYPE
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(200, content_type, body, headers=headers)


@app.get("/api/admin/statistics", summary="投诉统计（publication=true 时隐去小于 5 的数）")
def statistics(
    date_from: Annotated[date, Query(alias="from")],
    date_to: Annotated[date, Query(alias="to")],
    publication: Annotated[bool, Query()] = False,
) -> Response[str]:
    stats = reports.statistics(date_from, date_to, for_publication=publication, desk=container().desk)
    return Response(200, JSON_CONTENT_TYPE, to_json(statistics_as_dict(stats)))


@app.get("/api/admin/notices", summary="给组织者的提醒（超期等）")
def notices(limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response[str]:
    items = [NoticeOut.of(n).model_dump(mode="json") for n in container().outbox.recent(limit)]
    return Response(200, JSON_CONTENT_TYPE, to_json(items))


@app.get("/api/admin/choices", summary="办理用的选项：状态、不予受理理由、结案方式、类别……")
def choices() -> Response[str]:
    options = container().complaint_policy.options
    body = {
        "statuses": {status.value: label for status, label in STATUS_LABELS.items()},
        "reject_reasons": dict(REJECT_REASONS),
        "outcomes": {k: v for k, v in OUTCOMES.items() if k != "withdrawn"},
        "categories": dict(options.categories),
        "issue_types": dict(options.issue_types),
        "regions": dict(options.regions),
        "demands": dict(options.demands),
    }
    return Response(200, JSON_CONTENT_TYPE, to_json(body))


def organizer_of(event: dict[str, Any]) -> str | None:
    """Who is asking: the Cognito user API Gateway verified, or the holder of the local token."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    if claims.get("email") or claims.get("cognito:username"):
        return str(claims.get("email") or claims["cognito:username"])
    token_file = container().settings.admin_token_file
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    scheme, _, presented = (headers.get("authorization") or "").partition(" ")
    if token_file is None or scheme.lower() != "bearer" or not presented:
        return None
    expected = token_file.read_text(encoding="utf-8").strip()
    return "管理员" if expected and hmac.compare_digest(presented.encode(), expected.encode()) else None


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    organizer = organizer_of(event)
    if organizer is None:
        response = proxy_response(401, "unauthorized", "需要组织者登录：请提供有效的令牌（Authorization: Bearer …）")
        response["headers"]["WWW-Authenticate"] = 'Bearer realm="portal-admin"'
        return response
    app.append_context(organizer=organizer)  # type: ignore[no-untyped-call]
    return serve(app, event, context)
