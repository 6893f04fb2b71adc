"""居住证 Residence-permit conditions and parameters (居住证暂行条例, SC663).

The API the permits app consumes::

    permit_eligibility(facts, on=date) -> PermitEligibility
    permit_parameters(on) -> PermitParameters

Conditions are the ``permits`` rules of :mod:`luohu.policy.rules.permits`;
every figure is a dated parameter under ``parameters/permits`` (or
``parameters/local/permits`` for local settings), each with its clause.
Bad or missing facts raise :class:`luohu.common.errors.FieldError` (or its
subclass :class:`luohu.policy.errors.MissingFacts`) naming the field in
Chinese and English; a date before SC663 came into force raises
:class:`luohu.policy.errors.RuleNotInForce`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from luohu.common.errors import FieldError
from luohu.policy.facts import _division_code, problems_from_validation
from luohu.policy.parameters import ParameterSet, default_parameters
from luohu.policy.rules.permits import RULE_SET, SC663_IN_FORCE
from luohu.policy.rulesets import RuleSetEngine
from luohu.policy.sources import sources

PERMIT_ELIGIBILITY_FORMAT = "luohu.policy.permit-eligibility/1"

PERMIT_SCHEMA: dict[str, Any] = {
    "as_of": pl.Date,
    "residence_months": pl.Int32,
    "has_legal_stable_employment": pl.Boolean,
    "has_legal_stable_residence": pl.Boolean,
    "is_continuously_studying": pl.Boolean,
    "residence_division_code": pl.String,
    "hukou_division_code": pl.String,
}
CONDITIONS = (
    "permit_has_left_hukou_place",
    "permit_has_lived_half_a_year",
    "permit_meets_one_condition",
)
# What would turn an unmet condition around: (zh, en).
WHAT_WOULD_CHANGE: dict[str, tuple[str, str]] = {
    "permit_has_left_hukou_place": (
        "在户籍所在县（市、区）以外居住",
        "living outside the county of hukou registration",
    ),
    "permit_has_lived_half_a_year": (
        "在居住地再居住 {months_short} 个月",
        "{months_short} more months of residence",
    ),
    "permit_meets_one_condition": (
        "取得合法稳定就业、合法稳定住所（含租赁）或连续就读之一",
        "legal stable employment, a legal stable residence (renting counts) or continuous study",
    ),
}


class PermitFacts(BaseModel):
    """居住证申领事实 The facts of one residence-permit question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    residence_months: int = Field(ge=0, le=1500, description="在居住地居住月数")
    has_legal_stable_employment: bool | None = Field(None, description="合法稳定就业")
    has_legal_stable_residence: bool | None = Field(None, description="合法稳定住所（含租赁）")
    is_continuously_studying: bool | None = Field(None, description="连续就读")
    residence_division_code: str = Field(description="居住地区划代码（乡级或县级）")
    hukou_division_code: str = Field(description="常住户口所在地区划代码")

    _codes = field_validator("residence_division_code", "hukou_division_code")(_division_code)


@dataclass(frozen=True)
class PermitReason:
    """One condition: its rule, clause and sentence in Chinese and English."""

    code: str
    clause: str
    zh: str
    en: str
    passed: bool
    what_would_change_zh: str | None = None
    what_would_change_en: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "clause": self.clause,
            "zh": self.zh,
            "en": self.en,
            "passed": self.passed,
            "what_would_change_zh": self.what_would_change_zh,
            "what_would_change_en": self.what_would_change_en,
        }


@dataclass(frozen=True)
class PermitEligibility:
    """The answer: eligible or not, the unmet conditions (``reasons``), the met ones, the trace."""

    eligible: bool
    reasons: list[PermitReason]
    met: list[PermitReason]
    trace: dict[str, Any]
    rules_date: dt.date
    parameters: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": PERMIT_ELIGIBILITY_FORMAT,
            "eligible": self.eligible,
            "rules_date": self.rules_date.isoformat(),
            "reasons": [r.as_dict() for r in self.reasons],
            "met": [r.as_dict() for r in self.met],
            "parameters": self.parameters,
            "trace": self.trace,
        }


@cache
def permit_engine() -> RuleSetEngine:
    return _engine(default_parameters())


def _engine(params: ParameterSet) -> RuleSetEngine:
    return RuleSetEngine(
        RULE_SET,
        PERMIT_SCHEMA,
        county_from="residence_division_code",
        params=params,
    )


def parse_permit_facts(facts: Mapping[str, Any] | PermitFacts) -> PermitFacts:
    """Validate raw facts or raise FieldError with every problem, field by field."""
    if isinstance(facts, PermitFacts):
        return facts
    try:
        return PermitFacts.model_validate(facts)
    except ValidationError as exc:
        raise FieldError(problems_from_validation(exc)) from exc


