"""Typed errors the domain raises; handlers map each kind to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, phrased so the user knows what to fix."""

    field: str
    code: str
    message: str


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    code = "validation_error"

    def __init__(self, errors: list[FieldError]) -> None:
        summary = "；".join(f"{error.field}：{error.message}" for error in errors)
        super().__init__(f"提交的内容有误：{summary}")
        self.errors = errors


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class SubmissionKeyReused(DomainError):
    """One Idempotency-Key sent with two different submissions."""

    code = "idempotency_key_reused"
    default_message = "同一个 Idempotency-Key 不能用于内容不同的提交，请换一个新的值"

    def __init__(self, message: str = default_message) -> None:
        super().__init__(message)
