"""Turns pydantic's validation errors into Chinese messages that name the field and say what to fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from portal.domain.errors import FieldError

_BY_TYPE: Mapping[str, str] = {
    "missing": "请填写{label}",
    "extra_forbidden": "不认识的字段“{field}”，请删除后再提交",
    "string_too_short": "{label}至少需要 {min_length} 个字",
    "string_too_long": "{label}最多 {max_length} 个字",
    "too_short": "{label}至少需要 {min_length} 项",
    "too_long": "{label}最多 {max_length} 项",
    "string_pattern_mismatch": "{label}格式不正确",
    "string_type": "{label}应当是文字",
    "date_from_datetime_parsing": "{label}请写成 年-月-日，例如 2026-03-15",
    "date_parsing": "{label}请写成 年-月-日，例如 2026-03-15",
    "date_from_datetime_inexact": "{label}请写成 年-月-日，例如 2026-03-15",
    "date_type": "{label}请写成 年-月-日，例如 2026-03-15",
    "decimal_parsing": "{label}应当是数字",
    "decimal_type": "{label}应当是数字",
    "decimal_max_places": "{label}最多保留两位小数",
    "finite_number": "{label}应当是一个普通的数字",
    "decimal_max_digits": "{label}数值太大",
    "greater_than_equal": "{label}不能小于 {ge}",
    "less_than_equal": "{label}不能大于 {le}",
    "bool_type": "{label}只能是 true 或 false",
    "bool_parsing": "{label}只能是 true 或 false",
    "model_type": "{label}应当是一个对象",
    "model_attributes_type": "{label}应当是一个对象",
    "dict_type": "{label}应当是一个对象",
    "list_type": "{label}应当是一个列表",
    "json_invalid": "请求内容不是有效的 JSON",
    "value_error": "{label}：{reason}",
}

# Field-specific wording where the generic one would not tell the user what to do.
_BY_FIELD: Mapping[tuple[str, str], str] = {
    ("complainant.phone", "string_pattern_mismatch"): "请填写 11 位中国大陆手机号码，例如 13800138000",
    ("complainant.email", "value_error"): "请填写有效的电子邮箱，例如 name@example.com",
}


# Fields of the follow-up, self-service and organizer routes, named as their forms name them.
OPERATION_LABELS: Mapping[str, str] = {
    "action": "操作",
    "note": "说明",
    "public": "是否公开给投诉人",
    "reason": "不予受理的理由",
    "outcome": "结案方式",
    "amount_recovered": "挽回金额",
    "expected_version": "案件版本",
    "handler": "办理人",
    "text": "备注",
    "original": "原投诉编号",
    "tracking_nos": "投诉编号",
    "level": "满意度",
    "comment": "评价意见",
    "phone": "手机号码",
    "email": "电子邮箱",
    "consent": "要撤回的同意",
    "from": "开始日期",
    "to": "结束日期",
    "format": "导出格式",
    "publication": "用于公开发布",
    "status": "状态",
    "overdue": "仅看超期",
    "offset": "翻页位置",
    "limit": "每页条数",
    "q": "搜索内容",
}


def field_path(location: Sequence[Any]) -> str:
    """("body", "complainant", "phone") → "complainant.phone"; list positions are dropped."""
    parts = [str(part) for part in location if not isinstance(part, int)]
    if parts and parts[0] in {"header", "headers"} and len(parts) > 1:
        return "-".join(word.capitalize() for word in parts[1].split("-"))
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def to_field_errors(errors: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> list[FieldError]:
    result: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        field = field_path(error.get("loc", ()))
        kind = str(error.get("type", "value_error"))
        if (field, kind) in seen:
            continue
        seen.add((field, kind))
        template = _BY_FIELD.get((field, kind)) or _BY_TYPE.get(kind, "{label}不符合要求")
        context = {key: value for key, value in (error.get("ctx") or {}).items() if key != "error"}
        reason = str(error.get("msg", "")).removeprefix("Value error, ")
        label = labels.get(field, field)
        message = template.format_map(_Blank({**context, "label": label, "field": field, "reason": reason}))
        result.append(FieldError(field=field, code=kind, message=message))
    return result


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""
