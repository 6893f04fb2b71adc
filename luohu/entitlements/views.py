"""Citizen page 我能享受什么 and the same-treatment page. No login; nothing is stored."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from luohu.analytics.same_treatment import same_treatment_by_county
from luohu.common.errors import FieldError
from luohu.entitlements.forms import EntitlementsForm
from luohu.policy.errors import RuleNotInForce
from luohu.policy.services import entitlements

# Engine fields -> form fields, so that an engine error shows beside its question.
FIELD_OF = {
    "residence_division_code": "county",
    "residence_status": "residence_status",
    "household_income_per_capita_yuan_month": "income",
    "housing_area_per_capita_m2": "area",
}


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def entitlements_check(request: HttpRequest) -> HttpResponse:
    """我能享受什么 What am I entitled to, and why. Stores nothing, logs nothing personal."""
    data = request.POST if request.method == "POST" else None
    form = EntitlementsForm(data)
    result = None
    if data is not None and form.is_valid():
        try:
            result = entitlements(form.facts(), on=timezone.localdate())
        except FieldError as exc:
            for problem in exc.problems:
                field = FIELD_OF.get(problem.field.split(".")[0].split("[")[0])
                form.add_error(field, f"{problem.message_zh} / {problem.message_en}")
    return render(request, "entitlements/check.html", {"form": form, "result": result})


@require_http_methods(["GET"])
def same_treatment(request: HttpRequest) -> HttpResponse:
    """同城同待遇 Services permit holders reach compared with hukou residents, by county."""
    on = timezone.localdate()
    asked = request.GET.get("on")
    error = None
    if asked:
        try:
            on = dt.date.fromisoformat(asked)
        except ValueError:
            error = "日期无效，应为 YYYY-MM-DD / not a valid date; use YYYY-MM-DD"
    try:
        rows = [row.as_dict() for row in same_treatment_by_county(on)]
    except RuleNotInForce as exc:
        rows, error = [], str(exc)
    for row in rows:
        row["percent"] = round(row["share"] * 100, 1)
    services = rows[0]["services"] if rows else []
    return render(
        request,
        "entitlements/same_treatment.html",
        {"rows": rows, "services": services, "on": on, "error": error},
    )
