"""人口快照字段 Columns of a synthetic population snapshot (one row per person).

Nulls policy: a null always means "not applicable", never "unknown".

* ``hukou_township_code`` is null when the hukou is outside Anyang (only the
  prefecture-level ``hukou_county_code`` is known there).
* ``residence_*``, ``residence_tenure``, ``legal_stable_residence``,
  ``urban_social_insurance_months``, ``years_lived_in_town`` and
  ``years_employed_in_town`` are null when the person does not live in
  Anyang (facts at places outside the city are not modelled).
* ``employment_county_code`` and ``employment_township_code`` are null when
  the person is not employed or works outside Anyang.
* ``settled_on`` and ``previous_hukou_*`` are null when the person did not
  settle under the plan (``previous_hukou_township_code`` also when the
  earlier hukou was outside Anyang).
* Every other column is never null.
"""

from __future__ import annotations

import polars as pl

SEX = pl.Enum(["male", "female"])
RELATION = pl.Enum(["head", "spouse", "child", "parent", "other"])
HOUSEHOLD_TYPE = pl.Enum(["family", "collective"])
HUKOU_SCOPE = pl.Enum(
    [
        "same_township",
        "other_township_same_county",
        "other_county_same_province",
        "other_province",
        "resides_outside_city",
    ]
)
EDUCATION = pl.Enum(
    [
        "none",
        "primary",
        "junior_secondary",
        "senior_secondary",
        "secondary_vocational",
        "higher_vocational",
        "bachelor",
        "postgraduate",
    ]
)
TENURE = pl.Enum(["owned", "rented", "employer_provided", "other"])

SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int16(),
    "person_id": pl.Int64(),
    "citizen_id": pl.String(),
    "sex": SEX,
    "birth_date": pl.Date(),
    "age": pl.Int16(),
    "household_id": pl.Int64(),
    "household_type": HOUSEHOLD_TYPE,
    "relation_to_head": RELATION,
    "hukou_in_city": pl.Boolean(),
    "hukou_county_code": pl.String(),
    "hukou_township_code": pl.String(),
    "hukou_urban": pl.Boolean(),
    "hukou_scope": HUKOU_SCOPE,
    "resident_in_city": pl.Boolean(),
    "residence_county_code": pl.String(),
    "residence_township_code": pl.String(),
    "residence_urban": pl.Boolean(),
    "education": EDUCATION,
    "college_graduate": pl.Boolean(),
    "vocational_graduate": pl.Boolean(),
    "technical_worker_certificate": pl.Boolean(),
    "returned_overseas_student": pl.Boolean(),
    "entered_town_by_study": pl.Boolean(),
    "entered_town_by_military_service": pl.Boolean(),
    "employed": pl.Boolean(),
    "employment_county_code": pl.String(),
    "employment_township_code": pl.String(),
    "legal_stable_employment": pl.Boolean(),
    "residence_tenure": TENURE,
    "legal_stable_residence": pl.Boolean(),
    "urban_social_insurance_months": pl.Int16(),
    "years_lived_in_town": pl.Int16(),
    "years_employed_in_town": pl.Int16(),
    "whole_family_migration": pl.Boolean(),
    "owns_home": pl.Boolean(),
    "investment_fen": pl.Int64(),
    "tax_paid_fen": pl.Int64(),
    "points": pl.Int16(),
    "land_contract_right": pl.Boolean(),
    "homestead_right": pl.Boolean(),
    "collective_income_right": pl.Boolean(),
    "willing_to_surrender_rural_rights": pl.Boolean(),
    "willing_to_settle": pl.Boolean(),
    # Settlement under the plan (luohu.analytics.population.settlement): the
    # day the engine admitted a willing person and their hukou moved to the
    # residence township; the hukou they held before. Null when not settled.
    "settled_on": pl.Date(),
    "previous_hukou_in_city": pl.Boolean(),
    "previous_hukou_county_code": pl.String(),
    "previous_hukou_township_code": pl.String(),
    "previous_hukou_urban": pl.Boolean(),
}

NULL_WHEN_HUKOU_OUTSIDE_CITY = ("hukou_township_code",)
NULL_WHEN_NOT_RESIDENT = (
    "residence_county_code",
    "residence_township_code",
    "residence_urban",
    "residence_tenure",
    "legal_stable_residence",
    "urban_social_insurance_months",
    "years_lived_in_town",
    "years_employed_in_town",
)
NULL_WHEN_NOT_EMPLOYED_IN_CITY = ("employment_county_code", "employment_township_code")
NULL_WHEN_NOT_SETTLED = (
    "settled_on",
    "previous_hukou_in_city",
    "previous_hukou_county_code",
    "previous_hukou_township_code",
    "previous_hukou_urban",
)
NULLABLE = (
    NULL_WHEN_HUKOU_OUTSIDE_CITY
    + NULL_WHEN_NOT_RESIDENT
    + NULL_WHEN_NOT_EMPLOYED_IN_CITY
    + NULL_WHEN_NOT_SETTLED
)
