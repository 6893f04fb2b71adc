"""permit_coverage on tiny inline tables: the definition, rounding, nulls and refusals."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from luohu.analytics.coverage import (
    PERIODS_SCHEMA,
    SPANS_SCHEMA,
    PermitsExtract,
    permit_coverage,
)

D = dt.date


def snapshot(
    rows: list[tuple[int, bool | None, bool | None, str | None, bool, str | None]],
    on: str = "2024-12-31",
) -> pa.Table:
    """Rows of (person_id, resident_6_months, residence_urban, residence county, hukou_in_city, hukou county)."""
    table = pa.table(
        {
            "person_id": pa.array([r[0] for r in rows], pa.int64()),
            "resident_6_months": pa.array([r[1] for r in rows], pa.bool_()),
            "residence_urban": pa.array([r[2] for r in rows], pa.bool_()),
            "residence_county_code": pa.array([r[3] for r in rows], pa.string()),
            "hukou_in_city": pa.array([r[4] for r in rows], pa.bool_()),
            "hukou_county_code": pa.array([r[5] for r in rows], pa.string()),
        }
    )
    return table.replace_schema_metadata({"luohu.snapshot_on": on})


def extract(
    periods: list[tuple[int, int, dt.date, dt.date]],
    spans: list[tuple[int, str, dt.date, dt.date | None]],
) -> PermitsExtract:
    return PermitsExtract(
        periods=pa.Table.from_pylist(
            [dict(zip(PERIODS_SCHEMA.names, row, strict=True)) for row in periods],
            schema=PERIODS_SCHEMA,
        ),
        spans=pa.Table.from_pylist(
            [dict(zip(SPANS_SCHEMA.names, row, strict=True)) for row in spans],
            schema=SPANS_SCHEMA,
        ),
    )


def test_two_of_three_covered_rounds_half_away_from_zero() -> None:
    people = snapshot(
        [
            (1, True, True, "410526", True, "410581"),
            (2, True, True, "410526", False, None),
            (3, True, True, "410526", True, "410581"),
            # Same county: not unsettled. Rural: not urban. Not resident. Null flag: not resident.
            (4, True, True, "410526", True, "410526"),
            (5, True, False, "410526", True, "410581"),
            (6, False, True, "410526", True, "410581"),
            (7, None, True, "410526", True, "410581"),
        ]
    )
    permits = extract(
        [
            (10, 1, D(2024, 3, 1), D(2025, 3, 1)),
            (20, 2, D(2024, 12, 31), D(2025, 12, 31)),
            # Person 3's year ended on 12-31 (exclusive): not valid on the day.
            (30, 3, D(2023, 12, 31), D(2024, 12, 31)),
            # Person 4 holds one but is outside the population.
            (40, 4, D(2024, 1, 1), D(2025, 1, 1)),
        ],
        [
            (10, "valid", D(2024, 3, 1), None),
            (20, "valid", D(2024, 12, 31), None),
            (30, "valid", D(2023, 12, 31), None),
            (40, "valid", D(2024, 1, 1), None),
        ],
    )
    expected = pl.DataFrame(
        {
            "year": [2024, 2024],
            "division_code": ["410526", "410500"],
            "unsettled_urban_residents": [3, 3],
            "permit_holders": [2, 2],
            "coverage_rate": [66.67, 66.67],
        },
        schema_overrides={"year": pl.Int32},
    )
    assert_frame_equal(permit_coverage(people, permits, year=2024), expected)


def test_a_status_other_than_valid_on_the_day_does_not_count() -> None:
    people = snapshot([(1, True, True, "410526", True, "410581")])
    periods = [(10, 1, D(2024, 3, 1), D(2025, 3, 1))]
    for spans, holders in (
        ([(10, "valid", D(2024, 3, 1), D(2024, 6, 1)), (10, "suspended", D(2024, 6, 1), None)], 0),
        (
            [
                (10, "suspended", D(2024, 6, 1), D(2024, 12, 31)),
                (10, "valid", D(2024, 12, 31), None),
            ],
            1,
        ),
        (
            [
                (10, "valid", D(2024, 3, 1), D(2024, 12, 31)),
                (10, "cancelled", D(2024, 12, 31), None),
            ],
            0,
        ),
    ):
        result = permit_coverage(people, extract(periods, spans), year=2024)
        assert result["permit_holders"].to_list() == [holders, holders], spans


def test_no_one_to_cover_gives_an_empty_rate_not_zero() -> None:
    result = permit_coverage(
        snapshot([(1, True, True, "410526", True, "410526")]), extract([], []), year=2024
    )
    assert result.to_dicts() == [
        {
            "year": 2024,
            "division_code": "410500",
            "unsettled_urban_residents": 0,
            "permit_holders": 0,
            "coverage_rate": None,
        }
    ]


def test_a_snapshot_of_another_day_is_refused() -> None:
    with pytest.raises(ValueError, match="not the year-end of 2024"):
        permit_coverage(snapshot([], on="2024-12-30"), extract([], []), year=2024)


def test_an_urban_resident_without_a_county_is_refused() -> None:
    with pytest.raises(ValueError, match="no residence county"):
        permit_coverage(snapshot([(1, True, True, None, False, None)]), extract([], []), year=2024)
