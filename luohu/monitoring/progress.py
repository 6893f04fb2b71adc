"""进度与预测 Progress against target, forecast to the target year, on-track flags.

Pure Python (no Django, no database): the selectors hand in figures, targets
and pipeline counts; this module does the arithmetic. The rule is written
down in docs/analytics/targets.md; the tests read it from there.

* Rates are recomputed from counts with the rounding of
  ``luohu.analytics.indicators`` (half away from zero, two decimals, integer
  arithmetic), so a combined row (the city from its counties) equals what
  DuckDB gives for the same people.
* Forecast of a rate at the target year: least-squares line through the
  year-end values shown (at least ``trend_min_years``), read at the target
  year, plus the **pipeline uplift**: open cases x registration share, as
  urban hukou people added to the hukou population, in points.
* Forecast of yearly transfers: the average of the recorded plan years (after
  the baseline) plus the expected registrations of open cases spread over the
  years left to the target year.
* A flag is ``on_track`` when the forecast meets the target (``>=``; for
  the gap ``<=``), ``at_risk`` when it does not, ``unknown`` when a figure
  or a target is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MODEL_PARAMETERS = Path(__file__).parent / "model_parameters.yaml"

ON_TRACK = "on_track"
AT_RISK = "at_risk"
UNKNOWN = "unknown"

_HUNDREDTH = Decimal("0.01")


@cache
def model_parameter(name: str) -> Any:
    """A monitoring model setting (model_parameters.yaml); not a policy number."""
    data = yaml.safe_load(MODEL_PARAMETERS.read_text(encoding="utf-8"))
    return data[name]["value"]


def percent_2dp(num: int, den: int) -> Decimal | None:
    """num / den x 100, rounded half away from zero to 2 decimals; None when den is 0."""
    if den == 0:
        return None
    return Decimal((20000 * num + den) // (2 * den)) / 100


def gap_2dp(ur: int, r: int, uh: int, h: int) -> Decimal | None:
    """Resident rate - hukou rate from the exact ratios, rounded once (indicators.py)."""
    if r == 0 or h == 0:
        return None
    d = ur * h - uh * r
    sign = -1 if d < 0 else 1
    return sign * Decimal((20000 * abs(d) + r * h) // (2 * r * h)) / 100


@dataclass(frozen=True)
class Figures:
    """One county's (or the city's) counts for one year-end, and where they come from."""

    year: int
    division_code: str
    residents: int
    urban_residents: int
    hukou_population: int
    urban_hukou_population: int
    hukou_transfers: int | None
    locked: bool = False

    @property
    def resident_rate(self) -> Decimal | None:
        return percent_2dp(self.urban_residents, self.residents)

    @property
    def hukou_rate(self) -> Decimal | None:
        return percent_2dp(self.urban_hukou_population, self.hukou_population)

    @property
    def gap(self) -> Decimal | None:
        return gap_2dp(
            self.urban_residents, self.residents, self.urban_hukou_population, self.hukou_population
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, locked: bool = False) -> Figures:
        transfers = data.get("hukou_transfers")
        return cls(
            year=int(data["year"]),
            division_code=str(data["division_code"]),
            residents=int(data["residents"]),
            urban_residents=int(data["urban_residents"]),
            hukou_population=int(data["hukou_population"]),
            urban_hukou_population=int(data["urban_hukou_population"]),
            hukou_transfers=None if transfers is None else int(transfers),
            locked=locked,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "division_code": self.division_code,
            "residents": self.residents,
            "urban_residents": self.urban_residents,
            "resident_urbanization_rate": _num(self.resident_rate),
            "hukou_population": self.hukou_population,
            "urban_hukou_population": self.urban_hukou_population,
            "hukou_urbanization_rate": _num(self.hukou_rate),
            "gap_points": _num(self.gap),
            "hukou_transfers": self.hukou_transfers,
            "locked": self.locked,
        }

    def as_record(self) -> dict[str, Any]:
        """The figures to freeze and audit: counts as integers, rates as exact text."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "residents": self.residents,
            "urban_residents": self.urban_residents,
            "resident_urbanization_rate": text(self.resident_rate),
            "hukou_population": self.hukou_population,
            "urban_hukou_population": self.urban_hukou_population,
            "hukou_urbanization_rate": text(self.hukou_rate),
            "gap_points": text(self.gap),
            "hukou_transfers": self.hukou_transfers,
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def combine(rows: Iterable[Figures], division_code: str) -> Figures | None:
    """The sum of several counties' counts for one year (the city from its counties).

    Transfers are summed only when every row has them. All rows must be of
    one year; the result is locked only when every part is.
    """
    rows = list(rows)
    if not rows:
        return None
    years = {r.year for r in rows}
    if len(years) != 1:
        raise ValueError(f"combine() needs rows of one year, got {sorted(years)}")
    transfers = [r.hukou_transfers for r in rows]
    known = [t for t in transfers if t is not None]
    return Figures(
        year=rows[0].year,
        division_code=division_code,
        residents=sum(r.residents for r in rows),
        urban_residents=sum(r.urban_residents for r in rows),
        hukou_population=sum(r.hukou_population for r in rows),
        urban_hukou_population=sum(r.urban_hukou_population for r in rows),
        hukou_transfers=sum(known) if len(known) == len(transfers) else None,
        locked=all(r.locked for r in rows),
    )


