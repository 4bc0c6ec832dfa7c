"""What every HTTP handler shares: the resolver, JSON in UTF-8, errors as JSON, body limits, idempotency."""

from __future__ import annotations

import base64
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.serialization.base import BaseIdempotencySerializer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from portal.bootstrap import container
from portal.domain.errors import Conflict, DomainError, FieldError, InvalidInput, NotFound, SubmissionKeyReused
from portal.handlers.validation_messages import to_field_errors
from portal.ports import PersonalDataCipher

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_\-:.]{8,128}$")
_IN_PROGRESS_WAIT_SECONDS = 10.0

ModelT = TypeVar("ModelT", bound=BaseModel)
logger = Logger(service="portal")

# At DEBUG these libraries log route arguments and request bodies, which hold personal data:
# turning the service's log level up to troubleshoot must not turn that on.
for _library in ("aws_lambda_powertools", "botocore", "boto3", "urllib3"):
    logging.getLogger(_library).setLevel(logging.INFO)
to_json = partial(json.dumps, ensure_ascii=False, separators=(",", ":"), default=str)


def new_resolver() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True, serializer=to_json)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[Any]:
        return invalid_input_response(to_field_errors(error.errors(), container().field_labels))

    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported_type(_: RequestUnsupportedContentType) -> Response[Any]:
        return error_response(415, "unsupported_content_type", "请以 JSON 提交（Content-Type: application/json）")

    @app.exception_handler(InvalidInput)
    def invalid_domain_input(error: InvalidInput) -> Response[Any]:
        return invalid_input_response(error.errors)

    @app.exception_handler(NotFound)
    def not_found(error: NotFound) -> Response[Any]:
        return error_response(404, error.code, error.message)

    @app.exception_handler(Conflict)
    def conflict(error: Conflict) -> Response[Any]:
        return error_response(409, error.code, error.message)

    @app.exception_handler([IdempotencyValidationError, SubmissionKeyReused])
    def key_reused(_: Exception) -> Response[Any]:
        return error_response(422, SubmissionKeyReused.code, SubmissionKeyReused.default_message)

    @app.exception_handler(DomainError)
    def domain_error(error: DomainError) -> Response[Any]:
        return error_response(400, error.code, error.message)

    @app.not_found
    def no_route(_: Exception) -> Response[Any]:
        return error_response(404, "no_such_route", "没有这个接口，请检查地址")

    return app


def error_response(status: int, code: str, message: str, **extra: Any) -> Response[Any]:
    return Response(status, JSON_CONTENT_TYPE, to_json({"code": code, "message": message, **extra}))


def invalid_input_response(errors: list[FieldError]) -> Response[Any]:
    summary = "；".join(error.message for error in errors[:3])
    return error_response(
        422,
        "validation_error",
        f"提交的内容有误：{summary}",
        errors=[{"field": e.field, "code": e.code, "message": e.message} for e in errors],
    )


def model_response(status: int, body: ModelT) -> Response[ModelT]:
    """A JSON response whose body Powertools validates against the route's declared model."""
    return Response(status, JSON_CONTENT_TYPE, body)


def body_size(event: Mapping[str, Any]) -> int:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return len(base64.b64decode(body))
    return len(body.encode("utf-8"))


def serve(app: APIGatewayRestResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolve one API Gateway event, refusing oversized bodies before anything parses them."""
    limit = container().settings.max_body_bytes
    if body_size(event) > limit:
        return proxy_response(413, "body_too_large", f"提交的内容太大，不能超过 {limit // 1024} KB")
    unreadable = unreadable_body(event)
    if unreadable:
        return proxy_response(422, "validation_error", unreadable, field="body")
    try:
        return app.resolve(event, context)
    except Exception as error:
        # The exception message may quote the request, so only its type is logged.
        logger.error("unhandled error", extra={"error_type": type(error).__name__})
        return proxy_response(500, "internal_error", "服务器暂时出错，请稍后用同一个 Idempotency-Key 重试")


def unreadable_body(event: Mapping[str, Any]) -> str | None:
    """Why a body cannot be read as JSON at all (bad encoding, absurd nesting), in Chinese; None if it can.

    Caught here because the JSON parser fails on these with errors the resolver does not map.
    """
    body = event.get("body")
    if not body:
        return None
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return "请求内容必须是 UTF-8 编码的 JSON"
    try:
        json.loads(body)
    except RecursionError:
        return "请求内容的 JSON 嵌套层数过多"
    except ValueError:
        return None  # ordinary syntax errors are reported, with their position, by the validator
    return None


def proxy_response(status: int, code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """An API Gateway proxy response for errors raised outside the resolver."""
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["errors"] = [{"field": field, "code": code, "message": message}]
    return {
        "statusCode": status,
        "headers": {"Content-Type": JSON_CONTENT_TYPE},
        "body": to_json(body),
        "isBase64Encoded": False,
    }


def checked_idempotency_key(key: str | None) -> str | None:
    if key is not None and not _IDEMPOTENCY_KEY_PATTERN.fullmatch(key):
        message = "Idempotency-Key 应为 8–128 位字母、数字或 - _ : ."
        raise InvalidInput([FieldError(IDEMPOTENCY_HEADER, "invalid_header", message)])
    return key


def once_per_key(
    app: APIGatewayRestResolver | Router, key: str | None, route: str, payload: Any, work: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run `work` once per Idempotency-Key: a repeat, even a simultaneous one, gets the first result."""
    if checked_idempotency_key(key) is None:
        return work()
    settings = container().settings
    config = IdempotencyConfig(
        event_key_jmespath="[route, key]",
        payload_validation_jmespath="payload",
        expires_after_seconds=settings.idempotency_ttl_seconds,
        raise_on_no_idempotency_key=True,
    )
    if app.lambda_context is not None:
        config.register_lambda_context(app.lambda_context)

    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=container().idempotency_store,
        config=config,
        output_serializer=SealedResponse(container().personal_data_cipher),
    )
    def run(request: dict[str, Any]) -> dict[str, Any]:  # noqa: ARG001 - Powertools hashes it into the key
        return work()

    give_up_at = time.monotonic() + _IN_PROGRESS_WAIT_SECONDS
    while True:
        try:
            result: dict[str, Any] = run(request={"route": route, "key": key, "payload": payload})
            return result
        except IdempotencyAlreadyInProgressError as error:
            if time.monotonic() > give_up_at:
                raise Conflict("同一份提交正在处理中，请稍后用相同的 Idempotency-Key 重试") from error
            time.sleep(0.05)


class SealedResponse(BaseIdempotencySerializer):
    """Keeps saved responses encrypted: they can hold an access code that is shown only once."""

    _CONTEXT = "idempotency-response"

    def __init__(self, cipher: PersonalDataCipher) -> None:
        self._cipher = cipher

    def to_dict(self, data: Any) -> dict[str, Any]:
        sealed = self._cipher.seal(to_json(data).encode(), self._CONTEXT)
        return {"sealed": base64.b64encode(sealed).decode()}

    def from_dict(self, data: dict[str, Any]) -> Any:
        return json.loads(self._cipher.open(base64.b64decode(data["sealed"]), self._CONTEXT))
