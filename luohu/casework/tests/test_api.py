from __future__ import annotations

import json

import pytest
from django.test import Client

from luohu.accounts.tests.factories import persona
from luohu.casework.errors import CASE_ACTION_NOT_ALLOWED, CASE_CONFLICT, CASE_NOT_FOUND
from luohu.casework.models import SettlementApplication
from luohu.casework.tests.factories import submit_in

pytestmark = pytest.mark.usefixtures("divisions")

BASE = "/api/v1/casework/applications"


def post(client: Client, url: str, body: dict) -> tuple[int, dict]:
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def submit(client: Client, key: str = "api-key-0001") -> dict:
    client.force_login(persona("applicant_zhao"))
    status, body = post(client, BASE, submit_in(submission_key=key).model_dump())
    assert status == 201, body
    return body


def test_submit_twice_returns_the_same_case(client: Client) -> None:
    """A double-clicked submit answers 201 then 200 with the same number; one row exists."""
    first = submit(client)
    status, second = post(client, BASE, submit_in(submission_key="api-key-0001").model_dump())
    assert status == 200
    assert second["number"] == first["number"]
    assert SettlementApplication.objects.count() == 1
    assert first["citizen_id_masked"] == "410526********011X"
    assert first["applicant_name_masked"] == "赵**"


def test_bad_facts_get_field_level_bilingual_errors(client: Client) -> None:
    client.force_login(persona("applicant_zhao"))
    body = submit_in(facts={"citizen_id": "123"}).model_dump()
    status, errors = post(client, BASE, body)
    assert status == 422
    problem = errors["errors"][0]
    assert problem["field"] == "citizen_id"
    assert problem["message_zh"] and problem["message_en"]


def test_other_county_clerk_cannot_reach_the_case(client: Client) -> None:
    """List, URL and action all hide a 滑县 case from a 林州 clerk."""
    number = submit(client)["number"]
    client.force_login(persona("clerk_wang_linzhou"))
    assert client.get(BASE).json() == []
    response = client.get(f"{BASE}/{number}")
    assert (response.status_code, response.json()["code"]) == (404, CASE_NOT_FOUND[0])
    status, body = post(
        client, f"{BASE}/{number}/actions", {"action": "accept", "expected_version": 1}
    )
    assert (status, body["code"]) == (404, CASE_NOT_FOUND[0])


def test_clerk_accepts_and_a_stale_second_action_conflicts(client: Client) -> None:
    number = submit(client)["number"]
    client.force_login(persona("clerk_li_huaxian"))
    assert [c["number"] for c in client.get(BASE).json()] == [number]
    status, body = post(
        client, f"{BASE}/{number}/actions", {"action": "accept", "expected_version": 1}
    )
    assert (status, body["status"], body["version"]) == (200, "accepted", 2)
    status, body = post(
        client, f"{BASE}/{number}/actions", {"action": "withdraw", "expected_version": 1}
    )
    assert (status, body["code"], body["message_en"]) == (409, CASE_CONFLICT[0], CASE_CONFLICT[2])


def test_unknown_action_is_refused_not_an_error(client: Client) -> None:
    number = submit(client)["number"]
    client.force_login(persona("clerk_li_huaxian"))
    status, body = post(
        client, f"{BASE}/{number}/actions", {"action": "explode", "expected_version": 1}
    )
    assert (status, body["code"]) == (403, CASE_ACTION_NOT_ALLOWED[0])


def test_anonymous_caller_is_refused(client: Client) -> None:
    assert client.get(BASE).status_code == 401
