"""Spark SQL and DuckDB run the one definition of the indicators and agree exactly.

Spark runs in local mode (Java is on the machine; PySpark is the ``spark``
extra). Inputs are Parquet files, as on a cluster.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from luohu.analytics import indicators_sql as isql
from luohu.analytics.indicators import indicators, snapshot_transfers, with_transfers
from luohu.analytics.population import snapshot_path

pytest.importorskip("pyspark")

# The settled population needs the registry's destination kinds (test database).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from luohu.analytics.spark_indicators import local_session

    session = local_session("luohu-indicators-test")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    # py4j logs from __del__ after pytest closed its streams; keep it quiet.
    logging.getLogger("py4j").setLevel(logging.CRITICAL)


def _duckdb(paths: list[Path], years: list[int]) -> pl.DataFrame:
    frame = indicators(paths, year=years)
    counts = [snapshot_transfers(p, y) for p, y in zip(paths, years, strict=True)]
    known = [c for c in counts if c is not None]
    return with_transfers(frame, pl.concat(known) if len(known) == len(counts) else None)


def test_spark_equals_duckdb_on_the_synthetic_population(
    spark: Any, settled_population_dir: Path
) -> None:
    from luohu.analytics.spark_indicators import spark_indicators

    years = [2019, 2020]
    paths = [snapshot_path(settled_population_dir, y) for y in years]
    ours = spark_indicators(spark, [str(p) for p in paths], years=years)
    theirs = _duckdb(paths, years)
    assert ours.height == 2 * 11
    assert ours["hukou_transfers"].null_count() == 0
    city = ours.filter(pl.col("division_code") == isql.CITY_CODE)["hukou_transfers"]
    assert all(n > 0 for n in city.to_list())
    assert_frame_equal(ours, theirs)


def test_rounding_gap_sign_and_empty_rates_agree(spark: Any, tmp_path: Path) -> None:
    """Hand-made cells that hit the rounding edges: 1/160 -> 0.63, negative gaps, 0 residents."""
    from luohu.analytics.spark_indicators import spark_indicators

    rows: list[dict[str, object]] = []

    def people(n: int, **row: object) -> None:
        rows.extend([row] * n)

    # 410526: 1 urban of 160 residents (0.625 % -> 0.63); hukou 2 of 3 urban (66.67 %).
    people(1, residence_county_code="410526", residence_urban=True, resident_6_months=True)
    people(159, residence_county_code="410526", residence_urban=False, resident_6_months=True)
    people(2, hukou_in_city=True, hukou_county_code="410526", hukou_urban=True)
    people(1, hukou_in_city=True, hukou_county_code="410526", hukou_urban=False)
    # 410581: hukou holders but no residents -> empty resident rate and gap.
    people(4, hukou_in_city=True, hukou_county_code="410581", hukou_urban=False)
    # A resident whose residence is known but who has lived there < 6 months.
    people(3, residence_county_code="410581", residence_urban=True, resident_6_months=False)
    frame = pl.DataFrame(
        [
            {
                "year": 2020,
                "hukou_in_city": r.get("hukou_in_city", False),
                "hukou_county_code": r.get("hukou_county_code"),
                "hukou_urban": r.get("hukou_urban"),
                "residence_county_code": r.get("residence_county_code"),
                "residence_urban": r.get("residence_urban"),
                "resident_6_months": r.get("resident_6_months"),
                "settled_on": dt.date(2020, 5, 1) if r.get("hukou_urban") else None,
            }
            for r in rows
        ],
        schema={
            "year": pl.Int16,
            "hukou_in_city": pl.Boolean,
            "hukou_county_code": pl.String,
            "hukou_urban": pl.Boolean,
            "residence_county_code": pl.String,
            "residence_urban": pl.Boolean,
            "resident_6_months": pl.Boolean,
            "settled_on": pl.Date,
        },
    )
    path = tmp_path / "snapshot.parquet"
    frame.write_parquet(path)
    ours = spark_indicators(spark, [str(path)], years=[2020])
    theirs = _duckdb([path], [2020])
    assert_frame_equal(ours, theirs)
    huaxian = ours.filter(pl.col("division_code") == "410526").row(0, named=True)
    assert huaxian["resident_urbanization_rate"] == 0.63
    assert huaxian["gap_points"] == -66.04  # 0.625 - 66.666... = -66.0416...
    assert huaxian["hukou_transfers"] == 2
    linzhou = ours.filter(pl.col("division_code") == "410581").row(0, named=True)
    assert linzhou["resident_urbanization_rate"] is None
    assert linzhou["gap_points"] is None


def test_a_year_missing_from_the_input_is_refused(spark: Any, settled_population_dir: Path) -> None:
    from luohu.analytics.spark_indicators import spark_indicators

    with pytest.raises(ValueError, match="2018"):
        spark_indicators(
            spark, [str(snapshot_path(settled_population_dir, 2020))], years=[2018, 2020]
        )
