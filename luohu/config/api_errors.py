"""The one error body every API endpoint returns: field-level, Chinese and English."""

from __future__ import annotations

from ninja import Schema

from luohu.common.errors import FieldError


class FieldProblemOut(Schema):
    field: str
    code: str
    message_zh: str
    message_en: str


class ErrorOut(Schema):
    errors: list[FieldProblemOut]


def error_body(exc: FieldError) -> dict[str, list[dict[str, str]]]:
    return {"errors": [problem.as_dict() for problem in exc.problems]}


# Pydantic error type -> (zh, en), for input ninja itself refuses before a
# handler runs (a query parameter of the wrong type, a body that is not the
# declared object).
_REQUEST_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填项", "this field is required"),
    "extra_forbidden": ("不认识的字段", "unknown field"),
    "bool_parsing": ("应为是或否（true/false）", "must be true or false"),
    "bool_type": ("应为是或否（true/false）", "must be true or false"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_type": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数", "must be a whole number"),
    "string_type": ("应为文本", "must be text"),
    "string_too_short": ("过短", "is too short"),
    "string_too_long": ("过长", "is too long"),
    "string_pattern_mismatch": ("格式不对", "does not have the required form"),
    "literal_error": ("取值不在允许范围内", "is not one of the allowed values"),
    "list_type": ("应为列表", "must be a list"),
    "too_long": ("条目过多", "has too many items"),
    "dict_type": ("应为对象", "must be an object"),
    "model_attributes_type": ("应为对象", "must be an object"),
    "json_invalid": ("请求体不是有效的 JSON", "the request body is not valid JSON"),
}
# ninja refuses a body that is not JSON (or not UTF-8) before any handler.
INVALID_BODY = {
    "errors": [
        {
            "field": "",
            "code": "invalid_json",
            "message_zh": "请求体不是有效的 JSON",
            "message_en": "the request body is not valid JSON",
        }
    ]
}
_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie", "form", "payload"})


def request_error_body(errors: list[dict[str, object]]) -> dict[str, list[dict[str, str]]]:
    """The ErrorOut body for ninja's own validation errors, field by field."""
    problems = []
    for error in errors:
        parts = [str(p) for p in error.get("loc", ()) or ()]  # type: ignore[attr-defined]
        while parts and parts[0] in _LOCATIONS:
            parts.pop(0)
        kind = str(error.get("type", "invalid"))
        zh, en = _REQUEST_MESSAGES.get(kind, ("取值无效", "is not valid"))
        problems.append(
            {"field": ".".join(parts), "code": kind, "message_zh": zh, "message_en": en}
        )
    return {"errors": problems}
