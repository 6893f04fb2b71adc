"""城镇化指标 Urbanisation indicators by county and year (AY2018-19:1.3, 4.1).

Pure Python (DuckDB, Polars, Arrow): no Django import. The input is a
person-level snapshot, either the registry's (``luohu.registry.snapshot``,
column ``resident_6_months``) or the synthetic population's
(``luohu.analytics.population``, column ``resident_in_city``), as Parquet
files or Arrow/Polars tables. Every figure is computed by the one SQL
definition below (``CELLS_SQL`` then ``INDICATORS_SQL``; transfers by
``TRANSFERS_SQL``); there is no second implementation.

Definitions and their statistical basis
---------------------------------------

* **常住人口 residents** of a county: people whose usual residence is in the
  county and who have lived there six months or more (NBS and census
  definition; ``resident_6_months`` / ``resident_in_city`` true). Counted
  in the county of the **residence** place.
* **城镇常住人口 urban residents**: residents whose residence place is urban
  by the NBS urban-rural classification of the place (统计用城乡划分代码;
  ``residence_urban``).
* **常住人口城镇化率 resident urbanisation rate** = urban residents /
  residents x 100.
* **户籍人口 hukou population** of a county: people with an Anyang hukou
  registered in the county (``hukou_in_city``), counted in the county of
  the **hukou** place, wherever they live.
* **城镇户籍人口 urban hukou population**: hukou population whose hukou place
  is urban by the same classification (``hukou_urban``).
* **户籍人口城镇化率 hukou urbanisation rate** = urban hukou population /
  hukou population x 100.
* **两率差距 gap** = resident rate - hukou rate, in percentage points
  (1.3: the gap must be at least 2 points smaller in 2020 than in 2015).
* **转户 hukou transfers** in a year: settlement-type hukou records
  (reasons ``SETTLEMENT_REASONS_IN``) starting in that calendar year
  (1 January to 31 December inclusive), counted in the county of the
  destination place (1.3: about 100,000 a year). Every settlement-type
  registration counts; they are not narrowed to rural-to-urban moves,
  since the registry does not record the hukou nature of someone arriving
  from outside Anyang.
* The **city row** (``CITY_CODE`` 410500) counts every person once on each
  side; its counts are the sums of the county rows.

Exactness
---------

Counts are exact integers. Rates and the gap are computed from the exact
counts in integer arithmetic and rounded once, half away from zero, to two
decimals; they are returned as float64 percent (the nearest double to the
two-decimal value, as ``float("53.04")``). The gap is computed from the
exact ratios, not from the two rounded rates, so it can differ from the
difference of the displayed rates by 0.01. A rate whose denominator is 0
(a county with hukou but no residents, say) is null, never 0.

Nulls
-----

* A null resident flag (registry: no residence recorded) is "not a
  resident": the person counts in no resident figure.
* A null ``hukou_in_city`` is "no Anyang hukou".
* A person counted as a resident whose residence county or urban flag is
  null, or an Anyang hukou holder whose hukou county or urban flag is null,
  cannot be placed: ``indicators`` raises ``ValueError`` rather than
  silently leaving them out of a rate (STYLE.md §9, no silent defaults).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from luohu.analytics import indicators_sql as isql
from luohu.analytics.indicators_sql import CITY_CODE, SETTLEMENT_REASONS_IN

__all__ = [
    "CITY_CODE",
    "COLUMNS",
    "SETTLEMENT_REASONS_IN",
    "hukou_transfers",
    "indicators",
    "snapshot_transfers",
    "sort_transfers",
    "with_transfers",
]

SNAPSHOT_INCOMPLETE = (
    "快照中有无法归属到县区或城乡的人口 a snapshot has people counted whose county or "
    "urban flag is null: {details}"
)
SNAPSHOT_YEAR_MISSING = "快照中没有该年份 no snapshot rows for year(s) {years}"
SNAPSHOT_YEAR_MISMATCH = (
    "快照日期 {on} 不是 {year} 年末 the snapshot is dated {on}, not the year-end of {year}"
)
SNAPSHOT_YEAR_REQUIRED = (
    "快照没有 year 列时只能指定一个年份 a snapshot without a year column needs exactly one year"
)
SNAPSHOT_COLUMNS_MISSING = "快照缺少列 the snapshot lacks columns: {columns}"
TRANSFERS_INCOMPLETE = (
    "迁移记录的县区或起始日期为空 transfer records with a null county_code or valid_from: {count}"
)

SnapshotSource: TypeAlias = str | os.PathLike[str] | pa.Table | pl.DataFrame | pl.LazyFrame


@dataclass(frozen=True)
class Column:
    """One output column: its name, Chinese and English headers, and definition."""

    name: str
    zh: str
    en: str
    definition: str

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


COLUMNS: tuple[Column, ...] = (
    Column("year", "年份", "Year", "Year-end of the snapshot (31 December)."),
    Column(
        "division_code",
        "区划代码",
        "Division code",
        f"County-level code (GB/T 2260; 410571 is NBS-only); {CITY_CODE} is the whole city.",
    ),
    Column(
        "residents",
        "常住人口",
        "Residents",
        "People living in the county's places for six months or more (NBS), "
        "counted in the county of residence.",
    ),
    Column(
        "urban_residents",
        "城镇常住人口",
        "Urban residents",
        "Residents whose residence place is urban by the NBS urban-rural classification.",
    ),
    Column(
        "resident_urbanization_rate",
        "常住人口城镇化率",
        "Resident urbanisation rate (%)",
        "Urban residents / residents x 100, rounded half away from zero to 2 decimals; "
        "empty when there are no residents.",
    ),
    Column(
        "hukou_population",
        "户籍人口",
        "Hukou population",
        "People with an Anyang hukou registered in the county, wherever they live.",
    ),
    Column(
        "urban_hukou_population",
        "城镇户籍人口",
        "Urban hukou population",
        "Hukou population whose hukou place is urban by the NBS urban-rural classification.",
    ),
    Column(
        "hukou_urbanization_rate",
        "户籍人口城镇化率",
        "Hukou urbanisation rate (%)",
        "Urban hukou population / hukou population x 100, rounded half away from zero "
        "to 2 decimals; empty when there is no hukou population.",
    ),
    Column(
        "gap_points",
        "两率差距",
        "Gap (percentage points)",
        "Resident rate - hukou rate, from the exact ratios, rounded once to 2 decimals.",
    ),
    Column(
        "hukou_transfers",
        "转户人数",
        "Hukou transfers",
        "Settlement-type hukou records (settlement, student move-in, graduate move-out) "
        "starting in the year, by destination county; empty when the source has none.",
    ),
)

INDICATOR_COLUMNS = tuple(c.name for c in COLUMNS if c.name != "hukou_transfers")

# The one definition of the indicators is the SQL of
# ``luohu.analytics.indicators_sql``, compiled here for DuckDB and in
# ``luohu.analytics.spark_indicators`` for Spark SQL.

_NEEDED = (
    "hukou_in_city",
    "hukou_county_code",
    "hukou_urban",
    "residence_county_code",
    "residence_urban",
)
_RESIDENT_FLAGS = ("resident_6_months", "resident_in_city")


def _schema_of(source: SnapshotSource) -> pa.Schema:
    if isinstance(source, pa.Table):
        return source.schema
    if isinstance(source, pl.DataFrame | pl.LazyFrame):
        frame = source.collect() if isinstance(source, pl.LazyFrame) else source
        return frame.head(0).to_arrow().schema
    return pq.read_schema(Path(source))


def _years(year: int | Iterable[int]) -> list[int]:
    return [year] if isinstance(year, int) else sorted({int(y) for y in year})


def _normalised_select(name: str, schema: pa.Schema, years: list[int]) -> str:
    """A SELECT giving one source the columns of ``snapshot`` (names, year)."""
    names = set(schema.names)
    flag = next((f for f in _RESIDENT_FLAGS if f in names), None)
    missing = [c for c in _NEEDED if c not in names] + ([] if flag else ["resident_6_months"])
    if missing:
        raise ValueError(SNAPSHOT_COLUMNS_MISSING.format(columns=", ".join(missing)))
    if "year" in names:
        year_sql = "CAST(year AS INTEGER)"
    else:
        if len(years) != 1:
            raise ValueError(SNAPSHOT_YEAR_REQUIRED)
        on = (schema.metadata or {}).get(b"luohu.snapshot_on")
        if on is not None and on.decode() != dt.date(years[0], 12, 31).isoformat():
            raise ValueError(SNAPSHOT_YEAR_MISMATCH.format(on=on.decode(), year=years[0]))
        year_sql = str(int(years[0]))
    # Only fixed identifiers and an integer are interpolated, no input text.
    columns = (
        f"{year_sql} AS year, {flag} AS resident, residence_county_code, "
        "residence_urban, hukou_in_city, hukou_county_code, hukou_urban"
    )
    return f"SELECT {columns} FROM {name}"  # noqa: S608


def _connect_snapshot(
    sources: SnapshotSource | Sequence[SnapshotSource],
    years: list[int],
    config: Mapping[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    if isinstance(sources, str | os.PathLike | pa.Table | pl.DataFrame | pl.LazyFrame):
        sources = [sources]
    con = duckdb.connect(":memory:", config=dict(config or {}))
    selects = []
    # Parquet files with the same columns are read by one scan (parallel
    # over all their row groups), not one view each.
    files: dict[tuple[str, ...], tuple[pa.Schema, list[str]]] = {}
    for index, source in enumerate(sources):
        name = f"source_{index}"
        schema = _schema_of(source)
        if isinstance(source, pa.Table):
            con.register(name, source)
        elif isinstance(source, pl.DataFrame | pl.LazyFrame):
            frame = source.collect() if isinstance(source, pl.LazyFrame) else source
            con.register(name, frame.to_arrow())
        else:
            key = tuple(sorted(schema.names))
            files.setdefault(key, (schema, []))[1].append(str(Path(source)))
            continue
        selects.append(_normalised_select(name, schema, years))
    for index, (schema, paths) in enumerate(files.values()):
        name = f"files_{index}"
        con.read_parquet(paths).create_view(name)
        selects.append(_normalised_select(name, schema, years))
    con.execute("CREATE TEMP VIEW snapshot AS " + "\nUNION ALL BY NAME\n".join(selects))
    return con


def indicators(
    snapshot_paths_or_tables: SnapshotSource | Sequence[SnapshotSource],
    *,
    year: int | Iterable[int],
    duckdb_config: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Both urbanisation rates, their gap and the counts behind them, by county and year.

    ``snapshot_paths_or_tables`` is one snapshot or several (Parquet paths,
    Arrow tables or Polars frames); rows of other years are ignored when a
    ``year`` column is present. Returns one row per county-level unit found
    and year, then the city row, with the columns of ``INDICATOR_COLUMNS``.
    Raises ``ValueError`` for a requested year with no rows, a snapshot
    without the needed columns, or people who cannot be placed (see the
    module docstring). ``duckdb_config`` passes DuckDB settings (say
    ``{"memory_limit": "1GB", "threads": "2"}``): Parquet is streamed, so
    inputs far larger than memory are counted out of core.
    """
    years = _years(year)
    con = _connect_snapshot(snapshot_paths_or_tables, years, duckdb_config)
    con.execute("CREATE TEMP TABLE cells AS " + isql.cells_sql(isql.DUCKDB))
    row = con.sql(isql.incomplete_sql(isql.DUCKDB, years)).fetchall()[0]
    labels = (
        "residents without residence_county_code",
        "residents without residence_urban",
        "hukou holders without hukou_county_code",
        "hukou holders without hukou_urban",
    )
    problems = [f"{n} {label}" for n, label in zip(row or (), labels, strict=True) if n]
    if problems:
        raise ValueError(SNAPSHOT_INCOMPLETE.format(details="; ".join(problems)))
    result = con.sql(isql.indicators_sql(isql.DUCKDB, years)).pl()
    found = set(result["year"].to_list())
    if missing := [y for y in years if y not in found]:
        raise ValueError(SNAPSHOT_YEAR_MISSING.format(years=", ".join(map(str, missing))))
    return result.cast({"year": pl.Int32})


