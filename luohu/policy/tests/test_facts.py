"""The facts schema: types, ranges, the citizen id, and impossible values."""

from __future__ import annotations

import pytest

from luohu.common.errors import FieldError
from luohu.policy.facts import SettlementFacts, fact_path, parse_facts
from luohu.policy.tests.conftest import persona


def problems(data):
    with pytest.raises(FieldError) as caught:
        parse_facts(data)
    return {p.field: p for p in caught.value.problems}


def test_twelve_digit_codes_are_shortened_and_checked():
    facts, _ = parse_facts(
        persona(
            "zhao_worker", destination={"division_code": "410502001000", "kind": "city_district"}
        )
    )
    assert facts.destination.division_code == "410502001"


def test_messages_are_bilingual_and_field_level():
    found = problems(
        persona(
            "zhao_worker",
            consent="maybe",
            years_employed_and_living_in_town=1.5,
            as_of="2020-13-01",
            unknown_field=1,
            family_members="x",
        )
    )
    assert set(found) == {
        "consent",
        "years_employed_and_living_in_town",
        "as_of",
        "unknown_field",
        "family_members",
    }
    assert found["consent"].message_zh == "应为是或否（true/false）"
    assert found["unknown_field"].message_en == "unknown field"


def test_sex_contradicting_the_id_is_refused():
    found = problems(persona("zhao_worker", sex="female"))
    assert found["sex"].code == "citizen_id_sex_mismatch"


def test_years_in_town_beyond_age_is_refused():
    found = problems(persona("li_graduate", years_employed_and_living_in_town=30))
    assert found["years_employed_and_living_in_town"].code == "impossible_years_in_town"


def test_member_citizen_id_must_agree_with_birth_date():
    member = {
        "relation": "spouse",
        "birth_date": "1990-01-01",
        "citizen_id": "41052619880506011X",
        "co_residing": True,
        "consent": True,
    }
    found = problems(persona("zhao_worker", family_members=[member]))
    assert "family_members[0].birth_date" in found
    member["citizen_id"] = "123"
    assert "family_members[0].citizen_id" in problems(
        persona("zhao_worker", family_members=[member])
    )


def test_citizen_id_born_after_the_question_is_refused():
    assert "citizen_id" in problems(persona("wang_student", as_of="2000-01-01"))


def test_schema_is_json_schema_with_descriptions():
    schema = SettlementFacts.model_json_schema()
    assert "as_of" in schema["required"]
    assert "description" in schema["properties"]["urban_insurance_months_at_destination"]


def test_fact_paths():
    assert fact_path("employment_legal_stable") == "employment.legal_stable"
    assert fact_path("member_consent") == "family_members[].consent"
