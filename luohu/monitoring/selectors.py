"""Reads for monitoring, always limited to the counties the user may reach.

County roles see their own county; city roles see every county and the
city. Every figure here is an aggregate (counts and rates by county and
year); nothing names a person.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from luohu.accounts.models import User
from luohu.accounts.roles import CITY_CODE
from luohu.accounts.selectors import user_county_codes
from luohu.casework.models import Decision, DecisionOutcome, SettlementApplication
from luohu.casework.workflow import OPEN_STATUSES, Status
from luohu.monitoring.models import (
    CountyTarget,
    FiguresStatus,
    IndicatorFigures,
    YearFigures,
)
from luohu.monitoring.progress import Figures, Progress, Targets, combine, progress
from luohu.policy.parameters import default_parameters
from luohu.registry.selectors import division_counties

# The ten county-level units laid out roughly as on the map of Anyang
# (column, row; north at the top): 林州 in the west, the four districts and
# the development zone in the middle, 安阳县 around them to the north and
# east, 汤阴 to the south, 内黄 and 滑县 to the east and south-east. A tile
# map shows them as equal tiles so a small district is as visible as 林州.
TILE_LAYOUT: dict[str, tuple[int, int]] = {
    "410581": (0, 1),  # 林州市
    "410505": (1, 1),  # 殷都区
    "410522": (2, 0),  # 安阳县
    "410503": (2, 1),  # 北关区
    "410506": (1, 2),  # 龙安区
    "410502": (2, 2),  # 文峰区
    "410571": (1, 3),  # 安阳高新技术产业开发区
    "410523": (2, 3),  # 汤阴县
    "410527": (3, 1),  # 内黄县
    "410526": (3, 3),  # 滑县
}


@dataclass(frozen=True)
class County:
    code: str
    name: str


def monitoring_counties(user: User, on: dt.date | None = None) -> list[County]:
    """The county-level units the user may see, by code."""
    on = on or timezone.localdate()
    codes = user_county_codes(user)
    return [
        County(str(c.code), c.name)
        for c in division_counties(on)
        if c.code and (codes is None or c.code in codes)
    ]


def user_sees_city(user: User) -> bool:
    return user_county_codes(user) is None


def city_targets(on: dt.date | None = None) -> Targets:
    """The city's targets (AY2018-19:1.3) from the dated parameters in force on ``on``."""
    params = default_parameters()
    on = on or timezone.localdate()

    def value(path: str) -> Any:
        param = params[f"targets/{path}"]
        return param.at(max(on, param.values[0].start)).value

    return Targets(
        target_year=int(value("target_year")),
        baseline_year=int(value("baseline_year")),
        hukou_rate=Decimal(str(value("hukou_urbanization_rate_min"))),
        yearly_transfers=int(value("hukou_transfers_per_year")),
        yearly_rate_increase=Decimal(str(value("hukou_urbanization_rate_yearly_increase"))),
        gap_reduction=Decimal(str(value("gap_reduction_points_min"))),
    )


def county_targets(target_year: int) -> dict[str, CountyTarget]:
    return {t.county_code: t for t in CountyTarget.objects.filter(target_year=target_year)}


def county_target_for(county_code: str, city: Targets) -> Targets:
    target = CountyTarget.objects.filter(
        county_code=county_code, target_year=city.target_year
    ).first()
    return targets_of(county_code, city, {} if target is None else {county_code: target})


def targets_of(county_code: str, city: Targets, targets: dict[str, CountyTarget]) -> Targets:
    """A county's targets (its own, from ``targets``) with the city's years."""
    target = targets.get(county_code)
    return Targets(
        target_year=city.target_year,
        baseline_year=city.baseline_year,
        hukou_rate=None if target is None else target.hukou_urbanization_rate,
        yearly_transfers=None if target is None else target.yearly_hukou_transfers,
    )


_COUNT_FIELDS = (
    "year",
    "division_code",
    "residents",
    "urban_residents",
    "hukou_population",
    "urban_hukou_population",
    "hukou_transfers",
)


def _computed(row: IndicatorFigures) -> Figures:
    return Figures(*(getattr(row, name) for name in _COUNT_FIELDS))


def figures_shown() -> dict[int, dict[str, Figures]]:
    """Year -> county code -> the figures dashboards show, plus the city row.

    A county's locked figures for a year replace the computed ones; the
    city row is the sum of the county rows shown (so it is locked only when
    every county is). Two queries, whatever the number of years.
    """
    by_year: dict[int, dict[str, Figures]] = defaultdict(dict)
    computed = IndicatorFigures.objects.exclude(division_code=CITY_CODE).values_list(*_COUNT_FIELDS)
    for values in computed:
        figures = Figures(*values)
        by_year[figures.year][figures.division_code] = figures
    locked_rows = YearFigures.objects.filter(status=FiguresStatus.LOCKED).values_list(
        "year", "county_code", "figures"
    )
    for year, county_code, frozen in locked_rows:
        by_year[year][county_code] = Figures.from_mapping(
            {**frozen, "year": year, "division_code": county_code}, locked=True
        )
    for rows in by_year.values():
        city = combine(rows.values(), CITY_CODE)
        if city is not None:
            rows[CITY_CODE] = city
    return dict(sorted(by_year.items()))


