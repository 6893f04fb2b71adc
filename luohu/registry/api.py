"""Reference divisions API. Public reference data: no authentication."""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from luohu.common.errors import FieldError, FieldProblem
from luohu.config.api_errors import ErrorOut, error_body
from luohu.registry import selectors
from luohu.registry.schemas import DivisionOut

router = Router(tags=["registry"])

API_DATE_REQUIRED = ("date_required", "缺少日期", "the date is required (YYYY-MM-DD)")
API_DATE_INVALID = (
    "date_invalid",
    "日期无效，应为 YYYY-MM-DD",
    "not a valid date; use YYYY-MM-DD",
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ON = Field(None, description="Date the answer is for, YYYY-MM-DD", examples=["2021-09-18"])


class DivisionFilter(Schema):
    # Parsed in the handler, so a bad date gets the same bilingual body as
    # every other bad input.
    on: str | None = _ON
    parent: str | None = Field(None, description="Code of the parent division")


class DivisionOnDate(Schema):
    on: str | None = _ON


def _date(value: str | None) -> dt.date:
    spec = API_DATE_REQUIRED
    if value:
        spec = API_DATE_INVALID
        try:
            if _ISO_DATE.fullmatch(value):
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
    code, zh, en = spec
    raise FieldError(FieldProblem("on", code, zh, en))


@router.get(
    "/divisions",
    response={200: list[DivisionOut], 422: ErrorOut},
    auth=None,
    summary="Divisions in force on a date, optionally under one parent",
)
def division_list(request: HttpRequest, filters: Query[DivisionFilter]) -> Status[object]:
    try:
        on = _date(filters.on)
        if filters.parent is not None:
            selectors.division_validate_code(filters.parent, on, "parent")
    except FieldError as exc:
        return Status(422, error_body(exc))
    return Status(200, list(selectors.division_list(on=on, parent_code=filters.parent)))


@router.get(
    "/divisions/{code}",
    response={200: DivisionOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="One division as it was on a date",
)
def division_detail(
    request: HttpRequest, code: str, query: Query[DivisionOnDate]
) -> Status[object]:
    try:
        return Status(200, selectors.division_get(code, _date(query.on)))
    except FieldError as exc:
        status = 422 if exc.codes[0] in {API_DATE_REQUIRED[0], API_DATE_INVALID[0]} else 404
        return Status(status, error_body(exc))