def permit_eligibility(
    facts: Mapping[str, Any] | PermitFacts,
    *,
    on: dt.date,
    engine: RuleSetEngine | None = None,
) -> PermitEligibility:
    """May this person apply for a residence permit on ``on`` (SC663:2)?"""
    engine = engine or permit_engine()
    parsed = parse_permit_facts(facts)
    engine.check_in_force(on, ["permit_eligible"])
    row = engine.evaluate_row({"as_of": on, **parsed.model_dump()})
    engine.raise_if_missing(row, ["permit_eligible"])
    required = row.get("param:permits/residence_months_min")
    fmt = {"months_short": None if required is None else required - parsed.residence_months}
    reasons: list[PermitReason] = []
    met: list[PermitReason] = []
    for name in CONDITIONS:
        zh, en = engine.sentence(name, row)
        passed = row[name] is True
        change = None if passed else WHAT_WOULD_CHANGE.get(name)
        reason = PermitReason(
            code=name,
            clause=engine.by_name[name].citation,
            zh=zh,
            en=en,
            passed=passed,
            what_would_change_zh=None if change is None else change[0].format_map(fmt),
            what_would_change_en=None if change is None else change[1].format_map(fmt),
        )
        (met if passed else reasons).append(reason)
    county = parsed.residence_division_code[:6]
    trace = {
        "format": "luohu.policy.trace/1",
        "source": "SC663",
        "document_number": sources()["SC663"].document_number,
        "entries": engine.trace(row, ["permit_eligible"]),
    }
    return PermitEligibility(
        eligible=bool(row["permit_eligible"]),
        reasons=reasons,
        met=met,
        trace=trace,
        rules_date=on,
        parameters=engine.parameters_used(on, county, ["permit_eligible"]),
    )


# --- parameters ----------------------------------------------------------------

NO_FIXED_TERM = "no_fixed_term"
PERMIT_PARAMETERS: dict[str, str] = {
    "residence_months_min": "permits/residence_months_min",
    "issue_days": "permits/issue_days",
    "validity_years": "permits/validity_years",
    "endorsement_window_months": "permits/endorsement_window_months",
    "endorsement_window_days": "local/permits/endorsement_window_days",
    "first_card_fee_yuan": "permits/first_card_fee_yuan",
    "endorsement_fee_yuan": "permits/endorsement_fee_yuan",
    "replacement_fee_yuan": "local/permits/replacement_fee_yuan",
}


@dataclass(frozen=True)
class PermitParameters:
    """The permit figures in force on ``on``, each with its clause (``clause_of``).

    ``issue_working_days`` is the name the permits app uses; its value is
    SC663:9's 15 日, which are calendar days (``issue_days``): a deadline
    computed from it must count calendar days.
    """

    on: dt.date
    residence_months_min: int
    issue_days: int
    validity_years: int | None
    endorsement_window_months: int
    endorsement_window_days: int
    first_card_fee_yuan: int
    endorsement_fee_yuan: int
    replacement_fee_yuan: int
    clauses: dict[str, str]
    local_settings: frozenset[str]

    @property
    def issue_working_days(self) -> int:
        return self.issue_days

    def clause_of(self, name: str) -> str:
        """The citation of one figure, e.g. ``clause_of("first_card_fee_yuan") == "SC663:21"``."""
        if name == "issue_working_days":
            name = "issue_days"
        try:
            return self.clauses[name]
        except KeyError:
            raise KeyError(f"no permit parameter named {name!r}") from None

    def is_local_setting(self, name: str) -> bool:
        return ("issue_days" if name == "issue_working_days" else name) in self.local_settings

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            **{name: getattr(self, name) for name in PERMIT_PARAMETERS},
            "issue_working_days": self.issue_working_days,
            "clauses": dict(self.clauses),
            "local_settings": sorted(self.local_settings),
        }


def permit_parameters(on: dt.date, params: ParameterSet | None = None) -> PermitParameters:
    """The permit figures in force on ``on``; RuleNotInForce before 2016-01-01."""
    params = params or default_parameters()
    values: dict[str, Any] = {}
    clauses: dict[str, str] = {}
    local = set()
    for name, path in PERMIT_PARAMETERS.items():
        dated = params.value(path, on)
        value = dated.value
        if name == "validity_years" and value == NO_FIXED_TERM:
            value = None
        values[name] = value
        clauses[name] = dated.clause
        if params[path].local_setting is not None:
            local.add(name)
    return PermitParameters(on=on, clauses=clauses, local_settings=frozenset(local), **values)


__all__ = [
    "PERMIT_ELIGIBILITY_FORMAT",
    "SC663_IN_FORCE",
    "PermitEligibility",
    "PermitFacts",
    "PermitParameters",
    "PermitReason",
    "permit_eligibility",
    "permit_parameters",
]
