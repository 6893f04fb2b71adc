"""公开数据 The public tables: the figures the dashboards show, suppressed for publication.

The figures are those of ``luohu.monitoring.selectors.figures_shown``: a
county's approved and locked figures where it has them (4.1), else the last
computed ones (marked provisional). Only aggregates by county and year
leave this module, after small-count suppression (``suppression``); no
person-level data is read here at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from luohu.publicstats.suppression import PublicRow, suppress

CITY_CODE = "410500"
CITY_NAME = "安阳市"


@dataclass(frozen=True)
class PublicYear:
    year: int
    rows: list[PublicRow]  # counties in code order, then the city
    source: str  # "registry", "population" or "" when unknown
    all_locked: bool

    @property
    def city(self) -> PublicRow:
        return self.rows[-1]

    @property
    def counties(self) -> list[PublicRow]:
        return self.rows[:-1]


def county_names(on: dt.date | None = None) -> dict[str, str]:
    """County code -> name (reference divisions), plus the city."""
    from luohu.registry.selectors import division_counties

    on = on or timezone.localdate()
    names = {str(c.code): c.name for c in division_counties(on) if c.code}
    names[CITY_CODE] = CITY_NAME
    return names


def _sources() -> dict[int, str]:
    from luohu.monitoring.models import IndicatorFigures

    sources: dict[int, str] = {}
    for year, source in IndicatorFigures.objects.values_list("year", "source").distinct():
        sources[year] = source if year not in sources or sources[year] == source else "mixed"
    return sources


def public_years(threshold: int | None = None) -> list[PublicYear]:
    """Every year with figures, oldest first, suppressed for publication."""
    from luohu.monitoring.selectors import figures_shown

    shown = figures_shown()
    sources = _sources()
    result = []
    for year, by_code in shown.items():
        if CITY_CODE not in by_code:
            continue
        rows = []
        for code in [*sorted(c for c in by_code if c != CITY_CODE), CITY_CODE]:
            figures = by_code[code]
            rows.append(
                PublicRow(
                    year=year,
                    division_code=code,
                    values={
                        "residents": figures.residents,
                        "urban_residents": figures.urban_residents,
                        "resident_urbanization_rate": figures.resident_rate,
                        "hukou_population": figures.hukou_population,
                        "urban_hukou_population": figures.urban_hukou_population,
                        "hukou_urbanization_rate": figures.hukou_rate,
                        "gap_points": figures.gap,
                        "hukou_transfers": figures.hukou_transfers,
                    },
                    locked=figures.locked,
                )
            )
        suppress(rows, city_code=CITY_CODE, threshold=threshold)
        result.append(
            PublicYear(
                year=year,
                rows=rows,
                source=sources.get(year, ""),
                all_locked=all(r.locked for r in rows),
            )
        )
    return result


def public_year(year: int, threshold: int | None = None) -> PublicYear | None:
    return next((y for y in public_years(threshold) if y.year == year), None)
