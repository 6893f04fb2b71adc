"""Forecast and flags (docs/analytics/targets.md), on tiny inline series."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from luohu.accounts.roles import CITY_CODE
from luohu.monitoring.models import IndicatorFigures
from luohu.monitoring.progress import (
    AT_RISK,
    ON_TRACK,
    UNKNOWN,
    Figures,
    Targets,
    combine,
    gap_2dp,
    linear_trend,
    model_parameter,
    percent_2dp,
    progress,
    weighted_rate,
)
from luohu.monitoring.selectors import figures_shown

CITY = Targets(
    target_year=2020,
    baseline_year=2015,
    hukou_rate=Decimal("40"),
    yearly_transfers=100,
    yearly_rate_increase=Decimal("2"),
    gap_reduction=Decimal("2"),
)


def year(y: int, urban_hukou: int, transfers: int | None = None, urban_res: int = 500) -> Figures:
    """1,000 residents and 1,000 hukou holders; rates are counts / 10."""
    return Figures(y, CITY_CODE, 1000, urban_res, 1000, urban_hukou, transfers)


def test_rounding_matches_the_indicators_definition() -> None:
    assert percent_2dp(1, 160) == Decimal("0.63")  # 0.625 rounds away from zero
    assert percent_2dp(1, 0) is None
    assert gap_2dp(1, 3, 1, 6) == Decimal("16.67")
    assert gap_2dp(1, 6, 1, 3) == Decimal("-16.67")


def test_linear_trend_needs_two_years_and_reads_the_line() -> None:
    assert linear_trend([(2015, Decimal("30"))], 2020) is None
    assert linear_trend([(2015, Decimal("30")), (2017, Decimal("34"))], 2020) == Decimal("40.00")


def test_on_track_when_the_trend_reaches_the_target() -> None:
    """30 % in 2015 rising 2 points a year reaches 40 % in 2020 exactly: on track (以上)."""
    series = [year(2015, 300, urban_res=600), year(2017, 340, 100, urban_res=610)]
    result = progress(series, CITY, pipeline_open=0, division_code=CITY_CODE)
    assert result.forecast_hukou_rate == Decimal("40.00")
    assert result.flags == {
        "hukou_rate": ON_TRACK,
        "transfers": ON_TRACK,
        "rate_increase": ON_TRACK,
        "gap": ON_TRACK,  # 30 → 27 points: the trend reads 22.5 in 2020, ≤ 30 - 2
    }
    assert result.overall == ON_TRACK


def test_at_risk_when_short_and_the_pipeline_can_lift_it() -> None:
    """Slower rise: at risk; open cases x the registration share add their points."""
    series = [year(2015, 300), year(2017, 330, 80)]
    slow = progress(series, CITY, pipeline_open=0, division_code=CITY_CODE)
    assert slow.forecast_hukou_rate == Decimal("37.50")
    assert slow.flags["hukou_rate"] == AT_RISK and slow.flags["transfers"] == AT_RISK
    assert slow.overall == AT_RISK
    share = Decimal(str(model_parameter("pipeline_registration_share")))
    open_cases = 40
    lifted = progress(series, CITY, pipeline_open=open_cases, division_code=CITY_CODE)
    uplift = (open_cases * share * 100 / 1000).quantize(Decimal("0.01"))
    assert lifted.pipeline_uplift_points == uplift
    assert lifted.forecast_hukou_rate == Decimal("37.50") + uplift
    # Transfers: 80 a year recorded plus the open cases spread over the 3 years left.
    assert lifted.forecast_yearly_transfers == (80 + open_cases * share / 3).quantize(
        Decimal("0.01")
    )


def test_the_target_year_itself_is_the_outcome_not_a_forecast() -> None:
    series = [year(2015, 300), year(2018, 390), year(2020, 399)]
    result = progress(series, CITY, pipeline_open=1000, division_code=CITY_CODE)
    assert result.forecast_hukou_rate == Decimal("39.90")
    assert result.flags["hukou_rate"] == AT_RISK


def test_missing_figures_or_targets_are_unknown() -> None:
    result = progress([], Targets(2020, 2015, None, None), pipeline_open=0, division_code="410526")
    assert result.flags == {"hukou_rate": UNKNOWN, "transfers": UNKNOWN}
    assert result.overall == UNKNOWN
    one = progress([year(2018, 350)], CITY, pipeline_open=0, division_code=CITY_CODE)
    assert one.flags["hukou_rate"] == UNKNOWN and one.flags["gap"] == UNKNOWN


def test_weighted_rate_of_county_targets() -> None:
    rates = {"a": Decimal("50"), "b": Decimal("30")}
    assert weighted_rate(rates, {"a": 1, "b": 3}) == Decimal("35.00")
    assert weighted_rate(rates, {}) is None


@pytest.mark.django_db
def test_the_city_from_its_counties_equals_duckdb(computed: Path) -> None:
    """Summing the ten counties' counts gives DuckDB's city row, rates to the hundredth."""
    city = IndicatorFigures.objects.get(year=2020, division_code=CITY_CODE)
    shown = figures_shown()[2020][CITY_CODE]
    assert shown.hukou_population == city.hukou_population
    assert shown.resident_rate == city.resident_urbanization_rate
    assert shown.hukou_rate == city.hukou_urbanization_rate
    assert shown.gap == city.gap_points
    with pytest.raises(ValueError, match="one year"):
        combine([year(2015, 1), year(2016, 1)], CITY_CODE)


def test_the_rule_is_written_down() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "analytics" / "targets.md").read_text()
    for phrase in ("on_track", "at_risk", "pipeline_registration_share", "least-squares"):
        assert phrase in doc
