"""Dashboards and the pages behind them: targets, approval of figures, what-if.

Views parse the request, call selectors or one service, and render. Chart
data goes to the page through ``json_script`` and is drawn by
``monitoring/dashboard.js`` with the locally served ECharts (no inline
script, CSP script-src 'self'); every chart has a table beside it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luohu.accounts.models import User
from luohu.accounts.roles import CITY_CODE, page_allowed
from luohu.common.errors import FieldError, FieldProblem
from luohu.monitoring import selectors, services
from luohu.monitoring.models import FiguresStatus
from luohu.monitoring.progress import AT_RISK, ON_TRACK, UNKNOWN, Figures, Progress
from luohu.monitoring.whatif import (
    population_dir,
    population_year,
    whatif_options,
    whatif_run,
)
from luohu.policy.channels import CHANNELS, PRIORITY_FLAGS
from luohu.policy.rules import RULES


def _same_treatment(on: Any) -> list[dict[str, Any]]:
    """Same-treatment index by county (1.2.a), from luohu.analytics.same_treatment."""
    from luohu.analytics.same_treatment import same_treatment_by_county

    rows = []
    for county in same_treatment_by_county(on):
        labels = {s.service: f"{s.label_zh} {s.label_en}" for s in county.services}
        rows.append(
            {
                "code": county.county,
                "name": county.name,
                "share": round(county.share * 100, 1),
                "missing": [labels[name] for name in county.not_reachable_by_permit_holders],
            }
        )
    return rows


def _user(request: HttpRequest, key: str) -> User:
    user = request.user
    # A page outside the role's navigation does not exist for that role.
    if not isinstance(user, User) or not page_allowed(user.role, key):
        raise Http404
    return user


def _flag_labels() -> dict[str, str]:
    return {
        ON_TRACK: _("On track"),
        AT_RISK: _("At risk"),
        UNKNOWN: _("Unknown"),
    }


def _problems(exc: FieldError) -> list[FieldProblem]:
    return exc.problems


def _division_name(code: str, counties: dict[str, str]) -> str:
    return _("Anyang city") if code == CITY_CODE else counties.get(code, code)


def _series(
    shown: dict[int, dict[str, Figures]], code: str
) -> tuple[list[int], list[dict[str, Any]]]:
    years = [year for year, rows in shown.items() if code in rows]
    return years, [shown[year][code].as_dict() for year in years]


@login_required
@require_http_methods(["GET"])
def overview(request: HttpRequest) -> HttpResponse:
    """City overview (or the county's own): both rates, the gap and transfers against target."""
    user = _user(request, "dashboard")
    county_list = selectors.monitoring_counties(user)
    counties = {c.code: c.name for c in county_list}
    sees_city = selectors.user_sees_city(user)
    code = request.GET.get("county") or (CITY_CODE if sees_city else next(iter(counties), ""))
    if code != CITY_CODE and code not in counties or (code == CITY_CODE and not sees_city):
        raise Http404
    shown = selectors.figures_shown()
    city = selectors.city_targets()
    county_targets = selectors.county_targets(city.target_year)
    progress = selectors.progress_by_division(
        user, shown, counties=county_list, targets=county_targets
    )
    targets = city if code == CITY_CODE else selectors.targets_of(code, city, county_targets)
    years, rows = _series(shown, code)
    mine: Progress | None = progress.get(code)
    gap_target = None
    if mine is not None and mine.baseline_gap is not None and city.gap_reduction is not None:
        gap_target = float(mine.baseline_gap - city.gap_reduction)
    data = {
        "kind": "overview",
        "years": years,
        "rows": rows,
        "target_year": targets.target_year,
        "hukou_rate_target": None if targets.hukou_rate is None else float(targets.hukou_rate),
        "yearly_transfers_target": targets.yearly_transfers,
        "gap_target": gap_target if code == CITY_CODE else None,
        "forecast": None if mine is None else mine.as_dict(),
        "labels": {
            "resident": _("Resident urbanisation rate (%)"),
            "hukou": _("Hukou urbanisation rate (%)"),
            "target": _("Target"),
            "forecast": _("Forecast"),
            "gap": _("Gap (percentage points)"),
            "gap_target": _("Gap target"),
            "transfers": _("Hukou transfers"),
            "transfers_target": _("Yearly transfers target"),
        },
    }
    return render(
        request,
        "monitoring/overview.html",
        {
            "data": data,
            "rows": rows,
            "code": code,
            "name": _division_name(code, counties),
            "counties": counties,
            "sees_city": sees_city,
            "progress": mine,
            "flag_labels": _flag_labels(),
            "targets": targets,
            "gap_target": gap_target,
        },
    )


@login_required
@require_http_methods(["GET"])
def counties(request: HttpRequest) -> HttpResponse:
    """County comparison and the tile map coloured by progress (city roles)."""
    user = _user(request, "county_comparison")
    county_list = selectors.monitoring_counties(user)
    shown = selectors.figures_shown()
    targets = selectors.county_targets(selectors.city_targets().target_year)
    progress = selectors.progress_by_division(user, shown, counties=county_list, targets=targets)
    year = max(shown) if shown else None
    latest = shown.get(year, {}) if year is not None else {}
    flags = _flag_labels()
    table = []
    for county in county_list:
        figures = latest.get(county.code)
        p = progress.get(county.code)
        target = targets.get(county.code)
        table.append(
            {
                "code": county.code,
                "name": county.name,
                "figures": None if figures is None else figures.as_dict(),
                "target_rate": None if target is None else float(target.hukou_urbanization_rate),
                "target_transfers": None if target is None else target.yearly_hukou_transfers,
                "forecast_rate": None if p is None else p.as_dict()["forecast_hukou_rate"],
                "overall": UNKNOWN if p is None else p.overall,
                "overall_label": flags[UNKNOWN if p is None else p.overall],
                "tile": selectors.TILE_LAYOUT.get(county.code),
            }
        )
    same = _same_treatment(timezone.localdate())
    coverage_year, coverage, coverage_error = _coverage(request, user)
    data = {
        "kind": "counties",
        "year": year,
        "counties": table,
        "flags": flags,
        "same_treatment": [{"name": r["name"], "value": r["share"]} for r in same],
        "labels": {
            "resident": _("Resident urbanisation rate (%)"),
            "hukou": _("Hukou urbanisation rate (%)"),
            "target": _("Target"),
            "same_treatment": _("Services permit holders reach as hukou residents do (%)"),
        },
    }
    return render(
        request,
        "monitoring/counties.html",
        {
            "data": data,
            "table": table,
            "year": year,
            "same": same,
            "coverage_year": coverage_year,
            "coverage": coverage,
            "coverage_error": coverage_error,
        },
    )


def _coverage(
    request: HttpRequest, user: User
) -> tuple[int, list[selectors.CoverageRow], str | None]:
    """Permit coverage at a year-end: ``?coverage_year=``, else the last full year."""
    last = timezone.localdate().year - 1
    try:
        year = int(request.GET.get("coverage_year") or last)
    except ValueError:
        year = last
    year = min(max(year, 2016), last)
    try:
        return year, selectors.permit_coverage_by_county(user, year), None
    except ValueError as exc:
        # The definition names what is wrong with the registry in both languages.
        return year, [], str(exc)


def _channel_labels() -> dict[str, str]:
    return {c.name: f"{c.label_zh} {c.label_en}" for c in CHANNELS}


def _flag_rule_labels() -> dict[str, str]:
    labels = {f: f"{RULES[f].term_zh} {RULES[f].label_en}" for f in PRIORITY_FLAGS if f in RULES}
    labels["none"] = _("No priority group")
    return labels


@login_required
@require_http_methods(["GET"])
def casework_mix(request: HttpRequest) -> HttpResponse:
    """Channels of approved cases and priority groups, by county (1.2.b; 2.1-2.3)."""
    user = _user(request, "casework_mix")
    try:
        year = int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError:
        year = None
    mix = selectors.casework_mix(user, year)
    counties = {c.code: c.name for c in selectors.monitoring_counties(user)}
    channel_labels = _channel_labels()
    flag_labels = _flag_rule_labels()

    def totals(
        by_county: dict[str, dict[str, int]], labels: dict[str, str]
    ) -> list[dict[str, Any]]:
        out = []
        for key, label in labels.items():
            per_county = {code: by_county.get(code, {}).get(key, 0) for code in counties}
            out.append(
                {
                    "key": key,
                    "label": label,
                    "total": sum(per_county.values()),
                    "by_county": per_county,
                }
            )
        return out

    channels = totals(mix["channels"], channel_labels)
    flags = totals(mix["priority_flags"], flag_labels)
    data = {
        "kind": "mix",
        "channels": [{"name": c["label"], "value": c["total"]} for c in channels],
        "flags": [{"name": f["label"], "value": f["total"]} for f in flags],
    }
    return render(
        request,
        "monitoring/mix.html",
        {
            "data": data,
            "channels": channels,
            "flags": flags,
            "counties": counties,
            "cases": mix["cases"],
            "year": year,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def figures(request: HttpRequest) -> HttpResponse:
    """Approval of year figures: counties submit, the city approves and locks or reopens (4.1)."""
    user = _user(request, "figures")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "refresh":
                year = int(request.POST.get("year", "0"))
                source = request.POST.get("source", "registry")
                source_arg = "registry" if source == "registry" else str(population_dir())
                rows = services.indicators_refresh(acting_user=user, year=year, source=source_arg)
                messages.success(request, _("Indicators computed: %(rows)d rows.") % {"rows": rows})
            else:
                county_code = request.POST.get("county_code", "")
                year = int(request.POST.get("year", "0"))
                if action == "submit":
                    services.figures_submit(acting_user=user, county_code=county_code, year=year)
                    messages.success(request, _("Figures submitted."))
                elif action == "approve":
                    services.figures_approve(acting_user=user, county_code=county_code, year=year)
                    messages.success(request, _("Figures approved and locked."))
                elif action == "reopen":
                    services.figures_reopen(
                        acting_user=user,
                        county_code=county_code,
                        year=year,
                        reason=request.POST.get("reason", ""),
                    )
                    messages.success(request, _("Figures reopened."))
                else:
                    raise Http404
        except FieldError as exc:
            for problem in exc.problems:
                messages.error(request, f"{problem.message_zh} / {problem.message_en}")
        except ValueError:
            messages.error(request, _("The year must be a number."))
        return redirect("monitoring:figures")
    entries = selectors.figures_for_approval(user)
    counties = {c.code: c.name for c in selectors.monitoring_counties(user)}
    for entry in entries:
        entry["name"] = counties.get(entry["county_code"], entry["county_code"])
        state = entry["state"]
        status = None if state is None else state.status
        entry["can_submit"] = (
            user.role in services.FIGURES_SUBMITTERS
            and status
            in (
                None,
                FiguresStatus.REOPENED,
            )
            and entry["computed"] is not None
        )
        entry["can_approve"] = (
            user.role in services.FIGURES_APPROVERS and status == FiguresStatus.SUBMITTED
        )
        entry["can_reopen"] = user.role in services.FIGURES_APPROVERS and status in (
            FiguresStatus.SUBMITTED,
            FiguresStatus.LOCKED,
        )
    return render(
        request,
        "monitoring/figures.html",
        {
            "entries": entries,
            "can_refresh": user.role in services.INDICATOR_REFRESHERS,
            "this_year": timezone.localdate().year,
            "population_year": population_year(population_dir()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    """The city's targets (1.3) and each county's own (1.2.e), set by the commission."""
    user = _user(request, "targets")
    city = selectors.city_targets()
    counties = selectors.monitoring_counties(user)
    current = selectors.county_targets(city.target_year)
    can_set = user.role in services.TARGET_SETTERS
    problems: list[FieldProblem] = []
    posted: dict[str, dict[str, str]] = {}
    if request.method == "POST":
        if not can_set:
            raise Http404
        posted = {
            c.code: {
                "hukou_urbanization_rate": request.POST.get(f"rate_{c.code}", ""),
                "yearly_hukou_transfers": request.POST.get(f"transfers_{c.code}", ""),
            }
            for c in counties
        }
        try:
            services.county_targets_set(
                acting_user=user, target_year=city.target_year, targets=posted
            )
        except FieldError as exc:
            problems = _problems(exc)
        else:
            messages.success(request, _("County targets saved."))
            return redirect("monitoring:targets")
    by_field = {p.field: p for p in problems}
    rows = []
    for county in counties:
        target = current.get(county.code)
        values = posted.get(county.code)
        rows.append(
            {
                "code": county.code,
                "name": county.name,
                "rate": values["hukou_urbanization_rate"]
                if values
                else ("" if target is None else target.hukou_urbanization_rate),
                "transfers": values["yearly_hukou_transfers"]
                if values
                else ("" if target is None else target.yearly_hukou_transfers),
                "rate_problem": by_field.get(f"targets.{county.code}.hukou_urbanization_rate"),
                "transfers_problem": by_field.get(f"targets.{county.code}.yearly_hukou_transfers"),
            }
        )
    total = sum(t.yearly_hukou_transfers for t in current.values())
    return render(
        request,
        "monitoring/targets.html",
        {
            "city": city,
            "rows": rows,
            "can_set": can_set,
            "problems": problems,
            "total": total,
            "gap_reduction": city.gap_reduction,
            "rate_increase": city.yearly_rate_increase,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def whatif(request: HttpRequest) -> HttpResponse:
    """What-if: a county's local setting changed within its guardrail, run over the population."""
    user = _user(request, "whatif")
    today = timezone.localdate()
    counties = selectors.monitoring_counties(user)
    options = whatif_options(today)
    form = {
        "county_code": request.POST.get("county_code", counties[0].code if counties else ""),
        "parameter": request.POST.get("parameter", options[0]["path"] if options else ""),
        "value": request.POST.get("value", ""),
        "note": request.POST.get("note", ""),
    }
    problems: list[FieldProblem] = []
    result: dict[str, Any] | None = None
    if request.method == "POST":
        try:
            result = whatif_run(
                user=user,
                county_code=form["county_code"],
                parameter=form["parameter"],
                value=form["value"],
            )
            if request.POST.get("save"):
                services.whatif_save(acting_user=user, result=result, note=form["note"])
                messages.success(request, _("Scenario saved."))
        except FieldError as exc:
            problems = _problems(exc)
            result = None
    data = None
    if result is not None:
        data = {
            "kind": "whatif",
            "result": result,
            "labels": {
                "before": _("Current setting"),
                "after": _("Proposed setting"),
                "eligible": _("Eligible residents"),
                "hukou": _("Hukou urbanisation rate (%)"),
                "resident": _("Resident urbanisation rate (%)"),
                "target": _("Target"),
                "county": result["county_name"],
                "city": _("Anyang city"),
            },
        }
    return render(
        request,
        "monitoring/whatif.html",
        {
            "counties": counties,
            "options": options,
            "form": form,
            "problems": problems,
            "by_field": {p.field: p for p in problems},
            "result": result,
            "data": data,
        },
    )
