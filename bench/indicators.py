"""Benchmark: all urbanisation indicators for all counties and years, DuckDB against pandas.

    .venv/bin/python bench/indicators.py                  # 2015-2020, scale 1.0
    .venv/bin/python bench/indicators.py --years 2020     # one year, quicker
    .venv/bin/python bench/indicators.py --dir var/bench/indicators-population --repeat 5

Reads the synthetic population Parquet files (``population_<Y>.parquet``)
in ``--dir``; missing years are generated first at scale 1.0 (about 80 s for
six years) with a message saying so. Then, in the same process, times
``luohu.analytics.indicators.indicators`` (DuckDB, the one definition) and a
pandas version of the same computation (read the same columns, filter,
group by county, add the city row, the rates), both from the Parquet files,
best of ``--repeat`` runs, and checks that the counts agree exactly. Goal
(issue 5): at most 1 s, and at least 5x faster than pandas.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import polars as pl

from luohu.analytics.indicators import CITY_CODE, indicators
from luohu.analytics.population import generate_population, snapshot_path

DEFAULT_DIR = Path("var/bench/indicators-population")
SEED = 2018
COUNTS = ("residents", "urban_residents", "hukou_population", "urban_hukou_population")
PANDAS_COLUMNS = [
    "year",
    "resident_in_city",
    "residence_county_code",
    "residence_urban",
    "hukou_in_city",
    "hukou_county_code",
    "hukou_urban",
]


def parse_years(text: str) -> list[int]:
    if "-" in text:
        first, last = text.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(y) for y in text.split(",")]


def ensure_population(out: Path, years: list[int]) -> list[Path]:
    paths = [snapshot_path(out, year) for year in years]
    missing = [year for year, path in zip(years, paths, strict=True) if not path.is_file()]
    if missing:
        print(
            f"Generating the full-scale population for {missing} in {out} "
            f"(about 13 s a year; kept for later runs) ...",
            flush=True,
        )
        started = time.perf_counter()
        generate_population(1.0, out, seed=SEED, years=missing, progress=True)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return paths


def pandas_indicators(paths: list[Path]) -> pd.DataFrame:
    """The same figures in pandas: counts by county and the city, rates rounded to 2 places."""
    frames = []
    for path in paths:
        people = pd.read_parquet(path, columns=PANDAS_COLUMNS)
        # Residence flags are object columns (nulls); among residents they are bool.
        residents = people[people["resident_in_city"]].astype({"residence_urban": bool})
        hukou = people[people["hukou_in_city"]]
        by_residence = residents.groupby(["year", "residence_county_code"], observed=True).agg(
            residents=("residence_urban", "size"), urban_residents=("residence_urban", "sum")
        )
        by_hukou = hukou.groupby(["year", "hukou_county_code"], observed=True).agg(
            hukou_population=("hukou_urban", "size"), urban_hukou_population=("hukou_urban", "sum")
        )
        by_residence.index.names = by_hukou.index.names = ["year", "division_code"]
        counties = by_residence.join(by_hukou, how="outer").fillna(0).astype("int64")
        city = counties.groupby(level="year").sum()
        city["division_code"] = CITY_CODE
        city = city.reset_index().set_index(["year", "division_code"])
        frames.append(pd.concat([counties.sort_index(), city]))
    result = pd.concat(frames).reset_index()
    resident_rate = 100 * result["urban_residents"] / result["residents"]
    hukou_rate = 100 * result["urban_hukou_population"] / result["hukou_population"]
    result["resident_urbanization_rate"] = resident_rate.round(2)
    result["hukou_urbanization_rate"] = hukou_rate.round(2)
    result["gap_points"] = (resident_rate - hukou_rate).round(2)
    return result


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", default="2015-2020", help="2020, 2015-2020 or 2015,2020")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="population Parquet dir")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; best is reported")
    args = parser.parse_args()
    years = parse_years(args.years)
    paths = ensure_population(args.dir, years)
    rows = sum(pl.scan_parquet(p).select(pl.len()).collect().item() for p in paths)
    print(f"input: {len(paths)} files, {rows:,} person rows, {os.cpu_count()} CPUs")

    duck_seconds, duck = best_of(args.repeat, lambda: indicators(paths, year=years))
    pandas_seconds, pandas_result = best_of(args.repeat, lambda: pandas_indicators(paths))
    assert isinstance(duck, pl.DataFrame) and isinstance(pandas_result, pd.DataFrame)

    ours = duck.select("year", "division_code", *COUNTS).sort("year", "division_code")
    theirs = (
        pl.from_pandas(pandas_result[["year", "division_code", *COUNTS]])
        .cast({"year": pl.Int32, **dict.fromkeys(COUNTS, pl.Int64)})
        .sort("year", "division_code")
    )
    same = ours.equals(theirs)
    print(f"output: {duck.height} rows ({duck.height // len(years)} a year: counties + city)")
    print(f"duckdb  (luohu.analytics.indicators): {duck_seconds:.3f} s (best of {args.repeat})")
    print(f"pandas  (same computation)          : {pandas_seconds:.3f} s (best of {args.repeat})")
    print(f"speed-up: {pandas_seconds / duck_seconds:.1f}x; counts identical: {same}")
    city = duck.filter(pl.col("division_code") == CITY_CODE).select(
        "year", "resident_urbanization_rate", "hukou_urbanization_rate", "gap_points"
    )
    print(city)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
