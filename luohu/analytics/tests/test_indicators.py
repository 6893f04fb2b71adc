"""Urbanisation indicators on tiny hand-built snapshots: exact counts, rates, gap, transfers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from luohu.analytics.indicators import (
    CITY_CODE,
    INDICATOR_COLUMNS,
    hukou_transfers,
    indicators,
    with_transfers,
)

HUAXIAN = "410526"
LINZHOU = "410581"
ZHENGZHOU = "410100"  # a hukou outside Anyang

SCHEMA = {
    "hukou_in_city": pl.Boolean,
    "hukou_county_code": pl.String,
    "hukou_urban": pl.Boolean,
    "residence_county_code": pl.String,
    "residence_urban": pl.Boolean,
    "resident_6_months": pl.Boolean,
}
EXPECTED_SCHEMA = {
    "year": pl.Int32,
    "division_code": pl.String,
    "residents": pl.Int64,
    "urban_residents": pl.Int64,
    "resident_urbanization_rate": pl.Float64,
    "hukou_population": pl.Int64,
    "urban_hukou_population": pl.Int64,
    "hukou_urbanization_rate": pl.Float64,
    "gap_points": pl.Float64,
}


def snapshot(rows: Sequence[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


# hukou_in_city, hukou county, hukou urban, residence county, residence urban, resident
PEOPLE = [
    # Urban hukou in 滑县, living in urban 滑县.
    (True, HUAXIAN, True, HUAXIAN, True, True),
    # Rural hukou in 滑县, living in urban 林州: counts in 滑县 for hukou, 林州 as resident.
    (True, HUAXIAN, False, LINZHOU, True, True),
    # Rural hukou in 滑县, no residence recorded (nulls): hukou only.
    (True, HUAXIAN, False, None, None, None),
    # Rural hukou in 林州, arrived 4 months ago in rural 林州: not yet resident.
    (True, LINZHOU, False, LINZHOU, False, False),
    # Hukou in 郑州 (outside Anyang), resident in rural 滑县: resident only.
    (False, ZHENGZHOU, False, HUAXIAN, False, True),
    # No Anyang hukou recorded at all (null flag), resident in urban 林州.
    (None, None, None, LINZHOU, True, True),
]


def test_counts_rates_and_gap_by_county_and_city() -> None:
    """Hukou people count in the hukou county, residents in the residence county.

    Nulls: a null resident flag is not a resident; a null hukou flag is no
    Anyang hukou. Rates are exact ratios rounded half away from zero.
    """
    result = indicators(snapshot(PEOPLE), year=2020)
    expected = pl.DataFrame(
        [
            # 滑县: residents 2 (1 urban) = 50 %; hukou 3 (1 urban) = 33.33 %; gap 16.67.
            (2020, HUAXIAN, 2, 1, 50.0, 3, 1, 33.33, 16.67),
            # 林州: residents 2 (2 urban) = 100 %; hukou 1 (0 urban) = 0 %; gap 100.
            (2020, LINZHOU, 2, 2, 100.0, 1, 0, 0.0, 100.0),
            # City: residents 4 (3 urban) = 75 %; hukou 4 (1 urban) = 25 %; gap 50.
            (2020, CITY_CODE, 4, 3, 75.0, 4, 1, 25.0, 50.0),
        ],
        schema=EXPECTED_SCHEMA,
        orient="row",
    )
    assert_frame_equal(result, expected)
    assert tuple(result.columns) == INDICATOR_COLUMNS


def test_city_row_is_the_sum_of_the_counties() -> None:
    result = indicators(snapshot(PEOPLE * 7), year=2020)
    counties = result.filter(pl.col("division_code") != CITY_CODE)
    city = result.filter(pl.col("division_code") == CITY_CODE)
    for column in ("residents", "urban_residents", "hukou_population", "urban_hukou_population"):
        assert city[column].item() == counties[column].sum(), column


def test_gap_comes_from_exact_ratios_not_the_rounded_rates() -> None:
    """2/3 = 66.67 % and 1/6 = 16.67 %; exact gap 50.00, not 66.67 - 16.67 rounded."""
    people = [(True, HUAXIAN, i == 0, HUAXIAN, i < 2, i < 3) for i in range(6)]
    row = indicators(snapshot(people), year=2020).row(0, named=True)
    assert (row["resident_urbanization_rate"], row["hukou_urbanization_rate"]) == (66.67, 16.67)
    assert row["gap_points"] == 50.0


def test_half_rounds_away_from_zero_and_negative_gap() -> None:
    """1/160 = 0.625 % rounds to 0.63; a hukou rate above the resident rate gives a negative gap."""
    people = [(True, HUAXIAN, True, HUAXIAN, i == 0, True) for i in range(160)]
    row = indicators(snapshot(people), year=2020).row(0, named=True)
    assert row["resident_urbanization_rate"] == 0.63
    assert row["hukou_urbanization_rate"] == 100.0
    assert row["gap_points"] == -99.38  # 0.625 - 100 = -99.375, away from zero


def test_county_without_residents_has_null_rate_and_gap() -> None:
    people = [(True, LINZHOU, True, HUAXIAN, True, True)]
    result = indicators(snapshot(people), year=2020).filter(pl.col("division_code") == LINZHOU)
    expected = pl.DataFrame(
        [(2020, LINZHOU, 0, 0, None, 1, 1, 100.0, None)],
        schema=EXPECTED_SCHEMA,
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_resident_without_county_is_refused() -> None:
    people = [(True, HUAXIAN, True, None, True, True)]
    with pytest.raises(ValueError, match="1 residents without residence_county_code"):
        indicators(snapshot(people), year=2020)


def test_hukou_holder_without_urban_flag_is_refused() -> None:
    people = [(True, HUAXIAN, None, HUAXIAN, True, True)]
    with pytest.raises(ValueError, match="1 hukou holders without hukou_urban"):
        indicators(snapshot(people), year=2020)


def test_population_parquet_with_year_column_and_resident_in_city(tmp_path: Path) -> None:
    """The synthetic population's names (resident_in_city, year) are read; other years ignored."""
    frame = snapshot(PEOPLE).rename({"resident_6_months": "resident_in_city"})
    both = pl.concat(
        [
            frame.with_columns(year=pl.lit(2019, pl.Int16)),
            frame.with_columns(year=pl.lit(2020, pl.Int16)),
        ]
    )
    path = tmp_path / "population.parquet"
    both.write_parquet(path)
    assert_frame_equal(indicators(path, year=2020), indicators(snapshot(PEOPLE), year=2020))
    two = indicators([path], year=[2019, 2020])
    assert two["year"].to_list() == [2019] * 3 + [2020] * 3


