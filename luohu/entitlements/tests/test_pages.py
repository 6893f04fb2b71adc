"""Citizen page 我能享受什么 and the same-treatment page: real engine, no login, nothing stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from luohu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

ANSWERS = {
    "county": "410502",
    "residence_status": "permit_holder",
    "work": "employee",
    "employed_in_city": "yes",
    "rents_home": "yes",
    "income": "450",
    "area": "12",
    "dibao_assets": "yes",
    "pf_account": "yes",
    "pf_full_months": "",
    "pf_no_house": "yes",
    "medical_months": "",
    "pension_months": "",
}


def _months_before(today: dt.date, count: int, skip: int | None = None) -> str:
    year, month = today.year, today.month
    months = []
    for i in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        if i != skip:
            months.append(f"{year:04d}-{month:02d}")
    return " ".join(reversed(months))


def _service(response: Any, name: str) -> dict[str, Any]:
    return next(s for s in response.context["result"]["services"] if s["service"] == name)


def test_the_page_needs_no_login_and_never_asks_the_origin(client: Client) -> None:
    response = client.get("/entitlements/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "文峰区" in html and "1.2.a" in html
    assert not any(
        "hukou_place" in name or "nature" in name for name in response.context["form"].fields
    )


def test_each_service_with_its_clause_and_why(client: Client) -> None:
    before = AuditEntry.objects.count()
    today = dt.date.today()
    answers = {**ANSWERS, "pf_full_months": _months_before(today, 3)}
    response = client.post("/entitlements/", answers)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-service="minimum_living_allowance" data-entitled="yes"' in html
    assert "AY2018-19:3.8" in html
    assert _service(response, "provident_fund_rent_withdrawal")["entitled"] is True
    housing = _service(response, "housing_security")
    assert housing["entitled"] is False
    assert "settling here" in html
    # Nothing stored, nothing audited: the answers were never persisted.
    assert AuditEntry.objects.count() == before


def test_a_gap_in_the_contributions_is_named_on_the_page(client: Client) -> None:
    today = dt.date.today()
    months = _months_before(today, 4, skip=1)
    response = client.post("/entitlements/", {**ANSWERS, "pf_full_months": months})
    withdrawal = _service(response, "provident_fund_rent_withdrawal")
    assert withdrawal["entitled"] is False
    assert len(withdrawal["coverage_gaps"]) == 1
    assert withdrawal["coverage_gaps"][0] in response.content.decode()


def test_unknown_answers_are_listed_not_guessed(client: Client) -> None:
    response = client.post(
        "/entitlements/", {"county": "410522", "residence_status": "hukou_resident"}
    )
    dibao = _service(response, "minimum_living_allowance")
    assert dibao["entitled"] is None
    assert dibao["missing_facts"] == [
        "household_income_per_capita_yuan_month",
        "meets_dibao_asset_test",
    ]


def test_bad_answers_show_beside_their_question(client: Client) -> None:
    response = client.post("/entitlements/", {**ANSWERS, "county": "999999", "income": "-5"})
    assert response.context["result"] is None
    assert set(response.context["form"].errors) == {"county", "income"}


def test_same_treatment_page(client: Client) -> None:
    response = client.get("/same-treatment/?on=2020-01-01")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["county"] for r in rows][0] == "410502"
    assert rows[0]["percent"] == 84.6
    html = response.content.decode()
    assert 'data-county="410581"' in html
    early = client.get("/same-treatment/?on=2017-01-01")
    assert early.context["rows"] == [] and early.context["error"]
    bad = client.get("/same-treatment/?on=soon")
    assert bad.status_code == 200 and bad.context["error"]
