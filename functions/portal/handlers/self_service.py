"""The complainant's own routes, all behind the tracking number and the access code: follow-up actions
(withdraw, answer, dispute, rate) and the rights over their personal data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from portal.bootstrap import container
from portal.domain.complaints import COMPLAINANT, Complaint, ComplaintStatusView, public_timeline
from portal.domain.privacy import EMAIL_PATTERN
from portal.domain.workflow import Action, Step
from portal.domain.working_days import CHINA_TZ
from portal.handlers.complaint_schemas import ComplaintStatusOut
from portal.handlers.http import JSON_CONTENT_TYPE, model_response, once_per_key, to_json
from portal.services import privacy
from portal.services.complaints import act_as_complainant, complainants_case, rate_result

router = Router()  # type: ignore[no-untyped-call]
TrackingNo = Annotated[str, Path(max_length=40)]
AccessCode = Annotated[str, Header(alias="X-Access-Code", min_length=1, max_length=40)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ComplainantActionIn(_Input):
    action: Literal["withdraw", "provide_materials", "dispute"]
    note: Annotated[str, Field(default="", max_length=1000)]


class RatingIn(_Input):
    level: Literal["satisfied", "partly", "not_satisfied"]
    comment: Annotated[str, Field(default="", max_length=500)]


class ContactIn(_Input):
    phone: Annotated[str, Field(min_length=1, max_length=20, repr=False)]
    email: Annotated[str | None, Field(default=None, max_length=254, pattern=EMAIL_PATTERN, repr=False)]


class ConsentWithdrawalIn(_Input):
    consent: Literal["publish_case"]


@router.post("/api/complaints/<tracking_no>/actions", summary="投诉人撤回、补充材料或对结果提出异议")
def complainant_action(
    tracking_no: TrackingNo,
    access_code: AccessCode,
    body: Annotated[ComplainantActionIn, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[ComplaintStatusOut]:
    deps = container()
    step = Step(Action(body.action), note=body.note)

    def work() -> ComplaintStatusView:
        return act_as_complainant(
            tracking_no, access_code, step, policy=deps.complaint_policy, repository=deps.complaints, clock=deps.clock
        )

    return _once(idempotency_key, tracking_no, access_code, "action", body, work)


@router.post("/api/complaints/<tracking_no>/rating", summary="评价处理结果")
def rate(
    tracking_no: TrackingNo,
    access_code: AccessCode,
    body: Annotated[RatingIn, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[ComplaintStatusOut]:
    deps = container()

    def work() -> ComplaintStatusView:
        return rate_result(
            tracking_no,
            access_code,
            body.level,
            body.comment,
            policy=deps.complaint_policy,
            repository=deps.complaints,
            clock=deps.clock,
        )

    return _once(idempotency_key, tracking_no, access_code, "rating", body, work)


@router.get("/api/complaints/<tracking_no>/personal-data", summary="查看或下载平台保存的全部个人信息")
def personal_data(
    tracking_no: TrackingNo, access_code: AccessCode, download: Annotated[bool, Query()] = False
) -> Response[Any]:
    held = privacy.data_held(tracking_no, access_code, desk=container().self_service)
    body = held_data_document(held)
    headers = {"Cache-Control": "no-store"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="personal-data-{held.complaint.tracking_no}.json"'
    return Response(200, JSON_CONTENT_TYPE, to_json(body), headers=headers)


@router.put("/api/complaints/<tracking_no>/contact", summary="更正联系方式")
def correct_contact(
    tracking_no: TrackingNo, access_code: AccessCode, body: Annotated[ContactIn, Body()]
) -> Response[Any]:
    desk = container().self_service
    changed = privacy.correct_contact(tracking_no, access_code, body.phone, body.email, desk=desk)
    return _held(changed, desk)


@router.post("/api/complaints/<tracking_no>/consent-withdrawals", summary="撤回同意（发布为典型案例）")
def withdraw_consent(
    tracking_no: TrackingNo, access_code: AccessCode, body: Annotated[ConsentWithdrawalIn, Body()]
) -> Response[Any]:
    desk = container().self_service
    return _held(privacy.withdraw_consent(tracking_no, access_code, body.consent, desk=desk), desk)


@router.delete("/api/complaints/<tracking_no>/personal-data", summary="删除个人信息（匿名统计数据保留）")
def erase(tracking_no: TrackingNo, access_code: AccessCode) -> Response[Any]:
    desk = container().self_service
    return _held(privacy.erase_personal_data(tracking_no, access_code, desk=desk), desk)


def _once(
    key: str | None,
    tracking_no: str,
    access_code: str,
    route: str,
    body: BaseModel,
    work: Callable[[], ComplaintStatusView],
) -> Response[ComplaintStatusOut]:
    """With an Idempotency-Key, a retry after a lost answer gets the first answer, not a second action.

    The codes are checked before a replay too: the key alone must not reveal a case's status.
    """
    if key is not None:
        complainants_case(tracking_no, access_code, container().complaints, now=container().clock.now())

    def answer() -> dict[str, Any]:
        return ComplaintStatusOut.of(work(), container().clock.now()).model_dump(mode="json")

    result = once_per_key(router, key, f"complainant {route} {tracking_no}", body.model_dump(mode="json"), answer)
    return model_response(200, ComplaintStatusOut.model_validate(result))


def _held(complaint: Complaint, desk: privacy.SelfService) -> Response[Any]:
    number = complaint.tracking_no
    held = privacy.HeldData(complaint, desk.access_log.for_complaint(number), desk.evidence_files(number))
    return Response(200, JSON_CONTENT_TYPE, to_json(held_data_document(held)), headers={"Cache-Control": "no-store"})


def held_data_document(held: privacy.HeldData) -> dict[str, Any]:
    """Everything the portal keeps about one complaint, in words a complainant can read."""
    complaint = held.complaint
    form = complaint.form
    return {
        "tracking_no": complaint.tracking_no,
        "personal_data": complaint.personal_data.value,
        "complainant": {
            "name": form.complainant.name or None,
            "phone": form.complainant.phone or None,
            "email": form.complainant.email,
            "region": form.complainant.region,
        },
        "business": {"name": form.business.name, "address": form.business.address, "platform": form.business.platform},
        "product": {
            "name": form.product.name,
            "category": form.product.category,
            "purchased_on": form.product.purchased_on.isoformat(),
            "amount": str(form.product.amount),
            "order_no": form.product.order_no,
        },
        "issue_type": form.issue_type,
        "description": form.description,
        "demands": list(form.demands),
        "consents": {
            "privacy_notice_version": form.consents.privacy_notice_version,
            "forward_to_business": form.consents.forward_to_business,
            "publish_case": form.consents.publish_case,
        },
        "consent_history": [
            {
                "consent": c.consent,
                "granted": c.granted,
                "at": _local(c.at),
                "privacy_notice_version": c.privacy_notice_version,
            }
            for c in complaint.consent_log
        ],
        "status": complaint.status.value,
        "outcome": complaint.outcome,
        "amount_recovered": str(complaint.amount_recovered) if complaint.amount_recovered is not None else None,
        "rating": {
            "level": complaint.rating.level,
            "comment": complaint.rating.comment,
            "at": _local(complaint.rating.at),
        }
        if complaint.rating
        else None,
        "evidence_files": [{"filename": f.filename, "size": f.size, "state": f.state} for f in held.evidence],
        "received_at": _local(complaint.received_at),
        "retained_until": _local(complaint.expires_at) if complaint.expires_at else None,
        "timeline": [
            {"at": _local(e.at), "action": e.action, "note": e.note, "detail": e.detail}
            for e in public_timeline(complaint.timeline)
        ],
        # Who read the data, by role: staff names are theirs to keep.
        "access_log": [
            {"at": _local(r.at), "by": "本人" if r.actor == COMPLAINANT else "工作人员", "purpose": r.purpose}
            for r in held.access_log
        ],
    }


def _local(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).isoformat()