def test_missing_year_and_misdated_snapshot_are_refused() -> None:
    with pytest.raises(ValueError, match="no snapshot rows for year"):
        indicators(snapshot(PEOPLE).with_columns(year=pl.lit(2019)), year=2020)
    table = snapshot(PEOPLE).to_arrow()
    table = table.replace_schema_metadata({"luohu.snapshot_on": "2020-06-30"})
    with pytest.raises(ValueError, match="not the year-end of 2020"):
        indicators(table, year=2020)
    with pytest.raises(ValueError, match="needs exactly one year"):
        indicators(snapshot(PEOPLE), year=[2019, 2020])
    with pytest.raises(ValueError, match="lacks columns: hukou_urban"):
        indicators(snapshot(PEOPLE).drop("hukou_urban"), year=2020)


def transfers(rows: list[tuple[str, dt.date, str]]) -> pa.Table:
    return pa.table(
        {
            "county_code": [r[0] for r in rows],
            "valid_from": pa.array([r[1] for r in rows], pa.date32()),
            "reason_in": [r[2] for r in rows],
        }
    )


TRANSFERS_SCHEMA = {"year": pl.Int32, "division_code": pl.String, "hukou_transfers": pl.Int64}


def test_transfers_count_31_december_not_1_january() -> None:
    table = transfers(
        [
            (HUAXIAN, dt.date(2019, 12, 31), "settlement"),  # previous year
            (HUAXIAN, dt.date(2020, 1, 1), "settlement"),  # first day: counts
            (HUAXIAN, dt.date(2020, 12, 31), "student_move_in"),  # last day: counts
            (LINZHOU, dt.date(2020, 6, 1), "graduate_move_out"),
            (LINZHOU, dt.date(2020, 6, 1), "birth"),  # not a transfer
            (LINZHOU, dt.date(2020, 6, 1), "initial_load"),  # not a transfer
            (LINZHOU, dt.date(2021, 1, 1), "settlement"),  # next year
        ]
    )
    expected = pl.DataFrame(
        [(2020, HUAXIAN, 2), (2020, LINZHOU, 1), (2020, CITY_CODE, 3)],
        schema=TRANSFERS_SCHEMA,
        orient="row",
    )
    assert_frame_equal(hukou_transfers(table, 2020), expected)


def test_no_transfers_gives_a_city_row_of_zero() -> None:
    expected = pl.DataFrame([(2020, CITY_CODE, 0)], schema=TRANSFERS_SCHEMA, orient="row")
    assert_frame_equal(hukou_transfers(transfers([]), 2020), expected)


def test_transfer_without_start_date_is_refused() -> None:
    table = transfers([(HUAXIAN, dt.date(2020, 1, 1), "settlement")])
    table = table.set_column(1, "valid_from", pa.array([None], pa.date32()))
    with pytest.raises(ValueError, match="null county_code or valid_from: 1"):
        hukou_transfers(table, 2020)


def test_with_transfers_zero_where_none_null_when_unknown() -> None:
    frame = indicators(snapshot(PEOPLE), year=2020)
    table = transfers([(HUAXIAN, dt.date(2020, 3, 1), "settlement")])
    known = with_transfers(frame, hukou_transfers(table, 2020))
    assert known["hukou_transfers"].to_list() == [1, 0, 1]
    unknown = with_transfers(frame, None)
    assert unknown["hukou_transfers"].to_list() == [None, None, None]


def test_transfers_to_a_county_nobody_is_counted_in_still_show() -> None:
    """Settled in 内黄县 in March, gone again by 31 December: the row is kept, rates empty."""
    frame = indicators(snapshot(PEOPLE), year=2020)
    table = transfers([("410527", dt.date(2020, 3, 1), "settlement")])
    result = with_transfers(frame, hukou_transfers(table, 2020))
    assert result["division_code"].to_list() == [HUAXIAN, "410527", LINZHOU, CITY_CODE]
    neihuang = result.filter(pl.col("division_code") == "410527").row(0, named=True)
    assert neihuang == {
        "year": 2020,
        "division_code": "410527",
        "residents": 0,
        "urban_residents": 0,
        "resident_urbanization_rate": None,
        "hukou_population": 0,
        "urban_hukou_population": 0,
        "hukou_urbanization_rate": None,
        "gap_points": None,
        "hukou_transfers": 1,
    }
    assert result.filter(pl.col("division_code") == CITY_CODE)["hukou_transfers"].item() == 1