def linear_trend(points: Sequence[tuple[int, Decimal]], at_year: int) -> Decimal | None:
    """Least-squares line through (year, value) read at ``at_year``, to 2 decimals.

    None with fewer than ``trend_min_years`` points. Exact: the sums are
    Decimal, so the result does not depend on float rounding.
    """
    if len(points) < int(model_parameter("trend_min_years")):
        return None
    n = Decimal(len(points))
    xs = [Decimal(x) for x, _ in points]
    ys = [y for _, y in points]
    zero = Decimal(0)
    mean_x = sum(xs, zero) / n
    mean_y = sum(ys, zero) / n
    sxx = sum(((x - mean_x) ** 2 for x in xs), zero)
    if sxx == 0:
        return None
    sxy = sum(((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)), zero)
    slope = sxy / sxx
    value = mean_y + slope * (Decimal(at_year) - mean_x)
    return value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Targets:
    """What one county (or the city) is measured against."""

    target_year: int
    baseline_year: int
    hukou_rate: Decimal | None
    yearly_transfers: int | None
    # City only (AY2018-19:1.3): the yearly rise and the narrowing of the gap.
    yearly_rate_increase: Decimal | None = None
    gap_reduction: Decimal | None = None


@dataclass
class Progress:
    """Forecasts and flags for one county or the city; every figure shown on a dashboard."""

    division_code: str
    latest_year: int | None
    latest_hukou_rate: Decimal | None
    forecast_hukou_rate: Decimal | None
    pipeline_open: int
    pipeline_uplift_points: Decimal | None
    average_transfers: Decimal | None
    forecast_yearly_transfers: Decimal | None
    average_rate_increase: Decimal | None
    baseline_gap: Decimal | None
    forecast_gap: Decimal | None
    flags: dict[str, str] = field(default_factory=dict)

    @property
    def overall(self) -> str:
        values = set(self.flags.values())
        if AT_RISK in values:
            return AT_RISK
        if ON_TRACK in values:
            return ON_TRACK
        return UNKNOWN

    def as_dict(self) -> dict[str, Any]:
        return {
            "division_code": self.division_code,
            "latest_year": self.latest_year,
            "latest_hukou_rate": _num(self.latest_hukou_rate),
            "forecast_hukou_rate": _num(self.forecast_hukou_rate),
            "pipeline_open": self.pipeline_open,
            "pipeline_uplift_points": _num(self.pipeline_uplift_points),
            "average_transfers": _num(self.average_transfers),
            "forecast_yearly_transfers": _num(self.forecast_yearly_transfers),
            "average_rate_increase": _num(self.average_rate_increase),
            "baseline_gap": _num(self.baseline_gap),
            "forecast_gap": _num(self.forecast_gap),
            "flags": dict(self.flags),
            "overall": self.overall,
        }


