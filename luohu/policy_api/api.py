"""政策规则 API: check one case, a small batch, and read the rule base.

Facts are validated by the engine itself (not by ninja) so that every bad
input gets the same bilingual, field-level body as the CLI and the forms.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from luohu.common.errors import FieldError, FieldProblem
from luohu.config.api_errors import error_body
from luohu.policy import DECISION_FORMAT
from luohu.policy_api import selectors, services
from luohu.policy_api.schemas import (
    BatchItemOut,
    ErrorOut,
    FactsNeededOut,
    facts_json_schema,
    facts_request_body,
    permit_request_body,
    service_request_body,
)

router = Router(tags=["policy"])

INVALID_JSON = ("invalid_json", "请求体不是有效的 JSON", "the request body is not valid JSON")
INVALID_DATE = ("date_invalid", "日期无效，应为 YYYY-MM-DD", "not a valid date; use YYYY-MM-DD")

Request = Literal["settle", "student_move_in", "graduate_move_out"]


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise FieldError(FieldProblem("", *INVALID_JSON)) from exc


@router.post(
    "/settlement/check",
    response={200: dict[str, Any], 422: ErrorOut},
    auth=None,
    summary="Decide one settlement question, with its explanation and trace",
    description=(
        f"Returns a `{DECISION_FORMAT}` decision: eligible or not, the channels that admit "
        "and their clauses, priority flags, a decision per family member, what is missing "
        "and what would change a no, documents to bring and the trace. The destination's "
        "kind is taken from the registry of divisions."
    ),
    openapi_extra=facts_request_body(),
)
def settlement_check(request: HttpRequest, trace: bool = True) -> Any:
    try:
        return services.settlement_check(_body(request), trace=trace)
    except FieldError as exc:
        return Status(422, error_body(exc))


@router.post(
    "/settlement/trace",
    response={200: dict[str, Any], 422: ErrorOut},
    auth=None,
    summary="The trace alone: every rule evaluated, its value, clause and sentence",
    openapi_extra=facts_request_body(),
)
def settlement_trace(request: HttpRequest) -> Any:
    try:
        return services.settlement_check(_body(request), trace=True)["trace"]
    except FieldError as exc:
        return Status(422, error_body(exc))


@router.post(
    "/settlement/batch",
    response={200: list[BatchItemOut], 422: ErrorOut},
    auth=None,
    summary="Decide up to 1000 questions at once (population path of the engine)",
    openapi_extra=facts_request_body(many=True),
)
def settlement_batch(request: HttpRequest) -> Any:
    try:
        return services.settlement_batch(_body(request))
    except FieldError as exc:
        return Status(422, error_body(exc))


@router.get(
    "/settlement/facts-needed",
    response={200: FactsNeededOut, 422: ErrorOut},
    auth=None,
    summary="Which facts a decision may read, for one request type or all",
)
def settlement_facts_needed(request: HttpRequest, request_type: Request | None = None) -> Any:
    return {"request": request_type, "facts": services.facts_needed(request_type)}


@router.get(
    "/settlement/facts-schema",
    response=dict[str, Any],
    auth=None,
    summary="JSON schema of the facts of one settlement question",
)
def settlement_facts_schema(request: HttpRequest) -> Any:
    return facts_json_schema()


@router.get(
    "/clauses",
    response=list[dict[str, Any]],
    auth=None,
    summary="The plan clause by clause: verbatim text, whether encoded, by what",
)
def clause_list(request: HttpRequest) -> Any:
    return selectors.clause_list()


@router.get(
    "/parameters",
    response={200: list[dict[str, Any]], 422: ErrorOut},
    auth=None,
    summary="Dated parameters, each value with its date and clause; optionally the value on a date",
)
def parameter_list(request: HttpRequest, on: str | None = None, county: str | None = None) -> Any:
    day = None
    if on is not None:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            return Status(422, error_body(FieldError(FieldProblem("on", *INVALID_DATE))))
    return selectors.parameter_list(day, county)


@router.get(
    "/county-settings",
    response=list[dict[str, Any]],
    auth=None,
    summary="County settings in force (AY2018-19:1.2.c)",
)
def county_setting_list(request: HttpRequest) -> Any:
    return selectors.county_setting_list()


@router.get(
    "/rules",
    response=list[dict[str, Any]],
    auth=None,
    summary="Rules with their clause, quoted text and dependencies",
)
def rule_list(request: HttpRequest) -> Any:
    return selectors.rule_list()


# --- residence permits (SC663), supporting services (3.6–3.10), same treatment (1.2.a) ---


def _date(on: str | None) -> dt.date:
    """The date asked about (YYYY-MM-DD); today (Asia/Shanghai) when none is given."""
    if on is None:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(on)
    except ValueError as exc:
        raise FieldError(FieldProblem("on", *INVALID_DATE)) from exc


@router.post(
    "/permits/eligibility",
    response={200: dict[str, Any], 422: ErrorOut},
    auth=None,
    summary="May this person apply for a residence permit (SC663:2)? Conditions, reasons, trace",
    openapi_extra=permit_request_body(),
)
def permit_eligibility_check(request: HttpRequest, on: str | None = None) -> Any:
    try:
        return services.permit_check(_body(request), on=_date(on))
    except FieldError as exc:
        return Status(422, error_body(exc))


@router.get(
    "/permits/parameters",
    response={200: dict[str, Any], 422: ErrorOut},
    auth=None,
    summary="Residence-permit figures in force on a date, each with its clause",
)
def permit_parameter_list(request: HttpRequest, on: str | None = None) -> Any:
    try:
        return services.permit_parameters_on(_date(on))
    except FieldError as exc:
        return Status(422, error_body(exc))


@router.post(
    "/entitlements",
    response={200: dict[str, Any], 422: ErrorOut},
    auth=None,
    summary="What am I entitled to, and why: every supporting service with its clause",
    description=(
        "Housing provident fund, housing security, rent subsidy (3.6), medical insurance "
        "(3.7), pension and 低保 (3.8), schooling and 中招 (3.9), basic public services "
        "(3.10, SC663:12): entitled or not, the conditions met and unmet, what would change "
        "a no, and the months that break a record. Nothing is stored."
    ),
    openapi_extra=service_request_body(),
)
def entitlements_check(request: HttpRequest, on: str | None = None, trace: bool = False) -> Any:
    try:
        return services.entitlements_check(_body(request), on=_date(on), trace=trace)
    except FieldError as exc:
        return Status(422, error_body(exc))


@router.get(
    "/same-treatment",
    response={200: list[dict[str, Any]], 422: ErrorOut},
    auth=None,
    summary="Same-treatment index by county (1.2.a): services permit holders reach vs hukou residents",
)
def same_treatment_list(request: HttpRequest, on: str | None = None) -> Any:
    try:
        return services.same_treatment(_date(on))
    except FieldError as exc:
        return Status(422, error_body(exc))
