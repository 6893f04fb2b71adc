"""Writes for monitoring: computed indicators, county targets, approved figures, what-ifs.

Each service runs in one transaction and writes its audit entry in it
(events 6xx). Monitoring writes only its own aggregate tables, never the
registry or casework.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from luohu.accounts.models import User
from luohu.accounts.roles import CITY_CODE, Role
from luohu.accounts.selectors import user_can_reach_county
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.common.errors import FieldError, FieldProblem, field_error
from luohu.monitoring.compute import indicators_compute
from luohu.monitoring.models import (
    CountyTarget,
    FiguresStatus,
    IndicatorFigures,
    IndicatorSource,
    WhatIfScenario,
    YearFigures,
)
from luohu.monitoring.progress import Figures, weighted_rate
from luohu.monitoring.selectors import city_targets, figures_shown
from luohu.registry.selectors import division_counties

TARGETS_CLAUSE = "AY2018-19:1.2.e"
CITY_TARGETS_CLAUSE = "AY2018-19:1.3"
FIGURES_CLAUSE = "AY2018-19:4.1"

# Who may do what (1.2.e: the city plans and supervises, each county is
# responsible for its own figures; 4.1: the statistics bureau leads the
# statistics, so it approves beside the commission).
TARGET_SETTERS = frozenset({Role.CITY_NDRC})
FIGURES_SUBMITTERS = frozenset({Role.COUNTY_OFFICIAL})
FIGURES_APPROVERS = frozenset({Role.CITY_NDRC, Role.STATISTICS})
INDICATOR_REFRESHERS = frozenset({Role.CITY_NDRC, Role.STATISTICS})


@dataclass(frozen=True)
class FiguresTransition:
    action: str
    sources: frozenset[str | None]
    target: FiguresStatus
    roles: frozenset[str]
    event: AuditEventType


# The approval workflow of a county's year figures, declared once (4.1).
# ``None`` is a year with nothing submitted yet.
FIGURES_TRANSITIONS: dict[str, FiguresTransition] = {
    "submit": FiguresTransition(
        "submit",
        frozenset({None, FiguresStatus.REOPENED}),
        FiguresStatus.SUBMITTED,
        FIGURES_SUBMITTERS,
        AuditEventType.FIGURES_SUBMITTED,
    ),
    "approve": FiguresTransition(
        "approve",
        frozenset({FiguresStatus.SUBMITTED}),
        FiguresStatus.LOCKED,
        FIGURES_APPROVERS,
        AuditEventType.FIGURES_APPROVED,
    ),
    "reopen": FiguresTransition(
        "reopen",
        frozenset({FiguresStatus.SUBMITTED, FiguresStatus.LOCKED}),
        FiguresStatus.REOPENED,
        FIGURES_APPROVERS,
        AuditEventType.FIGURES_REOPENED,
    ),
}

NOT_ALLOWED = (
    "monitoring_not_allowed",
    "您的角色或管辖范围不能执行此操作",
    "your role or jurisdiction does not allow this",
)
FIGURES_WRONG_STATE = (
    "figures_wrong_state",
    "{year} 年数据当前为「{state}」，不能执行「{action}」",
    "the {year} figures are {state}; they cannot be {action}",
)
FIGURES_NOTHING_COMPUTED = (
    "figures_nothing_computed",
    "{year} 年尚无该县（市、区）的计算结果，请先计算指标",
    "no computed indicators for this county and {year}; compute the indicators first",
)
FIGURES_REASON_REQUIRED = (
    "figures_reason_required",
    "重新开放已报送或已锁定的数据须说明理由",
    "reopening submitted or locked figures needs a reason",
)
TARGETS_COUNTY_MISSING = (
    "targets_county_missing",
    "缺少 {names} 的目标；须为全部县（市、区）设定目标",
    "no targets for {names}; every county must have targets",
)
TARGETS_COUNTY_UNKNOWN = (
    "targets_county_unknown",
    "{code} 不是安阳市所辖县（市、区）",
    "{code} is not a county of Anyang",
)
TARGETS_RATE_INVALID = (
    "targets_rate_invalid",
    "{name} 的户籍人口城镇化率目标须为 0 至 100 之间、最多两位小数的数",
    "{name}: the hukou urbanisation rate target must be a number from 0 to 100 "
    "with at most two decimals",
)
TARGETS_TRANSFERS_INVALID = (
    "targets_transfers_invalid",
    "{name} 的年均转户目标须为不小于 0 的整数",
    "{name}: the yearly transfers target must be a whole number, 0 or more",
)
TARGETS_TRANSFERS_SHORT = (
    "targets_transfers_do_not_add_up",
    "各县（市、区）年均转户目标合计 {total}，少于全市目标 {city}（{clause}）；"
    "低于按户籍人口分摊份额的有：{names}",
    "the counties' yearly transfers add up to {total}, short of the city's {city} ({clause}); "
    "below their share by hukou population: {names}",
)
TARGETS_RATE_SHORT = (
    "targets_rates_do_not_add_up",
    "按户籍人口加权，各县（市、区）目标合计为 {combined}%，低于全市目标 {city}%（{clause}）；"
    "低于全市目标的有：{names}",
    "weighted by hukou population the county targets give {combined} %, below the city's "
    "{city} % ({clause}); below the city's target: {names}",
)
TARGETS_NO_WEIGHTS = (
    "targets_no_weights",
    "尚无各县（市、区）户籍人口数据，无法核对目标之和，请先计算指标",
    "no hukou population by county yet to check the targets against; compute the indicators first",
)


def _problem(field: str, spec: tuple[str, str, str], **fmt: Any) -> FieldProblem:
    code, zh, en = spec
    return FieldProblem(field, code, zh.format(**fmt), en.format(**fmt))


def _allowed(user: User, roles: frozenset[str], county_code: str | None = None) -> None:
    if user.role not in roles or (
        county_code is not None and not user_can_reach_county(user, county_code)
    ):
        raise field_error("", NOT_ALLOWED)


def _rate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


@transaction.atomic
def indicators_refresh(*, acting_user: User | None, year: int, source: str) -> int:
    """Compute the year's indicators and keep them as the provisional figures.

    ``source`` is ``registry`` or a directory of synthetic population files.
    Replaces the year's computed rows; approved figures are untouched.
    ``acting_user`` None is the system (a command, the benchmark).
    """
    if acting_user is not None:
        _allowed(acting_user, INDICATOR_REFRESHERS)
    frame, _transfers_known = indicators_compute(year, source)
    kind = IndicatorSource.REGISTRY if source == "registry" else IndicatorSource.POPULATION
    now = timezone.now()
    rows = []
    for row in frame.iter_rows(named=True):
        item = IndicatorFigures(
            year=year,
            division_code=row["division_code"],
            source=kind,
            residents=row["residents"],
            urban_residents=row["urban_residents"],
            hukou_population=row["hukou_population"],
            urban_hukou_population=row["urban_hukou_population"],
            resident_urbanization_rate=_rate(row["resident_urbanization_rate"]),
            hukou_urbanization_rate=_rate(row["hukou_urbanization_rate"]),
            gap_points=_rate(row["gap_points"]),
            hukou_transfers=row["hukou_transfers"],
            computed_at=now,
        )
        item.full_clean(validate_unique=False)
        rows.append(item)
    IndicatorFigures.objects.filter(year=year).delete()
    IndicatorFigures.objects.bulk_create(rows)
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.INDICATORS_COMPUTED,
        obj_type="monitoring.IndicatorFigures",
        obj_id=year,
        jurisdiction_code=CITY_CODE,
        after={"year": year, "source": kind.value, "rows": len(rows)},
    )
    return len(rows)


def _figures_step(
    *, acting_user: User, county_code: str, year: int, action: str, reason: str = ""
) -> YearFigures:
    transition = FIGURES_TRANSITIONS[action]
    _allowed(acting_user, transition.roles, county_code)
    current = YearFigures.objects.select_for_update().filter(county_code=county_code, year=year)
    record = current.first()
    state = None if record is None else record.status
    if state not in transition.sources:
        label = "—" if state is None else str(FiguresStatus(state).label)
        raise FieldError(
            _problem(
                "status", FIGURES_WRONG_STATE, year=year, state=label, action=transition.action
            )
        )
    if action == "reopen" and not reason.strip():
        raise field_error("reason", FIGURES_REASON_REQUIRED)
    now = timezone.now()
    before = None if record is None else {"status": str(record.status), "version": record.version}
    if action == "submit":
        computed = IndicatorFigures.objects.filter(division_code=county_code, year=year).first()
        if computed is None:
            raise FieldError(_problem("year", FIGURES_NOTHING_COMPUTED, year=year))
        frozen = Figures(
            year=year,
            division_code=county_code,
            residents=computed.residents,
            urban_residents=computed.urban_residents,
            hukou_population=computed.hukou_population,
            urban_hukou_population=computed.urban_hukou_population,
            hukou_transfers=computed.hukou_transfers,
        ).as_record()
        if record is None:
            record = YearFigures(county_code=county_code, year=year, version=0)
        record.figures = frozen
        record.source = computed.source
        record.version += 1
        record.submitted_by = acting_user
        record.submitted_at = now
        record.decided_by = None
        record.decided_at = None
    elif action == "approve":
        assert record is not None
        record.decided_by = acting_user
        record.decided_at = now
    else:
        assert record is not None
        record.reopen_reason = reason.strip()
        record.decided_by = acting_user
        record.decided_at = now
    record.status = transition.target
    record.full_clean(validate_unique=False)
    record.save()
    audit_record(
        acting_user=acting_user,
        event_type=transition.event,
        obj_type="monitoring.YearFigures",
        obj_id=f"{county_code}-{year}",
        jurisdiction_code=county_code,
        before=before,
        after={"status": str(record.status), "version": record.version, "figures": record.figures},
        reason=reason.strip(),
    )
    return record


@transaction.atomic
def figures_submit(*, acting_user: User, county_code: str, year: int) -> YearFigures:
    """A county submits a frozen copy of its computed figures for the year (4.1)."""
    return _figures_step(
        acting_user=acting_user, county_code=county_code, year=year, action="submit"
    )


@transaction.atomic
def figures_approve(*, acting_user: User, county_code: str, year: int) -> YearFigures:
    """The city approves submitted figures and locks them for the dashboards."""
    return _figures_step(
        acting_user=acting_user, county_code=county_code, year=year, action="approve"
    )


@transaction.atomic
def figures_reopen(*, acting_user: User, county_code: str, year: int, reason: str) -> YearFigures:
    """The city reopens submitted or locked figures, with a reason that is recorded."""
    return _figures_step(
        acting_user=acting_user, county_code=county_code, year=year, action="reopen", reason=reason
    )


def _county_weights() -> dict[str, int]:
    """Each county's hukou population in the latest year with figures (the weights)."""
    shown = figures_shown()
    if not shown:
        return {}
    latest = shown[max(shown)]
    return {code: f.hukou_population for code, f in latest.items() if code != CITY_CODE}


