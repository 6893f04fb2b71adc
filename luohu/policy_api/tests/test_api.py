"""The policy API through ninja's TestClient: exact bodies, real engine, real registry."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ninja.testing import TestClient

from luohu.policy_api.api import router
from luohu.policy_api.services import BATCH_LIMIT

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(router)


def post(client: TestClient, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")  # type: ignore[arg-type]


def test_check_takes_the_destination_kind_from_the_registry(client, zhao_worker):
    """A worker renting in 东大街街道 (a subdistrict of 文峰区) settles through 2.2."""
    response = post(client, "/settlement/check", zhao_worker)
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "eligible"
    assert [c["channel"] for c in body["channels"]] == ["city_worker"]
    kind = next(e for e in body["trace"]["entries"] if e["rule"] == "destination_is_city_district")
    assert kind["inputs"] == {"destination_kind": "city_district"}


def test_check_in_a_county_seat_town(client, sun_town_resident):
    body = post(client, "/settlement/check?trace=false", sun_town_resident).json()
    assert body["decision"] == "eligible"
    assert [c["channel"] for c in body["channels"]] == ["town_residence"]
    assert "trace" not in body


def test_a_township_destination_is_not_a_town(client, sun_town_resident):
    facts = {**sun_town_resident, "destination": {"division_code": "410523203"}}
    facts["residence"] = {**facts["residence"], "division_code": "410523203"}
    body = post(client, "/settlement/check", facts).json()
    assert body["decision"] == "not_eligible"
    town = next(b for b in body["why_not"] if b["channel"] == "town_residence")
    assert [u["rule"] for u in town["unmet"]] == ["destination_is_town"]


def test_no_means_what_would_change_it(client, zhao_worker):
    body = post(
        client, "/settlement/check", {**zhao_worker, "urban_insurance_months_at_destination": 9}
    ).json()
    worker = next(b for b in body["why_not"] if b["channel"] == "city_worker")
    assert worker["unmet"][0]["what_would_change_en"] == (
        "3 more months of urban social insurance at the destination"
    )
    assert worker["unmet"][0]["what_would_change_zh"] == "在迁入地再参加 3 个月城镇社会保险"


def test_invalid_citizen_id_is_422_with_bilingual_field_message(client, zhao_worker):
    response = post(
        client, "/settlement/check", {**zhao_worker, "citizen_id": "410526198805060129"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            {
                "field": "citizen_id",
                "code": "citizen_id_checksum",
                "message_zh": "校验码错误",
                "message_en": "the check digit does not match (GB 11643 MOD 11-2)",
            }
        ]
    }


def test_birth_date_contradicting_the_id_is_422(client, zhao_worker):
    response = post(client, "/settlement/check", {**zhao_worker, "birth_date": "1988-05-07"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "citizen_id_birth_date_mismatch"


def test_negative_months_are_422(client, zhao_worker):
    response = post(
        client, "/settlement/check", {**zhao_worker, "urban_insurance_months_at_destination": -3}
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (
        "urban_insurance_months_at_destination",
        "greater_than_equal",
    )


def test_unknown_division_is_422_on_the_destination(client, zhao_worker):
    response = post(
        client, "/settlement/check", {**zhao_worker, "destination": {"division_code": "410502999"}}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["destination.division_code"]
    assert errors[0]["message_zh"] and errors[0]["message_en"]


def test_a_county_level_destination_is_422(client, zhao_worker):
    response = post(
        client, "/settlement/check", {**zhao_worker, "destination": {"division_code": "410502"}}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "destination.division_code"


def test_a_kind_contradicting_the_registry_is_422(client, zhao_worker):
    facts = {
        **zhao_worker,
        "destination": {"division_code": "410502001", "kind": "established_town"},
    }
    response = post(client, "/settlement/check", facts)
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "destination.kind",
        "code": "destination_kind_disagrees",
        "message_zh": "迁入地类型与行政区划登记不一致（登记为 city_district）",
        "message_en": "the destination kind does not match the division registry "
        "(registered as city_district)",
    }


def test_a_date_before_the_plan_is_422(client, zhao_worker):
    response = post(client, "/settlement/check", {**zhao_worker, "as_of": "2018-03-11"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("as_of", "rule_not_in_force")
    assert "2018-03-12" in error["message_zh"]


def test_a_date_long_before_the_plan_is_422_before_any_registry_check(client, zhao_worker):
    response = post(client, "/settlement/check", {**zhao_worker, "as_of": "2001-01-01"})
    assert [e["code"] for e in response.json()["errors"]] == ["rule_not_in_force"]


def test_a_missing_fact_is_422_and_never_defaulted(client, zhao_worker):
    facts = {**zhao_worker, "urban_insurance_months_at_destination": None}
    response = post(client, "/settlement/check", facts)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "urban_insurance_months_at_destination",
            "code": "missing_fact",
            "message_zh": "判定需要此项事实，但未提供",
            "message_en": "the decision needs this fact and it was not given",
        }
    ]


def test_invalid_json_is_422(client):
    response = client.post("/settlement/check", data=b"{nope", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid_json"


def test_trace_endpoint(client, zhao_worker):
    body = post(client, "/settlement/trace", zhao_worker).json()
    assert body["format"] == "luohu.policy.trace/1"
    assert body["entries"][0]["rule"] == "plan_in_force"
    assert post(client, "/settlement/trace", {}).status_code == 422


def test_batch_decides_good_items_and_reports_bad_ones(client, zhao_worker, sun_town_resident):
    body = post(
        client,
        "/settlement/batch",
        [zhao_worker, {**zhao_worker, "citizen_id": "1"}, sun_town_resident],
    ).json()
    assert [item["index"] for item in body] == [0, 1, 2]
    assert body[0]["decision"] == "eligible" and body[0]["channels"] == ["city_worker"]
    assert body[1]["errors"][0]["field"] == "citizen_id"
    assert body[2]["channels"] == ["town_residence"]


def test_batch_limits(client, zhao_worker):
    assert (
        post(client, "/settlement/batch", {"not": "a list"}).json()["errors"][0]["code"]
        == "batch_not_a_list"
    )
    response = post(client, "/settlement/batch", [zhao_worker] * (BATCH_LIMIT + 1))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "batch_too_large"


def test_facts_needed(client):
    body = client.get("/settlement/facts-needed?request_type=student_move_in").json()
    assert body["request"] == "student_move_in"
    assert "student.college_division_code" in body["facts"]
    assert "owns_home" not in client.get("/settlement/facts-needed").json()["facts"]


def test_facts_schema_is_self_contained(client):
    schema = client.get("/settlement/facts-schema").json()
    assert "$defs" not in json.dumps(schema) and "$ref" not in json.dumps(schema)
    nature = schema["properties"]["hukou"]["properties"]["nature"]
    assert {"enum": ["rural", "urban"], "type": "string"} in nature["anyOf"]


def test_clauses_parameters_rules(client):
    clauses = {c["citation"]: c for c in client.get("/clauses").json()}
    assert clauses["AY2018-19:2.2"]["encoded"] is True
    assert clauses["AY2018-19:3.1"]["encoded"] is False and clauses["AY2018-19:3.1"]["not_encoded"]
    params = {p["path"]: p for p in client.get("/parameters?on=2020-01-01").json()}
    insurance = params["settlement/city_worker/urban_insurance_months_required"]
    assert insurance["value_on"] == {"value": 12, "start": "2018-03-12", "clause": "AY2018-19:2.2"}
    assert insurance["values"][0]["clause"] == "AY2018-19:2.2"
    early = {p["path"]: p for p in client.get("/parameters?on=2018-01-01").json()}
    assert early["consent/adult_age"]["value_on"] is None
    assert client.get("/parameters?on=soon").status_code == 422
    rules = {r["name"]: r for r in client.get("/rules").json()}
    assert rules["meets_urban_insurance_requirement"]["depends_on"] == [
        "param:settlement/city_worker/urban_insurance_months_required",
        "urban_insurance_months_at_destination",
    ]
    assert rules["is_eligible"]["clause"] == "AY2018-19:1.2.d"
    assert client.get("/county-settings").json() == []


def test_openapi_documents_the_facts_body():
    from luohu.config.api import api

    spec = api.get_openapi_schema()
    body = spec["paths"]["/api/v1/policy/settlement/check"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert "citizen_id" in schema["properties"]
