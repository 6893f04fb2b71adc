"""Calibration targets: every target traces back to a row of population.csv."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from luohu.analytics.population import calibration as cal


def test_largest_remainder_splits_exactly() -> None:
    """Hamilton's method: floors first, then the largest remainders; ties go left."""
    result = pl.DataFrame(
        {
            "case": ["thirds", "ties", "zero total", "one weight zero"],
            "split": [
                cal.largest_remainder([1, 1, 1], 10).tolist(),
                cal.largest_remainder([1, 1], 3).tolist(),
                cal.largest_remainder([2, 5], 0).tolist(),
                cal.largest_remainder([0, 3, 1], 5).tolist(),
            ],
        }
    )
    expected = pl.DataFrame(
        {
            "case": ["thirds", "ties", "zero total", "one weight zero"],
            "split": [[4, 3, 3], [2, 1], [0, 0], [0, 4, 1]],
        }
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("weights", "total", "match"),
    [
        ([1.0, -1.0], 3, "not negative"),
        ([1.0, float("nan")], 3, "finite"),
        ([0.0, 0.0], 3, "zero weights"),
        ([1.0], -1, "total must not be negative"),
    ],
)
def test_largest_remainder_refuses_bad_input(weights: list[float], total: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        cal.largest_remainder(weights, total)


@given(
    st.lists(
        st.floats(min_value=0, max_value=1e7, allow_nan=False), min_size=1, max_size=12
    ).filter(lambda w: sum(w) > 0),
    st.integers(min_value=0, max_value=10_000_000),
)
def test_largest_remainder_sums_to_total_and_stays_within_one(
    weights: list[float], total: int
) -> None:
    split = cal.largest_remainder(weights, total)
    quota = np.asarray(weights) / sum(weights) * total
    assert int(split.sum()) == total
    assert (np.abs(split - quota) < 1 + 1e-9).all()


def test_census_targets_match_the_data_rows(figures: pl.DataFrame) -> None:
    """2020 county residents are the census rows, and they sum to the city bulletin."""
    targets = cal.year_targets(2020, figures=figures)
    result = pl.DataFrame(
        {
            "division_code": [c.code for c in targets.counties],
            "value": [c.residents for c in targets.counties],
        }
    )
    expected = (
        figures.filter(
            (pl.col("year") == 2020)
            & (pl.col("indicator") == "resident_population_census")
            & (pl.col("division_code") != cal.CITY_CODE)
            & pl.col("division_code").str.starts_with("4105")
        )
        .select("division_code", pl.col("value").cast(pl.Int64))
        .sort("division_code")
    )
    assert_frame_equal(result, expected)
    city = cal.figure(figures, 2020, cal.CITY_CODE, "resident_population_census").value
    assert targets.residents == city


def test_urban_target_prefers_a_read_figure_over_a_derived_one(figures: pl.DataFrame) -> None:
    """内黄县 has a derived and a read urban count; the read one is used."""
    ref = cal.figure(figures, 2020, "410527", "resident_urban_population_census", prefer_read=True)
    assert "[derived]" not in ref.source
    targets = {c.code: c for c in cal.year_targets(2020, figures=figures).counties}
    assert targets["410527"].urban == int(ref.value)
    with pytest.raises(LookupError, match="several figures"):
        cal.figure(figures, 2020, "410527", "resident_urban_population_census")


def test_county_urban_rates_are_the_census_rates(figures: pl.DataFrame) -> None:
    for county in cal.year_targets(2020, figures=figures).counties:
        rate = cal.figure(figures, 2020, county.code, "resident_urbanization_rate_census").value
        assert county.urban_rate == pytest.approx(rate, abs=0.01), county.name


def test_interpolated_year_meets_the_interpolated_city_figures(figures: pl.DataFrame) -> None:
    """2015 is an assumption: linear between the 2010 and 2020 censuses."""
    pop = {
        y: cal.figure(figures, y, cal.CITY_CODE, "resident_population_census").value
        for y in (2010, 2020)
    }
    rate = {
        y: cal.figure(figures, y, cal.CITY_CODE, "resident_urbanization_rate_census").value
        for y in (2010, 2020)
    }
    targets = cal.year_targets(2015, figures=figures)
    assert targets.residents == round((pop[2010] + pop[2020]) / 2)
    assert 100 * targets.urban / targets.residents == pytest.approx(
        (rate[2010] + rate[2020]) / 2, abs=0.01
    )
    assert targets.basis["residents"].startswith("assumption")
    hightech = next(c for c in targets.counties if c.code == "410571")
    assert hightech.urban == hightech.residents


def test_hukou_population_interpolates_the_two_anchor_rows(figures: pl.DataFrame) -> None:
    v2017 = cal.figure(figures, 2017, cal.CITY_CODE, "total_population_zongrenkou").value * 10_000
    v2023 = cal.figure(figures, 2023, cal.CITY_CODE, "hukou_population_yearend").value * 10_000
    assert cal.year_targets(2017, figures=figures).hukou_population == round(v2017)
    assert cal.year_targets(2020, figures=figures).hukou_population == round(
        v2017 + (v2023 - v2017) / 2
    )


def test_scale_one_keeps_targets_and_small_scale_keeps_rates(figures: pl.DataFrame) -> None:
    full = cal.year_targets(2020, figures=figures)
    assert cal.scale_targets(full, 1.0) == full
    small = cal.scale_targets(full, 0.01)
    assert small.residents == round(full.residents * 0.01)
    for big, little in zip(full.counties, small.counties, strict=True):
        assert abs(little.urban_rate - big.urban_rate) <= 50 / little.residents + 1e-9


def test_year_outside_the_plan_period_has_no_targets(figures: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="no targets for 2014"):
        cal.year_targets(2014, figures=figures)


@given(
    st.integers(min_value=1, max_value=200_000),
    st.floats(min_value=0, max_value=1),
    st.tuples(*[st.floats(min_value=0, max_value=30)] * 3),
)
def test_urban_by_scope_meets_both_margins(
    residents: int, rate: float, shares: tuple[float, float, float]
) -> None:
    county = cal.CountyTarget("410500", "test", residents, int(round(residents * rate)), shares)
    scopes = cal.scope_counts(county)
    urban = cal.urban_by_scope(county, scopes, [1.0, 3.0, 6.0, 6.0])
    assert int(scopes.sum()) == residents
    assert int(urban.sum()) == county.urban
    assert (urban >= 0).all() and (urban <= scopes).all()
