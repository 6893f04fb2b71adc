"""居住证覆盖率 Residence-permit coverage of unsettled urban residents (AY2018-19:3.10).

Pure Python (DuckDB, Polars, Arrow): no Django import. The inputs are the
registry snapshot at a year-end (``luohu.registry.snapshot``, one row per
person, with ``person_id``) and the permits extract
(``luohu.permits.extract``): the years of validity of each permit and the
spans of its statuses. The one definition is ``COVERAGE_SQL``.

Definitions
-----------

* **未落户城镇常住人口 unsettled urban residents** of a county at the
  year-end: residents (six months or more at the place, the NBS definition
  the snapshot's ``resident_6_months`` carries) whose residence place is
  urban (``residence_urban``) and whose hukou is elsewhere: no Anyang hukou,
  or an Anyang hukou in another county-level unit. "Elsewhere" is read at
  county level as the permit rule ``permit_has_left_hukou_place`` reads
  SC663:2, so the population is the one the permit is meant to cover (72号:
  居住证制度覆盖全部未落户城镇常住人口). Counted in the county of residence.
* **持有有效居住证 holding a valid permit** on 31 December: one of the
  person's permits has a year of validity (issue or endorsement, SC663:10)
  covering the day, ``valid_from <= day < valid_to``, and its status on
  that day is ``valid``. A permit whose anniversary passed without an
  endorsement is not valid (SC663:10), nor is a suspended, cancelled or
  closed one.
* **覆盖率 coverage** = holders / unsettled urban residents x 100, rounded
  half away from zero to two decimals in exact integer arithmetic, as the
  urbanisation rates are; null when there is nobody to cover.
* The city row (410500) counts every person once.

People holding a valid permit who are not in the population (living in a
rural place, say) are not counted: coverage is a share of the population.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl
import pyarrow as pa

CITY_CODE = "410500"

PERIODS_SCHEMA = pa.schema(
    [
        pa.field("permit_id", pa.int64(), nullable=False),
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("valid_from", pa.date32(), nullable=False),
        # Exclusive.
        pa.field("valid_to", pa.date32(), nullable=False),
    ]
)
SPANS_SCHEMA = pa.schema(
    [
        pa.field("permit_id", pa.int64(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("span_from", pa.date32(), nullable=False),
        # Exclusive; null while the status still holds.
        pa.field("span_to", pa.date32()),
    ]
)

COVERAGE_COLUMNS = (
    "year",
    "division_code",
    "unsettled_urban_residents",
    "permit_holders",
    "coverage_rate",
)

SNAPSHOT_NOT_YEAR_END = (
    "快照日期 {on} 不是 {year} 年末 the snapshot is dated {on}, not the year-end of {year}"
)
SNAPSHOT_COLUMNS_MISSING = "快照缺少列 the snapshot lacks columns: {columns}"
SNAPSHOT_UNPLACED = (
    "快照中有 {n} 名城镇常住人口的居住县区为空 {n} urban residents in the snapshot have no "
    "residence county"
)
EXTRACT_SCHEMA_MISMATCH = "居住证数据列不符 the permits extract {name} has columns {found}"

_NEEDED = (
    "person_id",
    "resident_6_months",
    "residence_urban",
    "residence_county_code",
    "hukou_in_city",
    "hukou_county_code",
)

COVERAGE_SQL = """
WITH population AS (
    SELECT person_id, residence_county_code AS county
    FROM snapshot
    WHERE resident_6_months IS TRUE AND residence_urban IS TRUE
      AND (hukou_in_city IS NOT TRUE
           OR hukou_county_code IS DISTINCT FROM residence_county_code)
),
holders AS (
    SELECT DISTINCT p.person_id
    FROM periods AS p JOIN spans AS s ON s.permit_id = p.permit_id
    WHERE p.valid_from <= $day AND $day < p.valid_to
      AND s.status = 'valid'
      AND s.span_from <= $day AND (s.span_to IS NULL OR $day < s.span_to)
),
counted AS (
    SELECT population.county, holders.person_id IS NOT NULL AS holds
    FROM population LEFT JOIN holders ON holders.person_id = population.person_id
),
totals AS (
    SELECT CASE WHEN GROUPING(county) = 1 THEN $city ELSE county END AS division_code,
           GROUPING(county) AS is_city,
           CAST(count(*) AS BIGINT) AS unsettled_urban_residents,
           CAST(count(*) FILTER (holds) AS BIGINT) AS permit_holders
    FROM counted
    GROUP BY GROUPING SETS ((county), ())
)
SELECT CAST($year AS INTEGER) AS year, division_code, unsettled_urban_residents, permit_holders,
       CAST(CASE WHEN unsettled_urban_residents = 0 THEN NULL
            ELSE ((20000 * CAST(permit_holders AS HUGEINT) + unsettled_urban_residents)
                  // (2 * CAST(unsettled_urban_residents AS HUGEINT))) / 100.0 END
            AS DOUBLE) AS coverage_rate
FROM totals
ORDER BY is_city, division_code
"""


@dataclass(frozen=True)
class PermitsExtract:
    """The permits as the indicator needs them: years of validity and status spans."""

    periods: pa.Table
    spans: pa.Table


def _arrow(table: pa.Table | pl.DataFrame) -> pa.Table:
    return table.to_arrow() if isinstance(table, pl.DataFrame) else table


def permit_coverage(
    snapshot: pa.Table | pl.DataFrame, permits: PermitsExtract, *, year: int
) -> pl.DataFrame:
    """Coverage by county of residence and for the city, on 31 December of ``year``.

    ``snapshot`` is the registry snapshot taken on that day (its
    ``luohu.snapshot_on`` metadata, when present, must say so). Returns
    the columns of ``COVERAGE_COLUMNS``: counties with anyone to cover,
    then the city row. Raises ``ValueError`` for a snapshot of another day,
    missing columns, or residents who cannot be placed in a county.
    """
    table = _arrow(snapshot)
    day = dt.date(year, 12, 31)
    on = (table.schema.metadata or {}).get(b"luohu.snapshot_on")
    if on is not None and on.decode() != day.isoformat():
        raise ValueError(SNAPSHOT_NOT_YEAR_END.format(on=on.decode(), year=year))
    missing = [c for c in _NEEDED if c not in table.schema.names]
    if missing:
        raise ValueError(SNAPSHOT_COLUMNS_MISSING.format(columns=", ".join(missing)))
    periods, spans = _arrow(permits.periods), _arrow(permits.spans)
    for name, extract, schema in (
        ("periods", periods, PERIODS_SCHEMA),
        ("spans", spans, SPANS_SCHEMA),
    ):
        if extract.schema.names != schema.names:
            raise ValueError(
                EXTRACT_SCHEMA_MISMATCH.format(name=name, found=", ".join(extract.schema.names))
            )
    con = duckdb.connect(":memory:")
    con.register("snapshot", table.select(list(_NEEDED)))
    con.register("periods", periods)
    con.register("spans", spans)
    unplaced = con.sql(
        "SELECT count(*) FROM snapshot WHERE resident_6_months IS TRUE "
        "AND residence_urban IS TRUE AND residence_county_code IS NULL"
    ).fetchall()[0][0]
    if unplaced:
        raise ValueError(SNAPSHOT_UNPLACED.format(n=unplaced))
    result = con.sql(COVERAGE_SQL, params={"day": day, "year": year, "city": CITY_CODE}).pl()
    return result.select(COVERAGE_COLUMNS).cast({"year": pl.Int32})
