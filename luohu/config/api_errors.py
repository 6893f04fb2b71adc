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
