"""The policy engine behind the API and the CLI: facts in, decisions out.

The engine itself (luohu.policy) is pure Python. This adapter adds what needs
Django: the destination's kind comes from the registry of divisions
(luohu.registry.selectors.division_kind), and every bad input becomes one
FieldError with bilingual field-level problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from luohu.common.errors import FieldError, FieldProblem
from luohu.policy import RuleNotInForce, default_engine, frame_from_facts, parse_facts
from luohu.policy.engine import OUTPUT_COLUMNS, decode_outputs
from luohu.policy.facts import SettlementFacts
from luohu.policy.sources import plan

KIND_DISAGREES = (
    "destination_kind_disagrees",
    "迁入地类型与行政区划登记不一致（登记为 {kind}）",
    "the destination kind does not match the division registry (registered as {kind})",
)
BATCH_TOO_LARGE = (
    "batch_too_large",
    "一次最多判定 {limit} 件",
    "at most {limit} cases per request",
)
BATCH_NOT_A_LIST = ("batch_not_a_list", "应为申请事实的列表", "must be a list of facts")
BATCH_LIMIT = 1000


def _destination_kind(code: str, on: dt.date) -> str:
    from luohu.registry.selectors import division_kind

    try:
        return division_kind(code, on)
    except FieldError as exc:
        raise FieldError(
            [
                FieldProblem(
                    "destination.division_code"
                    if p.field in ("division_code", "code", "")
                    else f"destination.{p.field}",
                    p.code,
                    p.message_zh,
                    p.message_en,
                )
                for p in exc.problems
            ]
        ) from exc


def settlement_facts_resolve(data: Any) -> SettlementFacts:
    """Validate raw facts and take the destination's kind from the registry."""
    facts, _ = parse_facts(data)
    in_force = plan().in_force_from
    if facts.as_of < in_force:
        # Before the registry: a date outside the plan is the first thing wrong.
        error = RuleNotInForce(on=facts.as_of, in_force_from=in_force, citation="AY2018-19:notice")
        raise FieldError(error.as_problem())
    kind = _destination_kind(facts.destination.division_code, facts.as_of)
    if facts.destination.kind is not None and facts.destination.kind != kind:
        code, zh, en = KIND_DISAGREES
        raise FieldError(
            FieldProblem("destination.kind", code, zh.format(kind=kind), en.format(kind=kind))
        )
    destination = facts.destination.model_copy(update={"kind": kind})
    return facts.model_copy(update={"destination": destination})


def settlement_check(data: Any, *, trace: bool = True) -> dict[str, Any]:
    """Decide one settlement question; raise FieldError on any bad or missing input."""
    facts = settlement_facts_resolve(data)
    try:
        return default_engine().evaluate(facts, trace=trace)
    except RuleNotInForce as exc:
        raise FieldError(exc.as_problem()) from exc


def settlement_batch(items: Any) -> list[dict[str, Any]]:
    """Decide up to BATCH_LIMIT questions in one population frame; bad items get their errors."""
    if not isinstance(items, list):
        raise FieldError(FieldProblem("", *BATCH_NOT_A_LIST))
    if len(items) > BATCH_LIMIT:
        code, zh, en = BATCH_TOO_LARGE
        raise FieldError(
            FieldProblem("", code, zh.format(limit=BATCH_LIMIT), en.format(limit=BATCH_LIMIT))
        )
    results: list[dict[str, Any]] = [{} for _ in items]
    valid: list[tuple[int, SettlementFacts]] = []
    for index, item in enumerate(items):
        try:
            valid.append((index, settlement_facts_resolve(item)))
        except FieldError as exc:
            results[index] = {"index": index, "errors": [p.as_dict() for p in exc.problems]}
    if valid:
        frame = frame_from_facts(facts for _, facts in valid)
        decided = decode_outputs(default_engine().evaluate_frame(frame.lazy()).collect())
        for (index, _), row in zip(valid, decided.iter_rows(named=True), strict=True):
            results[index] = {"index": index, **{c: row[c] for c in OUTPUT_COLUMNS}}
            results[index]["member_decisions"] = row["member_decisions"]
    return results


def facts_needed(request: str | None) -> list[str]:
    return default_engine().facts_needed(request)


def jsonable(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


# --- residence permits, supporting services, same treatment (issue 6) ---------------


def _as_problem(exc: RuleNotInForce) -> FieldError:
    return FieldError(exc.as_problem("on"))


def permit_check(data: Any, *, on: dt.date) -> dict[str, Any]:
    """SC663:2 permit conditions for one person; FieldError on bad or missing input."""
    from luohu.policy.permits import permit_eligibility

    if not isinstance(data, Mapping):
        raise FieldError(FieldProblem("", "model_type", "应为对象", "must be an object"))
    try:
        return permit_eligibility(data, on=on).as_dict()
    except RuleNotInForce as exc:
        raise _as_problem(exc) from exc


def permit_parameters_on(on: dt.date) -> dict[str, Any]:
    from luohu.policy.permits import permit_parameters

    try:
        return permit_parameters(on).as_dict()
    except RuleNotInForce as exc:
        raise _as_problem(exc) from exc


def entitlements_check(data: Any, *, on: dt.date, trace: bool = False) -> dict[str, Any]:
    """Every supporting service for one person (AY2018-19:3.6–3.10)."""
    from luohu.policy.services import entitlements

    if not isinstance(data, Mapping):
        raise FieldError(FieldProblem("", "model_type", "应为对象", "must be an object"))
    try:
        return entitlements(data, on=on, trace=trace)
    except RuleNotInForce as exc:
        raise _as_problem(exc) from exc


def same_treatment(on: dt.date) -> list[dict[str, Any]]:
    from luohu.analytics.same_treatment import same_treatment_by_county

    try:
        return [c.as_dict() for c in same_treatment_by_county(on)]
    except RuleNotInForce as exc:
        raise _as_problem(exc) from exc
