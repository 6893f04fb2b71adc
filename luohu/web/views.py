"""Pages of the web shell. Views parse the request, call selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from luohu.accounts.roles import ROLE_SCOPE, Role, Scope, page_allowed
from luohu.accounts.selectors import user_can_reach_county, user_county_codes
from luohu.registry import selectors as divisions
from luohu.web.labels import KIND_LABELS, KIND_NOT_RECORDED, URBAN_CLASS_LABELS


def _require_page(request: HttpRequest, key: str) -> None:
    # A page outside the role's navigation does not exist for that role.
    if not page_allowed(request.user.role, key):  # type: ignore[union-attr]
        raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    jurisdiction = None
    if user.jurisdiction_code:  # type: ignore[union-attr]
        jurisdiction = divisions.division_get(user.jurisdiction_code, today)  # type: ignore[union-attr]
    return render(
        request,
        "web/home.html",
        {
            "role": Role(user.role),  # type: ignore[union-attr]
            "scope": Scope(ROLE_SCOPE[user.role]),  # type: ignore[union-attr]
            "jurisdiction": jurisdiction,
            "today": today,
        },
    )


@login_required
@require_GET
def division_overview(request: HttpRequest) -> HttpResponse:
    _require_page(request, "divisions")
    codes = user_county_codes(request.user)  # type: ignore[arg-type]
    if codes is not None and len(codes) == 1:
        return redirect("web:division_county", county_code=next(iter(codes)))
    today = timezone.localdate()
    counties = divisions.division_counties(today)
    rows = [
        (county, divisions.division_counts_by_level(str(county.code), today)) for county in counties
    ]
    return render(request, "web/division_overview.html", {"rows": rows, "today": today})


@login_required
@require_GET
def division_county(request: HttpRequest, county_code: str) -> HttpResponse:
    _require_page(request, "divisions")
    if not user_can_reach_county(request.user, county_code):  # type: ignore[arg-type]
        raise Http404
    today = timezone.localdate()
    county = divisions.division_counties_by_code(today).get(county_code)
    if county is None:
        raise Http404
    kinds = divisions.division_kinds(county_code, today)
    rows = [
        (
            division,
            KIND_LABELS.get(kinds.get(str(division.code), ""), KIND_NOT_RECORDED),
            URBAN_CLASS_LABELS[divisions.division_urban_class(str(division.code), today)],
        )
        for division in divisions.division_children(county_code, today)
    ]
    return render(
        request, "web/division_county.html", {"county": county, "rows": rows, "today": today}
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
