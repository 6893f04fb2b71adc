"""What-if 情景推演: a county changes a local setting within its guardrail (1.2.c).

The policy engine runs over the county's residents in the synthetic
population twice, with the city's (and the county's adopted) settings and
with the proposed value, exactly as ``luohu policy batch`` would
(``Engine.evaluate_frame``). Nothing is written; ``whatif_save`` keeps a
result only when the user asks.

* **Newly eligible**: residents of the county the rules admit with the
  proposed value and not with the current one, asked as if each wanted to
  settle (consent is then the willingness below, not a condition here).
* **Projected transfers**: those of them willing to settle — the synthetic
  population's ``willing_to_settle``, drawn with the documented model
  parameter ``willingness_to_settle`` (luohu/analytics/population/params.yaml:
  0.4 for urban residents with a rural or non-local hukou, 0.05 otherwise).
* **Both rates after**: each projected transfer joins the county's urban
  hukou population; someone whose hukou was outside the county also joins
  its hukou population (and leaves their home county's). The resident rate
  does not change: these people already live there. The counts are those of
  the same Parquet file (indicators by DuckDB), so scale does not mix.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings

from luohu.accounts.models import User
from luohu.accounts.roles import CITY_CODE
from luohu.accounts.selectors import user_can_reach_county
from luohu.analytics.indicators import indicators
from luohu.analytics.population import snapshot_path
from luohu.analytics.population.settlement_facts import settlement_facts
from luohu.common.errors import FieldError, field_error
from luohu.monitoring.progress import Figures, percent_2dp
from luohu.monitoring.selectors import city_targets, county_target_for
from luohu.policy.engine import Engine, default_engine
from luohu.policy.errors import CountyOverrideRefused
from luohu.policy.parameters import (
    COUNTY_CLAUSE,
    Parameter,
    ParameterSet,
    default_parameters,
    validate_county_config,
)
from luohu.registry.selectors import division_counties_by_code, division_kinds

WHATIF_COUNTY_UNKNOWN = (
    "whatif_county_unknown",
    "请选择您管辖范围内的县（市、区）",
    "choose a county within your jurisdiction",
)
WHATIF_PARAMETER_UNKNOWN = (
    "whatif_parameter_unknown",
    "该参数不能由县（市、区）在推演中调整",
    "this parameter is not a local setting a county may try here",
)
WHATIF_VALUE_INVALID = (
    "whatif_value_invalid",
    "取值须为不小于 0 的整数",
    "the value must be a whole number, 0 or more",
)
WHATIF_NO_POPULATION = (
    "whatif_no_population",
    "尚未生成合成人口（luohu population generate），无法推演",
    "no synthetic population has been generated yet (luohu population generate)",
)
_POPULATION_FILE = re.compile(r"population_(\d{4})\.parquet$")


def whatif_parameters() -> list[Parameter]:
    """The local settings a what-if may change: read by the settlement rules,
    overridable by a county, numeric, with a guardrail."""
    params = default_parameters()
    used = set(default_engine().parameter_paths)
    return [
        p
        for p in params.parameters.values()
        if p.path in used
        and p.county_may_override
        and p.guardrail is not None
        and isinstance(p.values[-1].value, int)
        and not isinstance(p.values[-1].value, bool)
    ]


def population_dir() -> Path:
    configured = getattr(settings, "MONITORING_POPULATION_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "population"


def population_year(directory: Path) -> int | None:
    """The latest year-end with a synthetic population file in ``directory``."""
    years = [
        int(m.group(1))
        for f in directory.glob("population_*.parquet")
        if (m := _POPULATION_FILE.search(f.name))
    ]
    return max(years) if years else None


def _scale(directory: Path) -> float | None:
    summary = directory / "summary.json"
    if not summary.is_file():
        return None
    try:
        return float(json.loads(summary.read_text(encoding="utf-8"))["scale"])
    except (ValueError, KeyError, TypeError):
        return None


def _guardrail(param: Parameter, on: dt.date) -> dict[str, Any]:
    params = default_parameters()
    assert param.guardrail is not None
    limit = params[param.guardrail.parameter]
    dated = limit.at(max(on, limit.values[0].start))
    return {"kind": param.guardrail.kind, "value": dated.value, "clause": dated.clause}


def whatif_options(on: dt.date) -> list[dict[str, Any]]:
    """Each parameter a what-if may change, with its city value and guardrail."""
    params = default_parameters()
    return [
        {
            "path": p.path,
            "term_zh": p.term_zh,
            "description": p.description,
            "unit": p.unit,
            "city_value": params.value(p.path, max(on, p.values[0].start)).value,
            "guardrail": _guardrail(p, on),
        }
        for p in whatif_parameters()
    ]


def _counts(frame: pl.DataFrame, code: str) -> Figures:
    row = frame.filter(pl.col("division_code") == code).to_dicts()
    if row:
        return Figures.from_mapping({**row[0], "hukou_transfers": None})
    year = int(frame["year"][0]) if frame.height else 0
    return Figures(year, code, 0, 0, 0, 0, None)


def whatif_run(
    *,
    user: User,
    county_code: str,
    parameter: str,
    value: Any,
    directory: Path | None = None,
) -> dict[str, Any]:
    """Run the engine over the county's residents with the proposed value; write nothing.

    Raises FieldError naming the field: ``county_code`` outside the user's
    reach, an unknown ``parameter``, a ``value`` that is not a whole number
    or breaks the guardrail (the message cites the clause, e.g. 2.2).
    """
    directory = directory or population_dir()
    year = population_year(directory)
    on = dt.date(year or 2020, 12, 31)
    counties = division_counties_by_code(on)
    if county_code not in counties or not user_can_reach_county(user, county_code):
        raise field_error("county_code", WHATIF_COUNTY_UNKNOWN)
    options = {p.path: p for p in whatif_parameters()}
    if parameter not in options:
        raise field_error("parameter", WHATIF_PARAMETER_UNKNOWN)
    try:
        number = int(str(value).strip())
        if number < 0 or str(number) != str(value).strip():
            raise ValueError
    except ValueError:
        raise field_error("value", WHATIF_VALUE_INVALID) from None
    base = default_parameters()
    try:
        decision = validate_county_config(
            {"county": county_code, "effective_from": on, "overrides": {parameter: number}},
            base.parameters,
            source="what-if",
        )
    except CountyOverrideRefused as exc:
        raise FieldError([replace(p, field="value") for p in exc.problems]) from exc
    if year is None:
        raise field_error("population", WHATIF_NO_POPULATION)
    path = snapshot_path(directory, year)
    current_value = base.value(parameter, on, county_code).value

    residents = pl.scan_parquet(path).filter(
        pl.col("resident_in_city") & (pl.col("residence_county_code") == county_code)
    )
    facts = settlement_facts(residents, destination_kinds=division_kinds(county_code, on))
    # Eligibility is asked as if each resident wished to settle; the
    # willingness drawn for them decides who is projected to transfer.
    facts = facts.with_columns(willing=pl.col("consent"), consent=pl.lit(True))
    keep = ["person_id", "willing", "hukou_division_code", "hukou_nature", "hukou_province"]
    scenario_engine = Engine(ParameterSet(base.parameters, [*base.counties, decision]))
    before = default_engine().evaluate_frame(facts, keep=keep).select("person_id", "decision")
    after = scenario_engine.evaluate_frame(facts, keep=keep)
    joined = (
        after.join(before, on="person_id", how="left", suffix="_before")
        .select(
            (pl.col("decision") == "eligible").alias("eligible_after"),
            (pl.col("decision_before") == "eligible").alias("eligible_before"),
            pl.col("willing").fill_null(False),
            pl.col("hukou_province").is_null().alias("anyang_hukou"),
            pl.col("hukou_division_code").str.slice(0, 6).alias("hukou_county"),
            (pl.col("hukou_nature") == "rural").alias("rural_hukou"),
        )
        .collect()
    )
    new = joined.filter(pl.col("eligible_after") & ~pl.col("eligible_before"))
    lost = joined.filter(~pl.col("eligible_after") & pl.col("eligible_before")).height
    moving = new.filter(pl.col("willing"))
    same_county = moving.filter(pl.col("anyang_hukou") & (pl.col("hukou_county") == county_code))
    from_outside_county = moving.height - same_county.height
    from_outside_city = moving.filter(~pl.col("anyang_hukou")).height
    rural_in_city = moving.filter(pl.col("anyang_hukou") & pl.col("rural_hukou")).height

    frame = indicators(path, year=year)
    county = _counts(frame, county_code)
    city = _counts(frame, CITY_CODE)
    county_after = replace(
        county,
        hukou_population=county.hukou_population + from_outside_county,
        urban_hukou_population=county.urban_hukou_population
        + same_county.filter(pl.col("rural_hukou")).height
        + from_outside_county,
    )
    city_after = replace(
        city,
        hukou_population=city.hukou_population + from_outside_city,
        urban_hukou_population=city.urban_hukou_population + rural_in_city + from_outside_city,
    )
    targets = city_targets(on)
    county_targets = county_target_for(county_code, targets)
    scale = _scale(directory)

    def rates(f: Figures) -> dict[str, float | None]:
        return {
            "resident_urbanization_rate": _float(f.resident_rate),
            "hukou_urbanization_rate": _float(
                percent_2dp(f.urban_hukou_population, f.hukou_population)
            ),
            "gap_points": _float(f.gap),
        }

    return {
        "county_code": county_code,
        "county_name": counties[county_code].name,
        "parameter": parameter,
        "value": number,
        "current_value": current_value,
        "clause": COUNTY_CLAUSE,
        "guardrail": _guardrail(options[parameter], on),
        "population_year": year,
        "scale": scale,
        "residents": joined.height,
        "eligible_before": int(joined["eligible_before"].sum()),
        "eligible_after": int(joined["eligible_after"].sum()),
        "newly_eligible": new.height,
        "no_longer_eligible": lost,
        "projected_transfers": moving.height,
        "projected_transfers_full_scale": None if not scale else round(moving.height / scale),
        "county": {"before": rates(county), "after": rates(county_after)},
        "city": {"before": rates(city), "after": rates(city_after)},
        "targets": {
            "target_year": targets.target_year,
            "city_hukou_rate": _float(targets.hukou_rate),
            "county_hukou_rate": _float(county_targets.hukou_rate),
            "city_yearly_transfers": targets.yearly_transfers,
            "county_yearly_transfers": county_targets.yearly_transfers,
        },
    }


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