def hukou_transfers(transfers_table: pa.Table | pl.DataFrame, year: int) -> pl.DataFrame:
    """Settlement-type hukou records starting in ``year``, by destination county and city.

    ``transfers_table`` has columns ``county_code`` (county of the
    destination on the start date), ``valid_from`` (date) and ``reason_in``.
    Returns ``year, division_code, hukou_transfers``: counties with at least
    one transfer, then the city row (0 when there are none).
    """
    table = (
        transfers_table.to_arrow() if isinstance(transfers_table, pl.DataFrame) else transfers_table
    )
    con = duckdb.connect(":memory:")
    con.register("transfers", table)
    nulls = con.sql(
        "SELECT count(*) FROM transfers WHERE county_code IS NULL OR valid_from IS NULL"
    ).fetchall()[0][0]
    if nulls:
        raise ValueError(TRANSFERS_INCOMPLETE.format(count=nulls))
    return sort_transfers(con.sql(isql.transfers_sql(isql.DUCKDB, year)).pl())


def sort_transfers(frame: pl.DataFrame) -> pl.DataFrame:
    """Counties in code order, then the city row; ``year`` as Int32 (both engines)."""
    return frame.cast({"year": pl.Int32, "hukou_transfers": pl.Int64}).sort(
        pl.col("division_code") == CITY_CODE, "division_code"
    )


