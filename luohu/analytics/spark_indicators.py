"""Spark: the urbanisation indicators on a cluster, from the same Parquet and the same SQL.

The indicators (AY2018-19:1.3, 4.1) are the SQL text of
``luohu.analytics.indicators_sql``, compiled for Spark SQL; DuckDB runs the
same text (``luohu.analytics.indicators``). Only SQL runs on the executors
(no Python UDF), so the executors need no Python packages; the driver needs
luohu (this module and ``indicators_sql``) and PySpark.

From Python::

    spark = SparkSession.builder.getOrCreate()
    frame = spark_indicators(spark, ["s3a://bucket/population/population_2020.parquet"],
                             years=[2020])

As a Spark application (the README shows ``spark-submit``)::

    spark-submit luohu/analytics/spark_indicators.py \\
        --input 'hdfs:///luohu/population/population_*.parquet' --years 2015-2020 \\
        --out indicators.json

PySpark is an optional extra (``luohu[spark]``); it is imported only when used.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from luohu.analytics import indicators_sql as isql
from luohu.analytics.indicators import (
    SNAPSHOT_INCOMPLETE,
    SNAPSHOT_YEAR_MISSING,
    sort_transfers,
    with_transfers,
)

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

_RESIDENT_FLAGS = ("resident_6_months", "resident_in_city")
_NEEDED = (
    "hukou_in_city",
    "hukou_county_code",
    "hukou_urban",
    "residence_county_code",
    "residence_urban",
)
_LABELS = (
    "residents without residence_county_code",
    "residents without residence_urban",
    "hukou holders without hukou_county_code",
    "hukou holders without hukou_urban",
)


def _normalised(frame: DataFrame, years: list[int]) -> DataFrame:
    """The columns of the view ``snapshot`` (same contract as the DuckDB side)."""
    from pyspark.sql import functions as F  # noqa: N812

    names = set(frame.columns)
    flag = next((f for f in _RESIDENT_FLAGS if f in names), None)
    missing = [c for c in _NEEDED if c not in names] + ([] if flag else ["resident_6_months"])
    if missing or flag is None:
        raise ValueError(f"快照缺少列 the snapshot lacks columns: {', '.join(missing)}")
    if "year" in names:
        year = F.col("year").cast("int")
    elif len(years) == 1:
        year = F.lit(years[0]).cast("int")
    else:
        raise ValueError(
            "快照没有 year 列时只能指定一个年份 a snapshot without a year column needs exactly one year"
        )
    return frame.select(
        year.alias("year"),
        F.col(flag).alias("resident"),
        *(F.col(c) for c in _NEEDED),
    )


def _polars(frame: DataFrame) -> pl.DataFrame:
    """A small Spark result (tens of rows) on the driver as Polars."""
    rows = [row.asDict() for row in frame.collect()]
    return pl.DataFrame(rows, schema=frame.columns, orient="row", infer_schema_length=None)


def spark_indicators(
    spark: SparkSession,
    paths: Sequence[str],
    *,
    years: Iterable[int],
    transfers: bool = True,
) -> pl.DataFrame:
    """Both rates, the gap and (when the snapshots carry ``settled_on``) transfers, on Spark.

    ``paths`` are Parquet files (or globs) readable by the cluster, all with
    the same columns: the synthetic population's ``population_<Y>.parquet``
    or registry snapshots. The result has the columns and order of
    ``luohu.analytics.indicators.indicators`` plus ``hukou_transfers`` (null
    when the source has no settlement dates), and equals DuckDB's.
    """
    year_list = sorted({int(y) for y in years})
    source = spark.read.parquet(*paths)
    _normalised(source, year_list).createOrReplaceTempView("snapshot")
    cells = spark.sql(isql.cells_sql(isql.SPARK))
    # A few hundred rows: cached so the checks and the indicators scan once.
    cells.cache().createOrReplaceTempView("cells")
    row = spark.sql(isql.incomplete_sql(isql.SPARK, year_list)).collect()[0]
    problems = [f"{n} {label}" for n, label in zip(row, _LABELS, strict=True) if n]
    if problems:
        raise ValueError(SNAPSHOT_INCOMPLETE.format(details="; ".join(problems)))
    result = _polars(spark.sql(isql.indicators_sql(isql.SPARK, year_list)))
    result = result.cast(
        {
            "year": pl.Int32,
            "division_code": pl.String,
            **dict.fromkeys(
                ("residents", "urban_residents", "hukou_population", "urban_hukou_population"),
                pl.Int64,
            ),
            **dict.fromkeys(
                ("resident_urbanization_rate", "hukou_urbanization_rate", "gap_points"),
                pl.Float64,
            ),
        }
    )
    found = set(result["year"].to_list())
    if missing := [y for y in year_list if y not in found]:
        raise ValueError(SNAPSHOT_YEAR_MISSING.format(years=", ".join(map(str, missing))))
    cells.unpersist()
    if not transfers or "settled_on" not in source.columns:
        return with_transfers(result, None)
    source.createOrReplaceTempView("source")
    spark.sql(isql.snapshot_transfers_sql("source")).createOrReplaceTempView("transfers")
    counts = [
        sort_transfers(_polars(spark.sql(isql.transfers_sql(isql.SPARK, year))))
        for year in year_list
    ]
    return with_transfers(result, pl.concat(counts))


def spark_transfers(spark: SparkSession, path: str, year: int) -> pl.DataFrame:
    """Transfers of ``year`` from a Parquet file of transfer records (the registry's extract).

    Columns ``county_code``, ``valid_from``, ``reason_in``, as
    ``luohu.monitoring.extract.registry_transfers_table`` gives them.
    """
    spark.read.parquet(path).createOrReplaceTempView("transfers")
    return sort_transfers(_polars(spark.sql(isql.transfers_sql(isql.SPARK, year))))


def local_session(app_name: str = "luohu-indicators", cores: int = 2) -> SparkSession:
    """A Spark session in local mode (tests, the `--engine spark` flag on one machine)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def parse_years(text: str) -> list[int]:
    if "-" in text:
        first, last = text.split("-", 1)
        return list(range(int(first), int(last) + 1))
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``spark-submit``: indicators as JSON (file or stdout)."""
    parser = argparse.ArgumentParser(
        description="Urbanisation indicators by county and year on Spark (AY2018-19:1.3, 4.1)."
    )
    parser.add_argument(
        "--input", action="append", required=True, help="Parquet file, directory or glob (repeat)"
    )
    parser.add_argument("--years", required=True, help="2020, 2015-2020 or 2015,2020")
    parser.add_argument("--out", help="JSON file to write (default: stdout)")
    args = parser.parse_args(argv)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("luohu-indicators").getOrCreate()
    try:
        frame = spark_indicators(spark, args.input, years=parse_years(args.years))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        spark.stop()
        return 2
    payload: dict[str, Any] = {
        "years": parse_years(args.years),
        "engine": "spark",
        "transfers_available": frame["hukou_transfers"].null_count() < frame.height,
        "rows": frame.to_dicts(),
    }
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        print(text)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