def _flag(value: Decimal | None, target: Decimal | int | None, *, at_most: bool = False) -> str:
    if value is None or target is None:
        return UNKNOWN
    met = value <= Decimal(target) if at_most else value >= Decimal(target)
    return ON_TRACK if met else AT_RISK


def progress(
    series: Sequence[Figures], targets: Targets, *, pipeline_open: int, division_code: str
) -> Progress:
    """Forecast each targeted figure to the target year and flag it (module docstring)."""
    series = sorted(series, key=lambda f: f.year)
    share = Decimal(str(model_parameter("pipeline_registration_share")))
    latest = series[-1] if series else None
    expected = Decimal(pipeline_open) * share
    rate_points = [(f.year, f.hukou_rate) for f in series if f.hukou_rate is not None]
    gap_points = [(f.year, f.gap) for f in series if f.gap is not None]
    uplift: Decimal | None = None
    if latest is not None and latest.hukou_population:
        uplift = (expected * 100 / Decimal(latest.hukou_population)).quantize(
            _HUNDREDTH, rounding=ROUND_HALF_UP
        )
    at_target = next((f for f in series if f.year == targets.target_year), None)
    if at_target is not None:
        # The target year has figures: they are the outcome, not a forecast.
        forecast_rate, forecast_gap = at_target.hukou_rate, at_target.gap
    else:
        trend_rate = linear_trend(rate_points, targets.target_year)
        trend_gap = linear_trend(gap_points, targets.target_year)
        forecast_rate = None if trend_rate is None else trend_rate + (uplift or 0)
        forecast_gap = None if trend_gap is None else trend_gap - (uplift or 0)
    plan_years = [
        f
        for f in series
        if targets.baseline_year < f.year <= targets.target_year and f.hukou_transfers is not None
    ]
    average_transfers = forecast_transfers = None
    if plan_years:
        recorded = sum(f.hukou_transfers or 0 for f in plan_years)
        average_transfers = (Decimal(recorded) / len(plan_years)).quantize(_HUNDREDTH)
        years_left = max(1, targets.target_year - plan_years[-1].year)
        forecast_transfers = (average_transfers + expected / years_left).quantize(_HUNDREDTH)
    baseline = next((f for f in series if f.year == targets.baseline_year), None)
    baseline_gap = None if baseline is None else baseline.gap
    average_rise = None
    if (
        baseline is not None
        and latest is not None
        and latest.year > baseline.year
        and baseline.hukou_rate is not None
        and latest.hukou_rate is not None
    ):
        average_rise = (latest.hukou_rate - baseline.hukou_rate) / (latest.year - baseline.year)
        average_rise = average_rise.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    flags = {
        "hukou_rate": _flag(forecast_rate, targets.hukou_rate),
        "transfers": _flag(forecast_transfers, targets.yearly_transfers),
    }
    if targets.yearly_rate_increase is not None:
        flags["rate_increase"] = _flag(average_rise, targets.yearly_rate_increase)
    if targets.gap_reduction is not None:
        gap_target = None if baseline_gap is None else baseline_gap - targets.gap_reduction
        flags["gap"] = _flag(forecast_gap, gap_target, at_most=True)
    return Progress(
        division_code=division_code,
        latest_year=None if latest is None else latest.year,
        latest_hukou_rate=None if latest is None else latest.hukou_rate,
        forecast_hukou_rate=forecast_rate,
        pipeline_open=pipeline_open,
        pipeline_uplift_points=uplift,
        average_transfers=average_transfers,
        forecast_yearly_transfers=forecast_transfers,
        average_rate_increase=average_rise,
        baseline_gap=baseline_gap,
        forecast_gap=forecast_gap,
        flags=flags,
    )


def weighted_rate(rates: Mapping[str, Decimal], weights: Mapping[str, int]) -> Decimal | None:
    """Population-weighted combination of county rates, to 2 decimals.

    sum(rate_c x hukou_population_c) / sum(hukou_population_c): the city
    rate the county targets imply if each county's hukou population stays
    as it was (docs/analytics/targets.md). None when the weights sum to 0.
    """
    total = sum(weights.get(code, 0) for code in rates)
    if total == 0:
        return None
    value = sum(rate * weights.get(code, 0) for code, rate in rates.items()) / Decimal(total)
    return value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
