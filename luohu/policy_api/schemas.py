"""API schemas of the policy endpoints."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from luohu.config.api_errors import ErrorOut, FieldProblemOut
from luohu.policy.facts import SettlementFacts

__all__ = ["ErrorOut", "FieldProblemOut"]


class FactsNeededOut(Schema):
    request: str | None
    facts: list[str]


class BatchItemOut(Schema):
    index: int
    decision: str | None = None
    channel: str | None = None
    channels: list[str] | None = None
    priority_flags: list[str] | None = None
    reasons: list[str] | None = None
    missing_facts: list[str] | None = None
    member_decisions: list[str] | None = None
    errors: list[FieldProblemOut] | None = None


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """Resolve local ``$ref``s so the schema can sit anywhere in the OpenAPI document."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def facts_json_schema() -> dict[str, Any]:
    """SettlementFacts as a self-contained JSON schema."""
    schema = SettlementFacts.model_json_schema()
    return _inline(schema, schema.get("$defs", {}))


def facts_request_body(*, many: bool = False) -> dict[str, Any]:
    schema = facts_json_schema()
    if many:
        schema = {"type": "array", "items": schema, "maxItems": 1000}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    }


def _model_body(model: Any) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline(schema, schema.get("$defs", {}))}},
        }
    }


def permit_request_body() -> dict[str, Any]:
    from luohu.policy.permits import PermitFacts

    return _model_body(PermitFacts)


def service_request_body() -> dict[str, Any]:
    from luohu.policy.service_facts import ServiceFacts

    return _model_body(ServiceFacts)
