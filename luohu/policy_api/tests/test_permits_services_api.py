"""Permit, entitlement and same-treatment endpoints: exact bodies, real engine."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ninja.testing import TestClient

from luohu.policy_api.api import router


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(router)


def post(client: TestClient, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")  # type: ignore[arg-type]


WORKER = {
    "residence_months": 5,
    "has_legal_stable_employment": True,
    "residence_division_code": "410502001",
    "hukou_division_code": "410523100",
}


def test_permit_eligibility_says_no_with_the_reason(client):
    body = post(client, "/permits/eligibility?on=2019-06-01", WORKER).json()
    assert body["eligible"] is False
    assert [(r["code"], r["clause"]) for r in body["reasons"]] == [
        ("permit_has_lived_half_a_year", "SC663:2")
    ]
    assert body["reasons"][0]["what_would_change_en"] == "1 more months of residence"


def test_permit_errors_name_the_field(client):
    response = post(
        client, "/permits/eligibility?on=2019-06-01", {**WORKER, "residence_months": -2}
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["errors"]] == ["residence_months"]
    response = post(client, "/permits/eligibility?on=2015-01-01", WORKER)
    assert response.status_code == 422
    assert [p["code"] for p in response.json()["errors"]] == ["rule_not_in_force"]
    response = post(client, "/permits/eligibility?on=June", WORKER)
    assert [p["field"] for p in response.json()["errors"]] == ["on"]
    response = post(client, "/permits/eligibility?on=2019-06-01", [1, 2])
    assert response.status_code == 422


def test_permit_parameters(client):
    body = client.get("/permits/parameters?on=2020-01-01").json()
    assert body["issue_working_days"] == 15
    assert body["validity_years"] is None
    assert body["clauses"]["first_card_fee_yuan"] == "SC663:21"


def test_entitlements(client):
    facts = {
        "residence_division_code": "410502001",
        "residence_status": "permit_holder",
        "household_income_per_capita_yuan_month": 300,
        "meets_dibao_asset_test": True,
    }
    body = post(client, "/entitlements?on=2020-01-01", facts).json()
    dibao = next(s for s in body["services"] if s["service"] == "minimum_living_allowance")
    assert (dibao["entitled"], dibao["clause"]) == (True, "AY2018-19:3.8")
    response = post(client, "/entitlements?on=2020-01-01", {**facts, "residence_status": "x"})
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["errors"]] == ["residence_status"]


def test_same_treatment(client):
    body = client.get("/same-treatment?on=2020-01-01").json()
    assert [c["county"] for c in body][:2] == ["410502", "410503"]
    assert body[0]["not_reachable_by_permit_holders"] == ["housing_security", "rent_subsidy"]
    assert client.get("/same-treatment?on=2017-01-01").status_code == 422


def test_without_a_date_the_answer_is_for_today(client):
    from django.utils import timezone

    body = client.get("/permits/parameters").json()
    assert body["on"] == timezone.localdate().isoformat()
    assert client.get("/same-treatment").status_code == 200
    assert post(client, "/permits/eligibility", WORKER).json()["rules_date"] == body["on"]


def test_the_operations_are_in_the_openapi_document():
    from luohu.config.api import api

    paths = api.get_openapi_schema()["paths"]
    for path in ("/api/v1/policy/permits/eligibility", "/api/v1/policy/permits/parameters",
                 "/api/v1/policy/entitlements", "/api/v1/policy/same-treatment"):  # fmt: skip
        assert path in paths, path
    body = paths["/api/v1/policy/entitlements"]["post"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    assert "residence_status" in schema["required"]
