"""A snapshot turned into the policy engine's person facts."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from luohu.analytics.population import schema
from luohu.analytics.population.settlement_facts import (
    KEY_COLUMNS,
    PERSON_FACTS_SCHEMA,
    settlement_facts,
)


def _two_people() -> pl.DataFrame:
    """A migrant renting in 北关区 with a 滑县 rural hukou, and one living outside Anyang."""
    row = {
        "year": [2020, 2020],
        "person_id": [0, 1],
        "citizen_id": ["410526199001010011", "410527198506060022"],
        "sex": ["male", "female"],
        "birth_date": [dt.date(1990, 1, 1), dt.date(1985, 6, 6)],
        "age": [30, 35],
        "household_id": [7, 8],
        "household_type": ["family", "family"],
        "relation_to_head": ["head", "head"],
        "hukou_in_city": [True, True],
        "hukou_county_code": ["410526", "410527"],
        "hukou_township_code": ["410526200", "410527201"],
        "hukou_urban": [False, False],
        "hukou_scope": ["other_county_same_province", "resides_outside_city"],
        "resident_in_city": [True, False],
        "residence_county_code": ["410503", None],
        "residence_township_code": ["410503001", None],
        "residence_urban": [True, None],
        "education": ["bachelor", "junior_secondary"],
        "college_graduate": [True, False],
        "vocational_graduate": [False, False],
        "technical_worker_certificate": [False, False],
        "returned_overseas_student": [False, False],
        "entered_town_by_study": [True, False],
        "entered_town_by_military_service": [False, False],
        "employed": [True, True],
        "employment_county_code": ["410503", None],
        "employment_township_code": ["410503003", None],
        "legal_stable_employment": [True, False],
        "residence_tenure": ["rented", None],
        "legal_stable_residence": [True, None],
        "urban_social_insurance_months": [30, None],
        "years_lived_in_town": [6, None],
        "years_employed_in_town": [4, None],
        "whole_family_migration": [False, False],
        "owns_home": [False, True],
        "investment_fen": [0, 5_000_000],
        "tax_paid_fen": [120_000, 0],
        "points": [17, 99],
        "land_contract_right": [True, True],
        "homestead_right": [True, False],
        "collective_income_right": [False, True],
        "willing_to_surrender_rural_rights": [False, False],
        "willing_to_settle": [True, False],
    }
    frame = pl.DataFrame(row).with_columns(
        pl.lit(None).alias(name) for name in schema.NULL_WHEN_NOT_SETTLED
    )
    return frame.cast(schema.SCHEMA)  # type: ignore[arg-type]


def test_a_resident_becomes_one_settlement_question() -> None:
    result = settlement_facts(
        _two_people().lazy(), destination_kinds={"410503001": "city_district"}
    ).collect()
    expected = pl.DataFrame(
        {
            "year": [2020],
            "person_id": [0],
            "household_id": [7],
            "citizen_id": ["410526199001010011"],
            "as_of": [dt.date(2020, 12, 31)],
            "request": ["settle"],
            "birth_date": [dt.date(1990, 1, 1)],
            "consent": [True],
            "hukou_division_code": ["410526200"],
            "hukou_nature": ["rural"],
            "hukou_province": [None],
            "hukou_registered_at_destination": [False],
            "destination_division_code": ["410503001"],
            "destination_kind": ["city_district"],
            "college_graduate": [True],
            "vocational_graduate": [False],
            "technical_worker_certificate": [False],
            "returned_overseas_student": [False],
            "entered_town_by_study": [True],
            "entered_town_by_military_service": [False],
            "student_admitted_to_college": [None],
            "student_college_division_code": [None],
            "student_hukou_at_college": [None],
            "student_origin_division_code": [None],
            "student_graduated": [None],
            "employed": [True],
            "employment_division_code": ["410503003"],
            "employment_legal_stable": [True],
            "residence_division_code": ["410503001"],
            "residence_legal_stable": [True],
            "residence_tenure": ["rented"],
            "urban_insurance_months_at_destination": [30],
            "years_employed_and_living_in_town": [4],
            "whole_family_migration": [False],
            "owns_home": [False],
            "made_investment": [False],
            "tax_paid": [True],
            "settlement_points": [17],
            "rural_rights_land_contract": [True],
            "rural_rights_homestead": [True],
            "rural_rights_collective_income": [False],
            "willing_to_give_up_rural_rights": [False],
        },
        schema={
            "year": pl.Int16,
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "citizen_id": pl.String,
            **PERSON_FACTS_SCHEMA,
        },
    )
    assert_frame_equal(result, expected)


def test_an_unknown_destination_kind_stays_null(snapshot_2020: pl.DataFrame) -> None:
    facts = settlement_facts(snapshot_2020.lazy(), destination_kinds={}).collect()
    assert facts.height == snapshot_2020["resident_in_city"].sum()
    assert facts["destination_kind"].null_count() == facts.height
    assert facts.columns == [*KEY_COLUMNS, *PERSON_FACTS_SCHEMA]


def test_columns_are_the_policy_engines_person_schema() -> None:
    """Contract with luohu.policy: same names and dtypes as its person schema."""
    from luohu.policy.engine import PERSON_SCHEMA

    assert {k: pl.Schema({k: v})[k] for k, v in PERSON_SCHEMA.items()} == PERSON_FACTS_SCHEMA