@transaction.atomic
def county_targets_set(
    *,
    acting_user: User,
    target_year: int,
    targets: Mapping[str, Mapping[str, Any]],
) -> list[CountyTarget]:
    """Set every county's own targets (1.2.e); refused unless they add up to the city's (1.3).

    ``targets`` maps a county code to ``hukou_urbanization_rate`` (percent)
    and ``yearly_hukou_transfers``. Transfers must sum to at least the
    city's yearly number; rates, weighted by each county's hukou population
    in the latest year with figures, must reach the city's rate
    (docs/analytics/targets.md). Every problem is reported at once.
    """
    _allowed(acting_user, TARGET_SETTERS)
    today = timezone.localdate()
    counties = {str(c.code): c.name for c in division_counties(today) if c.code}
    city = city_targets(dt.date(target_year, 12, 31))
    problems: list[FieldProblem] = []
    for code in targets:
        if code not in counties:
            problems.append(_problem(f"targets.{code}", TARGETS_COUNTY_UNKNOWN, code=code))
    missing = [counties[c] for c in counties if c not in targets]
    if missing:
        problems.append(_problem("targets", TARGETS_COUNTY_MISSING, names="、".join(missing)))
    rates: dict[str, Decimal] = {}
    transfers: dict[str, int] = {}
    for code, values in targets.items():
        if code not in counties:
            continue
        name = counties[code]
        try:
            rate = Decimal(str(values.get("hukou_urbanization_rate", "")).strip())
            if not (0 <= rate <= 100) or rate.as_tuple().exponent < -2:  # type: ignore[operator]
                raise InvalidOperation
            rates[code] = rate
        except (InvalidOperation, ValueError):
            problems.append(
                _problem(f"targets.{code}.hukou_urbanization_rate", TARGETS_RATE_INVALID, name=name)
            )
        raw = values.get("yearly_hukou_transfers")
        try:
            number = int(str(raw).strip())
            if number < 0 or isinstance(raw, bool) or str(number) != str(raw).strip():
                raise ValueError
            transfers[code] = number
        except (TypeError, ValueError):
            problems.append(
                _problem(
                    f"targets.{code}.yearly_hukou_transfers", TARGETS_TRANSFERS_INVALID, name=name
                )
            )
    if problems:
        raise FieldError(problems)
    weights = _county_weights()
    total_weight = sum(weights.get(c, 0) for c in counties)
    if total_weight == 0:
        raise FieldError(_problem("hukou_urbanization_rate", TARGETS_NO_WEIGHTS))
    total = sum(transfers.values())
    assert city.yearly_transfers is not None and city.hukou_rate is not None
    if total < city.yearly_transfers:
        short = [
            f"{counties[c]} {transfers[c]:,}"
            for c in counties
            if transfers[c] * total_weight < city.yearly_transfers * weights.get(c, 0)
        ]
        problems.append(
            _problem(
                "yearly_hukou_transfers",
                TARGETS_TRANSFERS_SHORT,
                total=f"{total:,}",
                city=f"{city.yearly_transfers:,}",
                clause=CITY_TARGETS_CLAUSE,
                names="、".join(short) or "—",
            )
        )
    combined = weighted_rate(rates, weights)
    if combined is None or combined < city.hukou_rate:
        below = [f"{counties[c]} {rates[c]}" for c in counties if rates[c] < city.hukou_rate]
        problems.append(
            _problem(
                "hukou_urbanization_rate",
                TARGETS_RATE_SHORT,
                combined=combined,
                city=city.hukou_rate,
                clause=CITY_TARGETS_CLAUSE,
                names="、".join(below) or "—",
            )
        )
    if problems:
        raise FieldError(problems)
    before = {
        t.county_code: [str(t.hukou_urbanization_rate), t.yearly_hukou_transfers]
        for t in CountyTarget.objects.filter(target_year=target_year)
    }
    CountyTarget.objects.filter(target_year=target_year).delete()
    now = timezone.now()
    saved = []
    for code in counties:
        target = CountyTarget(
            county_code=code,
            target_year=target_year,
            hukou_urbanization_rate=rates[code],
            yearly_hukou_transfers=transfers[code],
            set_by=acting_user,
            set_at=now,
        )
        target.full_clean(validate_unique=False)
        saved.append(target)
    CountyTarget.objects.bulk_create(saved)
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.COUNTY_TARGETS_SET,
        obj_type="monitoring.CountyTarget",
        obj_id=target_year,
        jurisdiction_code=CITY_CODE,
        before=before or None,
        after={
            "targets": {c: [str(rates[c]), transfers[c]] for c in counties},
            "combined_rate": str(combined),
            "total_transfers": total,
            "weights": {c: weights.get(c, 0) for c in counties},
        },
    )
    return saved


@transaction.atomic
def whatif_save(*, acting_user: User, result: Mapping[str, Any], note: str = "") -> WhatIfScenario:
    """Keep a what-if result the user asked to save (runs are not saved otherwise)."""
    county_code = str(result["county_code"])
    _allowed(acting_user, FIGURES_APPROVERS | FIGURES_SUBMITTERS, county_code)
    scenario = WhatIfScenario(
        county_code=county_code,
        parameter=str(result["parameter"]),
        value=result["value"],
        population_year=int(result["population_year"]),
        result=dict(result),
        note=note.strip()[:200],
        created_by=acting_user,
        created_at=timezone.now(),
    )
    scenario.full_clean()
    scenario.save()
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.WHATIF_SAVED,
        obj_type="monitoring.WhatIfScenario",
        obj_id=scenario.pk,
        jurisdiction_code=county_code,
        after={"parameter": scenario.parameter, "value": scenario.value},
    )
    return scenario