def snapshot_transfers(source: str | os.PathLike[str] | pa.Table, year: int) -> pl.DataFrame | None:
    """Transfers of ``year`` recorded in a synthetic snapshot (column ``settled_on``).

    The settlements the generator applied from the policy engine (the
    admitted and willing, see luohu.analytics.population.settlement) are
    counted by the same transfer definition as the registry's records.
    Returns None when the snapshot has no ``settled_on`` column or its
    metadata says settlements were not applied (``--no-settlements``).
    """
    con = duckdb.connect(":memory:")
    if isinstance(source, pa.Table):
        schema = source.schema
        con.register("source", source)
    else:
        schema = pq.read_schema(Path(source))
        # Polars writes key-value metadata to the file, not the Arrow schema.
        schema = schema.with_metadata(pq.read_metadata(Path(source)).metadata or {})
        con.read_parquet(str(Path(source))).create_view("source")
    applied = (schema.metadata or {}).get(b"luohu.settlements", b"applied")
    if "settled_on" not in schema.names or applied != b"applied":
        return None
    con.execute("CREATE TEMP VIEW transfers AS " + isql.snapshot_transfers_sql("source"))
    return sort_transfers(con.sql(isql.transfers_sql(isql.DUCKDB, year)).pl())


def with_transfers(frame: pl.DataFrame, transfers: pl.DataFrame | None) -> pl.DataFrame:
    """Add ``hukou_transfers`` to an indicators frame: 0 where none, null when unknown.

    ``transfers`` None means the source has no transfer records (the
    synthetic population); the column is then null throughout. A county
    with transfers but nobody in the snapshot (all moved away again by the
    year-end) still gets its row, with counts 0 and empty rates.
    """
    if transfers is None:
        return frame.with_columns(hukou_transfers=pl.lit(None, dtype=pl.Int64))
    counts = ("residents", "urban_residents", "hukou_population", "urban_hukou_population")
    joined = frame.join(
        transfers, on=["year", "division_code"], how="full", coalesce=True, maintain_order="left"
    )
    return joined.with_columns(
        pl.col(*counts, "hukou_transfers").fill_null(0),
    ).sort("year", pl.col("division_code") == CITY_CODE, "division_code", maintain_order=True)
