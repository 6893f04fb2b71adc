"""政策参数 Dated parameters, guardrails and county settings.

Each YAML file under ``parameters/`` is one parameter: a description, the
Chinese term, a unit and dated values, each with the clause it implements.
A value changes only by adding a date. ``local_setting`` marks values the plan
does not fix. A parameter that a county may override names its guardrail.
County decisions (AY2018-19:1.2.c) live in ``counties/`` and are validated on
load: one that breaks a guardrail stops the load with the clause it breaks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from luohu.common.errors import FieldProblem
from luohu.policy.errors import CountyOverrideRefused, RuleNotInForce
from luohu.policy.sources import UnknownCitation, clause, plan

PARAMETERS_DIR = Path(__file__).parent / "parameters"
COUNTIES_DIR = Path(__file__).parent / "counties"

COUNTY_CLAUSE = "AY2018-19:1.2.c"
CONDITIONS_GUARDRAILS = (
    "guardrails/forbidden_settlement_conditions",
    "guardrails/forbidden_rural_rights_conditions",
)
_ANYANG_COUNTY = re.compile(r"^4105(0[1-9]|[1-9][0-9])$")


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Any
    clause: str
    expected: bool = False


@dataclass(frozen=True)
class Guardrail:
    kind: str  # "max" or "includes"
    parameter: str


@dataclass(frozen=True)
class Parameter:
    path: str
    description: str
    term_zh: str
    unit: str
    values: tuple[DatedValue, ...]
    local_setting: str | None = None
    county_may_override: bool = False
    guardrail: Guardrail | None = None
    reading: str | None = None

    def at(self, on: dt.date) -> DatedValue:
        """The value in force on ``on``; RuleNotInForce before the first date."""
        current = [v for v in self.values if v.start <= on and not v.expected]
        if not current or current[-1].value is None:
            first = self.values[0]
            raise RuleNotInForce(on=on, in_force_from=first.start, citation=first.clause)
        return current[-1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "description": self.description,
            "term_zh": self.term_zh,
            "unit": self.unit,
            "local_setting": self.local_setting,
            "county_may_override": self.county_may_override,
            "guardrail": None
            if self.guardrail is None
            else {"kind": self.guardrail.kind, "parameter": self.guardrail.parameter},
            "reading": self.reading,
            "values": [
                {
                    "start": v.start.isoformat(),
                    "value": _jsonable(v.value),
                    "clause": v.clause,
                    "expected": v.expected,
                }
                for v in self.values
            ],
        }


@dataclass(frozen=True)
class CountyDecision:
    county: str
    effective_from: dt.date
    decided_by: str
    overrides: dict[str, Any]
    source: str = ""


@dataclass
class ParameterSet:
    parameters: dict[str, Parameter]
    counties: list[CountyDecision] = field(default_factory=list)

    def __getitem__(self, path: str) -> Parameter:
        return self.parameters[path]

    def value(self, path: str, on: dt.date, county: str | None = None) -> DatedValue:
        """The value on ``on`` for a destination in ``county`` (city value if none)."""
        param = self.parameters[path]
        city = param.at(on)
        if county is None:
            return city
        decisions = [
            d
            for d in self.counties
            if d.county == county and path in d.overrides and d.effective_from <= on
        ]
        if not decisions:
            return city
        latest = max(decisions, key=lambda d: d.effective_from)
        if latest.effective_from < city.start:
            # A later city value replaces an older county decision only if the
            # county decision predates it; a county that wants to keep its own
            # value re-adopts it with a new date.
            return city
        return DatedValue(latest.effective_from, latest.overrides[path], COUNTY_CLAUSE)

    def expr(self, path: str, build: Callable[[Any], pl.Expr] | None = None) -> pl.Expr:
        """The parameter as a column expression over ``as_of`` and ``destination_county``.

        One when-chain covers every date and county, so the same expression
        serves one case and a population whose rows have different dates.
        Before the first date the value is null: rules read that as "not in
        force", never as a default.
        """
        to_expr = build or (lambda value: pl.lit(value))
        param = self.parameters[path]
        branches: list[tuple[pl.Expr, pl.Expr]] = []
        city_values = [v for v in param.values if not v.expected]
        city_starts = [v.start for v in city_values]
        for decision in sorted(self.counties, key=lambda d: d.effective_from, reverse=True):
            if path not in decision.overrides:
                continue
            later_city = [s for s in city_starts if s > decision.effective_from]
            condition = (pl.col("destination_county") == decision.county) & (
                pl.col("as_of") >= decision.effective_from
            )
            if later_city:
                condition = condition & (pl.col("as_of") < min(later_city))
            branches.append((condition, to_expr(decision.overrides[path])))
        for dated in reversed(city_values):
            value = pl.lit(None) if dated.value is None else to_expr(dated.value)
            branches.append((pl.col("as_of") >= dated.start, value))
        chain: Any = pl.when(branches[0][0]).then(branches[0][1])
        for condition, value in branches[1:]:
            chain = chain.when(condition).then(value)
        return chain.otherwise(None).alias(f"param:{path}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def load_parameter(path: str, data: dict[str, Any]) -> Parameter:
    values = tuple(
        DatedValue(
            start=start,
            value=body["value"],
            clause=body["clause"],
            expected=bool(body.get("expected", False)),
        )
        for start, body in sorted(data["values"].items())
    )
    guardrail = data.get("guardrail")
    return Parameter(
        path=path,
        description=data["description"],
        term_zh=data["term_zh"],
        unit=data["unit"],
        values=values,
        local_setting=data.get("local_setting"),
        county_may_override=bool(data.get("county_may_override", False)),
        guardrail=None if guardrail is None else Guardrail(**guardrail),
        reading=data.get("reading"),
    )


def load_parameter_tree(root: Path = PARAMETERS_DIR) -> dict[str, Parameter]:
    params = {}
    for file in sorted(root.rglob("*.yaml")):
        path = file.relative_to(root).with_suffix("").as_posix()
        params[path] = load_parameter(path, yaml.safe_load(file.read_text(encoding="utf-8")))
    return params


# Refusal messages: (code, zh, en); {placeholders} are filled per problem.
REFUSE_NOT_A_COUNTY = (
    "county_unknown",
    "{value} 不是安阳市所辖县（市、区）代码",
    "{value} is not the code of a county, county-level city or district of Anyang",
)
REFUSE_BEFORE_PLAN = (
    "county_before_plan",
    "生效日期早于方案施行日 {start}",
    "the effective date is before the plan came into force on {start}",
)
REFUSE_UNKNOWN_PARAMETER = (
    "county_unknown_parameter",
    "没有名为 {path} 的参数",
    "there is no parameter named {path}",
)
REFUSE_NOT_OVERRIDABLE = (
    "county_not_overridable",
    "{path} 由市级统一规定，县（市、区）不得变更",
    "{path} is set by the city and may not be changed by a county",
)
REFUSE_ABOVE_MAX = (
    "county_exceeds_guardrail",
    "{path} 为 {value}，超过上限 {limit}{unit}",
    "{path} is {value}, above the ceiling of {limit} {unit}",
)
REFUSE_MISSING_REQUIRED = (
    "county_excludes_required",
    "{path} 必须包含 {missing}",
    "{path} must include {missing}",
)
REFUSE_WRONG_TYPE = (
    "county_wrong_type",
    "{path} 的取值类型应与市级参数一致，且不得为负数",
    "{path} must have the same type as the city value and not be negative",
)
REFUSE_FORBIDDEN_CONDITION = (
    "county_forbidden_condition",
    "不得将 {value} 作为落户条件",
    "{value} may not be made a condition of settlement",
)
REFUSE_UNSUPPORTED_CONDITION = (
    "county_unsupported_condition",
    "{value} 不是可由县（市、区）设定的落户条件",
    "{value} is not a settlement condition a county may set",
)
REFUSE_MALFORMED = (
    "county_malformed",
    "县级配置缺少字段或字段类型错误：{value}",
    "the county configuration is missing a field or has a wrong type: {value}",
)


def _refusal(
    field_name: str, spec: tuple[str, str, str], citation: str, **fmt: Any
) -> tuple[FieldProblem, str]:
    code, zh, en = spec
    return (
        FieldProblem(
            field=field_name,
            code=code,
            message_zh=f"{zh.format(**fmt)}（违反 {citation}）",
            message_en=f"{en.format(**fmt)} (breaks {citation})",
        ),
        citation,
    )


def validate_county_config(
    data: Any, params: dict[str, Parameter], source: str = ""
) -> CountyDecision:
    """Accept a county configuration or raise CountyOverrideRefused with every problem."""
    if not isinstance(data, dict):
        raise CountyOverrideRefused(
            [_refusal("", REFUSE_MALFORMED, COUNTY_CLAUSE, value="mapping expected")]
        )
    refusals: list[tuple[FieldProblem, str]] = []
    for key, kind in (("county", str), ("effective_from", dt.date), ("overrides", dict)):
        if not isinstance(data.get(key), kind):
            refusals.append(_refusal(key, REFUSE_MALFORMED, COUNTY_CLAUSE, value=key))
    if refusals:
        raise CountyOverrideRefused(refusals)
    county = data["county"]
    start: dt.date = data["effective_from"]
    if not _ANYANG_COUNTY.match(county):
        refusals.append(_refusal("county", REFUSE_NOT_A_COUNTY, COUNTY_CLAUSE, value=county))
    in_force = plan().in_force_from
    if start < in_force:
        refusals.append(
            _refusal("effective_from", REFUSE_BEFORE_PLAN, "AY2018-19:notice", start=in_force)
        )
    for path, value in data["overrides"].items():
        refusals.extend(_check_override(path, value, start, params))
    for condition in data.get("conditions") or []:
        refusals.append(_check_condition(condition, start, params))
    if refusals:
        raise CountyOverrideRefused(refusals)
    return CountyDecision(
        county=county,
        effective_from=start,
        decided_by=str(data.get("decided_by", "")),
        overrides=dict(data["overrides"]),
        source=source,
    )


def _check_override(
    path: str, value: Any, start: dt.date, params: dict[str, Parameter]
) -> list[tuple[FieldProblem, str]]:
    name = f"overrides.{path}"
    param = params.get(path)
    if param is None:
        return [_refusal(name, REFUSE_UNKNOWN_PARAMETER, COUNTY_CLAUSE, path=path)]
    if path.startswith("guardrails/"):
        return [_refusal(name, REFUSE_NOT_OVERRIDABLE, param.values[0].clause, path=path)]
    if not param.county_may_override:
        return [_refusal(name, REFUSE_NOT_OVERRIDABLE, COUNTY_CLAUSE, path=path)]
    city = param.at(max(start, param.values[0].start)).value
    wrong_type = type(value) is not type(city) or isinstance(value, bool)
    if wrong_type or (isinstance(value, int) and value < 0):
        return [_refusal(name, REFUSE_WRONG_TYPE, COUNTY_CLAUSE, path=path)]
    if param.guardrail is None:
        return []
    limit_param = params[param.guardrail.parameter]
    limit = limit_param.at(max(start, limit_param.values[0].start))
    if param.guardrail.kind == "max" and value > limit.value:
        return [
            _refusal(
                name,
                REFUSE_ABOVE_MAX,
                limit.clause,
                path=path,
                value=value,
                limit=limit.value,
                unit=param.unit,
            )
        ]
    if param.guardrail.kind == "includes":
        missing = [item for item in limit.value if item not in value]
        if missing:
            return [
                _refusal(
                    name,
                    REFUSE_MISSING_REQUIRED,
                    limit.clause,
                    path=path,
                    missing=", ".join(missing),
                )
            ]
    return []


def _check_condition(
    condition: Any, start: dt.date, params: dict[str, Parameter]
) -> tuple[FieldProblem, str]:
    # Counties may only tune the declared parameters: any extra condition is
    # either expressly forbidden (2.2, 3.5) or outside what 1.2.c allows here.
    for guard_path in CONDITIONS_GUARDRAILS:
        guard = params[guard_path].at(max(start, params[guard_path].values[0].start))
        if condition in guard.value:
            return _refusal("conditions", REFUSE_FORBIDDEN_CONDITION, guard.clause, value=condition)
    return _refusal("conditions", REFUSE_UNSUPPORTED_CONDITION, COUNTY_CLAUSE, value=condition)


def load_county_file(path: Path, params: dict[str, Parameter]) -> CountyDecision:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CountyOverrideRefused(
            [_refusal("", REFUSE_MALFORMED, COUNTY_CLAUSE, value=str(exc).splitlines()[0])]
        ) from exc
    return validate_county_config(data, params, source=path.name)


def load_parameters(
    root: Path = PARAMETERS_DIR, counties_dir: Path | None = COUNTIES_DIR
) -> ParameterSet:
    """Load every parameter and every county decision; refuse a bad county file."""
    params = load_parameter_tree(root)
    counties = []
    if counties_dir is not None and counties_dir.is_dir():
        counties = [load_county_file(f, params) for f in sorted(counties_dir.glob("*.yaml"))]
    return ParameterSet(params, counties)


@cache
def default_parameters() -> ParameterSet:
    return load_parameters()


def parameter_clause_problems(params: dict[str, Parameter]) -> list[tuple[str, str]]:
    """(parameter path, citation) pairs whose citation points nowhere."""
    broken = []
    for param in params.values():
        for dated in param.values:
            try:
                clause(dated.clause)
            except UnknownCitation:
                broken.append((param.path, dated.clause))
    return broken
