"""Vectorised citizen ids equal the one-at-a-time ones of luohu.common."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from luohu.analytics.population import citizen_ids
from luohu.common.citizen_id import make_citizen_id


def test_published_test_vectors() -> None:
    """Vectors restated in policy_context.md section 9 (GB 11643-1999)."""
    result = citizen_ids.citizen_id_column(
        np.array([110105, 440524, 120223, 130132]),
        np.array([19491231, 18800101, 19890202, 19921029]),
        np.array([2, 1, 124, 382]),
    )
    expected = pl.Series(
        "citizen_id",
        ["11010519491231002X", "440524188001010014", "120223198902021249", "130132199210293822"],
    )
    assert_series_equal(result, expected)


@settings(max_examples=200)
@given(
    st.integers(min_value=110000, max_value=659999),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_same_as_make_citizen_id(code: int, birth: dt.date, sequence: int) -> None:
    column = citizen_ids.citizen_id_column(
        np.array([code]), np.array([int(f"{birth:%Y%m%d}")]), np.array([sequence])
    )
    assert column.item() == make_citizen_id(str(code), birth, sequence)


def test_sequences_are_unique_and_carry_the_sex() -> None:
    """Three men and two women born the same day in one county, one man elsewhere."""
    codes = np.array([410526, 410526, 410526, 410526, 410526, 410581])
    births = np.array(["1990-05-01"] * 6, dtype="datetime64[D]")
    male = np.array([True, True, False, True, False, True])
    sequence = citizen_ids.sequences_unique(codes, births, male, np.random.default_rng(0))
    frame = pl.DataFrame({"code": codes, "male": male, "sequence": sequence})
    result = frame.group_by("code", "male").agg(pl.col("sequence").sort()).sort("code", "male")
    expected = pl.DataFrame(
        {
            "code": [410526, 410526, 410581],
            "male": [False, True, True],
            "sequence": [[2, 4], [1, 3, 5], [1]],
        },
        schema_overrides={"sequence": pl.List(pl.Int16)},
    )
    assert result.to_dicts() == expected.to_dicts()


def test_sequences_refuse_to_overflow() -> None:
    codes = np.full(600, 410526)
    births = np.full(600, "1990-05-01", dtype="datetime64[D]")
    with pytest.raises(OverflowError, match="more than 499"):
        citizen_ids.sequences_unique(
            codes, births, np.ones(600, dtype=bool), np.random.default_rng(0)
        )


def test_code_last_year_reads_the_gbt2260_table() -> None:
    assert citizen_ids.code_last_year("410526") is None
    assert citizen_ids.code_last_year("410571") == -1
