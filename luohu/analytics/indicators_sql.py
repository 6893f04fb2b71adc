"""指标SQL The one definition of the indicators, compiled for DuckDB and for Spark SQL.

The indicators (AY2018-19:1.3, 4.1) are written once, below, as SQL text
with two dialect slots: the exact integer type wide enough for products of
counts (``{wide}``) and the integer division operator (``{idiv}``). DuckDB
(``luohu.analytics.indicators``) and Spark SQL
(``luohu.analytics.spark_indicators``) run the text this module compiles, so
the two cannot drift: a change here changes both, and
``luohu/analytics/tests/test_spark_indicators.py`` checks that they give
identical results.

Everything interpolated is a fixed identifier, an integer or a constant of
this package; no input text reaches the SQL.

The statistical definitions are in ``luohu.analytics.indicators`` and
docs/analytics/indicators.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CITY_CODE = "410500"

# The registry's settlement reasons (luohu.registry.households.SETTLEMENT_REASONS);
# a contract test in luohu/monitoring/tests keeps the two equal.
SETTLEMENT_REASONS_IN = ("graduate_move_out", "settlement", "student_move_in")


@dataclass(frozen=True)
class Dialect:
    name: str
    wide: str  # exact integer type for products of two counts (up to ~10^20)
    idiv: str  # integer (floor) division of non-negative operands


DUCKDB = Dialect("duckdb", "HUGEINT", "//")
SPARK = Dialect("spark", "DECIMAL(38,0)", "div")


def _percent_2dp(num: str, den: str, d: Dialect) -> str:
    """num / den x 100 rounded half away from zero to 2 decimals, exactly, as DOUBLE.

    round(10000 * num / den) = floor((20000 * num + den) / (2 * den)) for
    num, den >= 0; the integer k then becomes the double nearest k / 100.
    """
    return (
        f"CASE WHEN {den} = 0 THEN NULL ELSE CAST("
        f"(20000 * CAST({num} AS {d.wide}) + CAST({den} AS {d.wide})) {d.idiv} "
        f"(2 * CAST({den} AS {d.wide})) AS DOUBLE) / 100 END"
    )


def _gap_2dp(ur: str, r: str, uh: str, h: str, d: Dialect) -> str:
    """ur/r - uh/h in points, from the exact ratios, rounded once half away from zero."""
    diff = f"(CAST({ur} AS {d.wide}) * {h} - CAST({uh} AS {d.wide}) * {r})"
    den = f"(CAST({r} AS {d.wide}) * {h})"
    magnitude = f"(20000 * abs({diff}) + {den}) {d.idiv} (2 * {den})"
    return (
        f"CASE WHEN {r} = 0 OR {h} = 0 THEN NULL "
        f"WHEN {diff} < 0 THEN -CAST({magnitude} AS DOUBLE) / 100 "
        f"ELSE CAST({magnitude} AS DOUBLE) / 100 END"
    )


def _ints(values: Iterable[int]) -> str:
    return ", ".join(str(int(v)) for v in values)


def _strings(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


# 1. Cells: one scan of the people (view ``snapshot`` with columns year,
#    resident, residence_county_code, residence_urban, hukou_in_city,
#    hukou_county_code, hukou_urban), counted by the places that matter (a
#    few hundred cells). The places of the side a person is not counted on
#    are blanked, so a non-resident's residence never splits a cell. No row
#    filter: filtering tens of millions of rows costs more than counting them.
_CELLS = """
SELECT year, resident, residence_county_code, residence_urban,
       hukou_in_city, hukou_county_code, hukou_urban, count(*) AS n
FROM (
    SELECT year,
           coalesce(resident, false) AS resident,
           CASE WHEN coalesce(resident, false) THEN residence_county_code END
               AS residence_county_code,
           CASE WHEN coalesce(resident, false) THEN residence_urban END AS residence_urban,
           coalesce(hukou_in_city, false) AS hukou_in_city,
           CASE WHEN coalesce(hukou_in_city, false) THEN hukou_county_code END
               AS hukou_county_code,
           CASE WHEN coalesce(hukou_in_city, false) THEN hukou_urban END AS hukou_urban
    FROM snapshot
) AS people
GROUP BY year, resident, residence_county_code, residence_urban,
         hukou_in_city, hukou_county_code, hukou_urban
