"""落户事实（批量） A snapshot's residents as the policy engine's person facts.

A pure ``LazyFrame -> LazyFrame`` transform: each Anyang resident asks to
settle where they live (the residence township), at 31 December of the
snapshot's year. The columns are those of ``luohu.policy.engine``'s person
schema (a contract test keeps them equal). Nothing here decides anything:
the engine does, with the same rules as for one case.

The kind of each destination (city district, county-seat town, other
established town, township) is the registry's ``division_kind`` rule;
callers pass its answers as ``destination_kinds`` rather than this module
repeating the rule.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

PERSON_FACTS_SCHEMA: dict[str, pl.DataType] = {
    "as_of": pl.Date(),
    "request": pl.String(),
    "birth_date": pl.Date(),
    "consent": pl.Boolean(),
    "hukou_division_code": pl.String(),
    "hukou_nature": pl.String(),
    "hukou_province": pl.String(),
    "hukou_registered_at_destination": pl.Boolean(),
    "destination_division_code": pl.String(),
    "destination_kind": pl.String(),
    "college_graduate": pl.Boolean(),
    "vocational_graduate": pl.Boolean(),
    "technical_worker_certificate": pl.Boolean(),
    "returned_overseas_student": pl.Boolean(),
    "entered_town_by_study": pl.Boolean(),
    "entered_town_by_military_service": pl.Boolean(),
    "student_admitted_to_college": pl.Boolean(),
    "student_college_division_code": pl.String(),
    "student_hukou_at_college": pl.Boolean(),
    "student_origin_division_code": pl.String(),
    "student_graduated": pl.Boolean(),
    "employed": pl.Boolean(),
    "employment_division_code": pl.String(),
    "employment_legal_stable": pl.Boolean(),
    "residence_division_code": pl.String(),
    "residence_legal_stable": pl.Boolean(),
    "residence_tenure": pl.String(),
    "urban_insurance_months_at_destination": pl.Int32(),
    "years_employed_and_living_in_town": pl.Int32(),
    "whole_family_migration": pl.Boolean(),
    "owns_home": pl.Boolean(),
    "made_investment": pl.Boolean(),
    "tax_paid": pl.Boolean(),
    "settlement_points": pl.Int32(),
    "rural_rights_land_contract": pl.Boolean(),
    "rural_rights_homestead": pl.Boolean(),
    "rural_rights_collective_income": pl.Boolean(),
    "willing_to_give_up_rural_rights": pl.Boolean(),
}
KEY_COLUMNS = ("year", "person_id", "household_id", "citizen_id")


def settlement_facts(
    snapshot: pl.LazyFrame, *, destination_kinds: Mapping[str, str]
) -> pl.LazyFrame:
    """Person facts for every resident of Anyang, asking to settle where they live.

    Rows are the snapshot's residents (``resident_in_city``); the key
    columns (year, person_id, household_id, citizen_id) come first.
    Student facts (来去自由) are not modelled and stay null.
    """
    codes = list(destination_kinds)
    kinds = pl.Series(list(destination_kinds.values()), dtype=pl.String)
    destination = pl.col("residence_township_code")
    facts = {
        "as_of": pl.date(pl.col("year"), 12, 31),
        "request": pl.lit("settle"),
        "birth_date": pl.col("birth_date"),
        "consent": pl.col("willing_to_settle"),
        "hukou_division_code": pl.coalesce("hukou_township_code", "hukou_county_code"),
        "hukou_nature": pl.when(pl.col("hukou_urban"))
        .then(pl.lit("urban"))
        .otherwise(pl.lit("rural")),
        "hukou_province": pl.when(~pl.col("hukou_in_city")).then(
            pl.col("hukou_county_code").str.slice(0, 2) + "0000"
        ),
        "hukou_registered_at_destination": (pl.col("hukou_township_code") == destination).fill_null(
            False
        ),
        "destination_division_code": destination,
        "destination_kind": destination.replace_strict(codes, kinds, default=None),
        "college_graduate": pl.col("college_graduate"),
        "vocational_graduate": pl.col("vocational_graduate"),
        "technical_worker_certificate": pl.col("technical_worker_certificate"),
        "returned_overseas_student": pl.col("returned_overseas_student"),
        "entered_town_by_study": pl.col("entered_town_by_study"),
        "entered_town_by_military_service": pl.col("entered_town_by_military_service"),
        "student_admitted_to_college": pl.lit(None),
        "student_college_division_code": pl.lit(None),
        "student_hukou_at_college": pl.lit(None),
        "student_origin_division_code": pl.lit(None),
        "student_graduated": pl.lit(None),
        "employed": pl.col("employed"),
        "employment_division_code": pl.col("employment_township_code"),
        "employment_legal_stable": pl.col("legal_stable_employment"),
        "residence_division_code": destination,
        "residence_legal_stable": pl.col("legal_stable_residence"),
        "residence_tenure": pl.col("residence_tenure"),
        "urban_insurance_months_at_destination": pl.col("urban_social_insurance_months"),
        "years_employed_and_living_in_town": pl.col("years_employed_in_town"),
        "whole_family_migration": pl.col("whole_family_migration"),
        "owns_home": pl.col("owns_home"),
        "made_investment": pl.col("investment_fen") > 0,
        "tax_paid": pl.col("tax_paid_fen") > 0,
        "settlement_points": pl.col("points"),
        "rural_rights_land_contract": pl.col("land_contract_right"),
        "rural_rights_homestead": pl.col("homestead_right"),
        "rural_rights_collective_income": pl.col("collective_income_right"),
        "willing_to_give_up_rural_rights": pl.col("willing_to_surrender_rural_rights"),
    }
    return snapshot.filter(pl.col("resident_in_city")).select(
        *KEY_COLUMNS,
        *(expr.cast(PERSON_FACTS_SCHEMA[name]).alias(name) for name, expr in facts.items()),
    )
