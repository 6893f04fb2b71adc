"""公开进度 The public progress page and the bulletin downloads (AY2018-19:4.1, 4.2).

No sign-in and no personal data: only the aggregates of
``selectors.public_years``, with small counts suppressed. Nothing here
writes or reads a person, so nothing is audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luohu.publicstats.bulletin import (
    CITY_COLUMNS,
    TABLE_COLUMNS,
    bulletin_pdf,
    bulletin_xlsx,
    header,
)
from luohu.publicstats.selectors import CITY_CODE, PublicYear, county_names, public_years
from luohu.publicstats.suppression import min_published_count

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: Any) -> float | int | None:
    if isinstance(value, Decimal):
        return float(value)
    return value  # type: ignore[no-any-return]


def _chosen(years: list[PublicYear], text: str | None) -> PublicYear | None:
    if not years:
        return None
    if text and text.isdigit():
        for item in years:
            if item.year == int(text):
                return item
    return years[-1]


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    years = public_years()
    chosen = _chosen(years, request.GET.get("year"))
    names = county_names()
    context: dict[str, Any] = {
        "years": [y.year for y in years],
        "chosen": chosen,
        "threshold": min_published_count(),
        "headers": [header(c) for c in TABLE_COLUMNS],
        "city_headers": [header(c) for c in CITY_COLUMNS],
    }
    if chosen is not None:
        context["rows"] = [
            {
                "code": row.division_code,
                "name": names.get(row.division_code, row.division_code),
                "is_city": row.division_code == CITY_CODE,
                "locked": row.locked,
                "row": row,
                "columns": TABLE_COLUMNS,
            }
            for row in chosen.rows
        ]
        context["history"] = [
            {
                "year": y.year,
                "row": y.city,
                "columns": CITY_COLUMNS,
            }
            for y in years
            if y.year <= chosen.year
        ]
        context["chart"] = {
            "years": [y.year for y in years],
            "resident_rate": [_number(y.city.shown("resident_urbanization_rate")) for y in years],
            "hukou_rate": [_number(y.city.shown("hukou_urbanization_rate")) for y in years],
            "transfers": [_number(y.city.shown("hukou_transfers")) for y in years],
            "labels": {
                "resident_rate": header("resident_urbanization_rate")[0],
                "hukou_rate": header("hukou_urbanization_rate")[0],
                "transfers": header("hukou_transfers")[0],
            },
        }
    return render(request, "publicstats/progress.html", context)


def _year_data(year: int) -> tuple[PublicYear, list[PublicYear], dict[str, str]]:
    years = public_years()
    chosen = next((y for y in years if y.year == year), None)
    if chosen is None:
        raise Http404("no figures for this year")
    return chosen, [y for y in years if y.year <= year], county_names()


@require_GET
def bulletin_xlsx_download(request: HttpRequest, year: int) -> HttpResponse:
    chosen, history, names = _year_data(year)
    response = HttpResponse(bulletin_xlsx(chosen, history, names), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="anyang-bulletin-{year}.xlsx"'
    return response


@require_GET
def bulletin_pdf_download(request: HttpRequest, year: int) -> HttpResponse:
    chosen, history, names = _year_data(year)
    response = HttpResponse(bulletin_pdf(chosen, history, names), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="anyang-bulletin-{year}.pdf"'
    return response