"""

# 2. Residents by residence county, hukou population by hukou county, each
#    county and the city (GROUPING SETS), the rates and the gap.
_INDICATORS = """
WITH counted AS (
    SELECT year, residence_county_code AS division_code,
           n AS resident, CASE WHEN residence_urban THEN n ELSE 0 END AS urban_resident,
           0 AS hukou, 0 AS urban_hukou
    FROM cells WHERE resident AND year IN ({years})
    UNION ALL
    SELECT year, hukou_county_code AS division_code, 0 AS resident, 0 AS urban_resident,
           n AS hukou, CASE WHEN hukou_urban THEN n ELSE 0 END AS urban_hukou
    FROM cells WHERE hukou_in_city AND year IN ({years})
),
totals AS (
    SELECT year,
           CASE WHEN GROUPING(division_code) = 1 THEN '{city}' ELSE division_code END
               AS division_code,
           GROUPING(division_code) AS is_city,
           CAST(SUM(resident) AS BIGINT) AS residents,
           CAST(SUM(urban_resident) AS BIGINT) AS urban_residents,
           CAST(SUM(hukou) AS BIGINT) AS hukou_population,
           CAST(SUM(urban_hukou) AS BIGINT) AS urban_hukou_population
    FROM counted
    GROUP BY GROUPING SETS ((year, division_code), (year))
)
SELECT CAST(year AS INTEGER) AS year, division_code,
       residents, urban_residents,
       {resident_rate} AS resident_urbanization_rate,
       hukou_population, urban_hukou_population,
       {hukou_rate} AS hukou_urbanization_rate,
       {gap} AS gap_points
FROM totals
ORDER BY year, is_city, division_code
"""

_INCOMPLETE = """
SELECT
    coalesce(sum(CASE WHEN resident AND residence_county_code IS NULL THEN n END), 0),
    coalesce(sum(CASE WHEN resident AND residence_urban IS NULL THEN n END), 0),
    coalesce(sum(CASE WHEN hukou_in_city AND hukou_county_code IS NULL THEN n END), 0),
    coalesce(sum(CASE WHEN hukou_in_city AND hukou_urban IS NULL THEN n END), 0)
FROM cells WHERE year IN ({years})
"""

# 3. Transfers: settlement-type records starting in the calendar year, by
#    destination county and the city (view ``transfers``: county_code,
#    valid_from, reason_in). Ordered by the caller.
_TRANSFERS = """
SELECT CAST({year} AS INTEGER) AS year,
       CASE WHEN GROUPING(county_code) = 1 THEN '{city}' ELSE county_code END AS division_code,
       CAST(count(*) AS BIGINT) AS hukou_transfers
FROM transfers
WHERE reason_in IN ({reasons})
  AND valid_from >= make_date({year}, 1, 1) AND valid_from < make_date({next_year}, 1, 1)
GROUP BY GROUPING SETS ((county_code), ())
"""

# The synthetic population's settlements as transfer records: everyone the
# engine admitted and who was willing (``settled_on`` set), in the county of
# the hukou place they settled in. A year's transfers come from that year's
# snapshot only (a later snapshot also carries earlier settlers).
_SNAPSHOT_TRANSFERS = """
SELECT hukou_county_code AS county_code, settled_on AS valid_from,
       'settlement' AS reason_in
FROM {source}
WHERE settled_on IS NOT NULL AND year(settled_on) = CAST(year AS INTEGER)
"""


def cells_sql(d: Dialect) -> str:
    return _CELLS


def incomplete_sql(d: Dialect, years: Iterable[int]) -> str:
    return _INCOMPLETE.format(years=_ints(years))


def indicators_sql(d: Dialect, years: Iterable[int], city: str = CITY_CODE) -> str:
    return _INDICATORS.format(
        years=_ints(years),
        city=city,
        resident_rate=_percent_2dp("urban_residents", "residents", d),
        hukou_rate=_percent_2dp("urban_hukou_population", "hukou_population", d),
        gap=_gap_2dp(
            "urban_residents", "residents", "urban_hukou_population", "hukou_population", d
        ),
    )


def transfers_sql(
    d: Dialect,
    year: int,
    city: str = CITY_CODE,
    reasons: Iterable[str] = SETTLEMENT_REASONS_IN,
) -> str:
    year = int(year)
    return _TRANSFERS.format(year=year, next_year=year + 1, city=city, reasons=_strings(reasons))


def snapshot_transfers_sql(source: str) -> str:
    """Transfer records of a synthetic snapshot; ``source`` is a fixed view name."""
    if not source.isidentifier():
        raise ValueError(f"not a view name: {source!r}")
    return _SNAPSHOT_TRANSFERS.format(source=source)
