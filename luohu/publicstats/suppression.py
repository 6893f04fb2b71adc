"""小数抑制 Small-count suppression of the public tables (AY2018-19:4.1, 4.2).

Pure Python. The rule and its reason are in ``parameters.yaml``
(``min_published_count``); in short, for each year:

1. **Primary**: a county's count of 1 to k-1 people is suppressed; so is
   a county's urban count when the rural remainder (residents - urban,
   hukou population - urban hukou) is 1 to k-1, since the published total
   minus the urban count would give it.
2. **Complementary**: the counties of a column add up to the city. When
   exactly one cell of such a sum is suppressed, the smallest other
   non-zero county cell of that column is suppressed too (the city cell if
   there is none), so no suppressed value is the difference of published
   ones. Repeated until every column has none or at least two.
3. **Derived**: a rate is suppressed when its numerator or denominator is;
   the gap when either rate is.

Zero is published (it describes nobody); unknown (None) stays unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS = Path(__file__).with_name("parameters.yaml")

COUNT_COLUMNS = (
    "residents",
    "urban_residents",
    "hukou_population",
    "urban_hukou_population",
    "hukou_transfers",
)
# rate -> (numerator, denominator)
RATE_COLUMNS = {
    "resident_urbanization_rate": ("urban_residents", "residents"),
    "hukou_urbanization_rate": ("urban_hukou_population", "hukou_population"),
}
GAP_COLUMN = "gap_points"
# urban count -> total: the remainder (rural) is never published, but could be derived.
COMPLEMENTS = {"urban_residents": "residents", "urban_hukou_population": "hukou_population"}


@cache
def min_published_count() -> int:
    """The threshold k: counts of 1..k-1 people are not published (parameters.yaml)."""
    data = yaml.safe_load(PARAMETERS.read_text(encoding="utf-8"))
    return int(data["min_published_count"]["value"])


@dataclass
class PublicRow:
    """One county (or the city) in one year, as published: None where suppressed."""

    year: int
    division_code: str
    values: dict[str, int | Decimal | None]
    suppressed: set[str] = field(default_factory=set)
    locked: bool = False

    def shown(self, column: str) -> int | Decimal | None:
        return None if column in self.suppressed else self.values.get(column)


def _small(value: Any, k: int) -> bool:
    return isinstance(value, int) and 0 < value < k


def suppress(
    rows: Iterable[PublicRow], *, city_code: str, threshold: int | None = None
) -> list[PublicRow]:
    """Mark the cells to suppress in place (``suppressed``) and return the rows.

    ``rows`` hold exact counts and rates in ``values``; each year must have
    its county rows and its city row (the sum of the counties).
    """
    k = min_published_count() if threshold is None else threshold
    rows = list(rows)
    by_year: dict[int, list[PublicRow]] = {}
    for row in rows:
        by_year.setdefault(row.year, []).append(row)
    for year_rows in by_year.values():
        _suppress_year(year_rows, city_code, k)
    return rows


def _suppress_year(rows: list[PublicRow], city_code: str, k: int) -> None:
    # 1. primary
    for row in rows:
        for column in COUNT_COLUMNS:
            if _small(row.values.get(column), k):
                row.suppressed.add(column)
        for urban, total in COMPLEMENTS.items():
            urban_value, total_value = row.values.get(urban), row.values.get(total)
            if isinstance(urban_value, int) and isinstance(total_value, int):
                if _small(total_value - urban_value, k):
                    row.suppressed.add(urban)
    # 2. complementary, per column, until stable
    counties = [r for r in rows if r.division_code != city_code]
    city = next((r for r in rows if r.division_code == city_code), None)
    changed = True
    while changed:
        changed = False
        for column in COUNT_COLUMNS:
            cells = [*counties, *([city] if city else [])]
            if any(not isinstance(r.values.get(column), int) for r in cells):
                continue  # unknown figures: no additive relation to protect
            hidden = [r for r in cells if column in r.suppressed]
            if len(hidden) != 1:
                continue
            candidates = sorted(
                (
                    r
                    for r in counties
                    if column not in r.suppressed and int(r.values[column] or 0) > 0
                ),
                key=lambda r: (int(r.values[column] or 0), r.division_code),
            )
            extra = candidates[0] if candidates else city
            if extra is not None and column not in extra.suppressed:
                extra.suppressed.add(column)
                changed = True
    # 3. derived
    for row in rows:
        for rate, (numerator, denominator) in RATE_COLUMNS.items():
            if numerator in row.suppressed or denominator in row.suppressed:
                row.suppressed.add(rate)
        if any(rate in row.suppressed for rate in RATE_COLUMNS):
            row.suppressed.add(GAP_COLUMN)


def recoverable(rows: Iterable[PublicRow], city_code: str) -> list[tuple[int, str, str]]:
    """Suppressed counts that subtraction of published ones would give (should be empty).

    For the tests and as a guard: (year, division, column) of every
    suppressed count that is the only unknown of its county sum, or that
    published total minus published urban count gives.
    """
    found = []
    by_year: dict[int, list[PublicRow]] = {}
    for row in rows:
        by_year.setdefault(row.year, []).append(row)
    for year, year_rows in by_year.items():
        for column in COUNT_COLUMNS:
            hidden = [r for r in year_rows if column in r.suppressed]
            if len(hidden) == 1:
                found.append((year, hidden[0].division_code, column))
        for row in year_rows:
            for urban, total in COMPLEMENTS.items():
                # rural = total - urban is small and both are published
                if urban not in row.suppressed and total not in row.suppressed:
                    u, t = row.values.get(urban), row.values.get(total)
                    if (
                        isinstance(u, int)
                        and isinstance(t, int)
                        and 0 < t - u < min_published_count()
                    ):
                        found.append((year, row.division_code, f"{total}-{urban}"))
    del city_code
    return found


def as_mapping(row: PublicRow) -> Mapping[str, Any]:
    """The published values of a row (None where suppressed), with year and code."""
    return {
        "year": row.year,
        "division_code": row.division_code,
        **{column: row.shown(column) for column in row.values},
        "suppressed": sorted(row.suppressed),
        "locked": row.locked,
    }