def pipeline_open_by_county() -> dict[str, int]:
    """Open settlement cases (not yet registered, refused or withdrawn) by county."""
    rows = (
        SettlementApplication.objects.filter(status__in=OPEN_STATUSES)
        .values("county_code")
        .annotate(n=Count("id"))
    )
    return {row["county_code"]: row["n"] for row in rows}


def progress_by_division(
    user: User,
    shown: dict[int, dict[str, Figures]] | None = None,
    *,
    counties: list[County] | None = None,
    targets: dict[str, CountyTarget] | None = None,
) -> dict[str, Progress]:
    """Forecast and flags for each county the user sees, and the city for city roles.

    ``shown``, ``counties`` and ``targets`` may be passed in when the caller
    has read them already (one query each per page).
    """
    shown = figures_shown() if shown is None else shown
    city = city_targets()
    pipeline = pipeline_open_by_county()
    targets = county_targets(city.target_year) if targets is None else targets
    result: dict[str, Progress] = {}
    for county in monitoring_counties(user) if counties is None else counties:
        series = [rows[county.code] for rows in shown.values() if county.code in rows]
        county_target = targets_of(county.code, city, targets)
        result[county.code] = progress(
            series,
            county_target,
            pipeline_open=pipeline.get(county.code, 0),
            division_code=county.code,
        )
    if user_sees_city(user):
        series = [rows[CITY_CODE] for rows in shown.values() if CITY_CODE in rows]
        result[CITY_CODE] = progress(
            series, city, pipeline_open=sum(pipeline.values()), division_code=CITY_CODE
        )
    return result


def figures_for_approval(user: User) -> list[dict[str, Any]]:
    """Each county and year the user may reach: computed figures and the approval state."""
    codes = user_county_codes(user)
    computed = IndicatorFigures.objects.exclude(division_code=CITY_CODE)
    states = YearFigures.objects.all()
    if codes is not None:
        computed = computed.filter(division_code__in=codes)
        states = states.filter(county_code__in=codes)
    by_key: dict[tuple[int, str], dict[str, Any]] = {}
    for row in computed:
        by_key[(row.year, row.division_code)] = {
            "year": row.year,
            "county_code": row.division_code,
            "computed": _computed(row).as_dict(),
            "state": None,
        }
    for state in states:
        entry = by_key.setdefault(
            (state.year, state.county_code),
            {"year": state.year, "county_code": state.county_code, "computed": None},
        )
        entry["state"] = state
    return [by_key[key] for key in sorted(by_key, key=lambda k: (-k[0], k[1]))]


def casework_mix(user: User, year: int | None = None) -> dict[str, Any]:
    """Channels of approved decisions and priority groups of cases, by county (1.2.b, 2.1-2.3).

    Counts the latest approval of each approved or registered case whose
    decision fell in ``year`` (all years when None). Aggregates only.
    """
    codes = user_county_codes(user)
    decisions = Decision.objects.filter(
        outcome=DecisionOutcome.APPROVED,
        application__status__in=[Status.APPROVED, Status.REGISTERED],
    ).select_related("application")
    if codes is not None:
        decisions = decisions.filter(application__county_code__in=codes)
    if year is not None:
        decisions = decisions.filter(
            decided_at__date__gte=dt.date(year, 1, 1), decided_at__date__lte=dt.date(year, 12, 31)
        )
    latest: dict[int, Decision] = {}
    for decision in decisions.order_by("decided_at", "pk"):
        latest[decision.application_id] = decision
    channels: dict[str, Counter[str]] = defaultdict(Counter)
    flags: dict[str, Counter[str]] = defaultdict(Counter)
    for decision in latest.values():
        county = decision.application.county_code
        for channel in decision.evaluation.get("channels", []):
            channels[county][str(channel["channel"])] += 1
        # Each flag is stored with its clause: {"flag": ..., "clause": ...}.
        names = [str(f["flag"]) for f in decision.application.priority_flags or []]
        for name in names:
            flags[county][name] += 1
        if not names:
            flags[county]["none"] += 1
    return {
        "channels": {k: dict(v) for k, v in channels.items()},
        "priority_flags": {k: dict(v) for k, v in flags.items()},
        "cases": len(latest),
    }


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    unsettled_urban_residents: int
    permit_holders: int
    coverage_rate: float | None


def permit_coverage_by_county(user: User, year: int) -> list[CoverageRow]:
    """Residence-permit coverage (AY2018-19:3.10) at 31 December of ``year``, from the registry.

    The one definition is ``luohu.analytics.coverage``; this only extracts
    and keeps the counties the user may see (the city row for city roles).
    """
    from luohu.analytics.coverage import permit_coverage
    from luohu.permits.extract import permits_extract
    from luohu.registry.snapshot import registry_snapshot

    frame = permit_coverage(registry_snapshot(dt.date(year, 12, 31)), permits_extract(), year=year)
    names = {c.code: c.name for c in monitoring_counties(user, dt.date(year, 12, 31))}
    if user_sees_city(user):
        names[CITY_CODE] = "安阳市"
    return [
        CoverageRow(
            code=row["division_code"],
            name=names[row["division_code"]],
            unsettled_urban_residents=row["unsettled_urban_residents"],
            permit_holders=row["permit_holders"],
            coverage_rate=row["coverage_rate"],
        )
        for row in frame.iter_rows(named=True)
        if row["division_code"] in names
    ]
