"""Shared by the policy benchmarks: synthetic settlement questions and an OpenFisca model.

The OpenFisca model encodes the same person-level rules as luohu.policy
(rules/settlement.py), written the OpenFisca way (one Variable per rule, numpy
formulas), so the two engines can be timed on the same data and their
outputs asserted equal. It is a comparison model only: bench extra.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

# (destination code, kind): real Anyang township-level divisions.
DESTINATIONS = [
    ("410502001", "city_district"),
    ("410502003", "city_district"),
    ("410503001", "city_district"),
    ("410505001", "city_district"),
    ("410506001", "city_district"),
    ("410523100", "county_seat_town"),
    ("410523101", "established_town"),
    ("410526102", "established_town"),
    ("410581100", "established_town"),
    ("410523203", "township"),
]
PLAN_START = dt.date(2018, 3, 12)
# OpenFisca evaluates one period per simulation; the rows carry their own as_of.
PERIOD = "2020-01-01"


def generate(rows: int, seed: int = 20180312) -> pl.DataFrame:
    """``rows`` complete settlement questions (no missing facts), reproducible."""
    rng = np.random.default_rng(seed)
    dest = rng.integers(0, len(DESTINATIONS), rows)
    codes = np.array([c for c, _ in DESTINATIONS])
    kinds = np.array([k for _, k in DESTINATIONS])
    other = rng.integers(0, len(DESTINATIONS), rows)

    def place(p_same: float) -> np.ndarray:
        return np.where(rng.random(rows) < p_same, codes[dest], codes[other])

    days = (dt.date(2025, 12, 31) - PLAN_START).days
    as_of = np.datetime64(PLAN_START) + rng.integers(0, days, rows).astype("timedelta64[D]")
    born = np.datetime64("1960-01-01") + rng.integers(0, 42 * 365, rows).astype("timedelta64[D]")
    request = rng.choice(
        np.array(["settle", "student_move_in", "graduate_move_out"]), rows, p=[0.9, 0.05, 0.05]
    )

    def flag(p: float) -> np.ndarray:
        return rng.random(rows) < p

    return pl.DataFrame(
        {
            "person_id": np.arange(rows, dtype=np.int64),
            "as_of": as_of,
            "request": request,
            "birth_date": born,
            "consent": flag(0.97),
            "hukou_division_code": np.full(rows, "410526"),
            "hukou_nature": np.where(flag(0.75), "rural", "urban"),
            "hukou_province": np.full(rows, "河南省"),
            "hukou_registered_at_destination": flag(0.03),
            "destination_division_code": codes[dest],
            "destination_kind": kinds[dest],
            "college_graduate": flag(0.12),
            "vocational_graduate": flag(0.08),
            "technical_worker_certificate": flag(0.05),
            "returned_overseas_student": flag(0.005),
            "entered_town_by_study": flag(0.04),
            "entered_town_by_military_service": flag(0.01),
            "student_admitted_to_college": flag(0.6),
            "student_college_division_code": place(0.8),
            "student_hukou_at_college": flag(0.6),
            "student_origin_division_code": place(0.4),
            "student_graduated": flag(0.6),
            "employed": flag(0.7),
            "employment_division_code": place(0.7),
            "employment_legal_stable": flag(0.8),
            "residence_division_code": place(0.8),
            "residence_legal_stable": flag(0.8),
            "residence_tenure": rng.choice(
                np.array(["owned", "rented", "employer_provided", "other"]),
                rows,
                p=[0.3, 0.5, 0.15, 0.05],
            ),
            "urban_insurance_months_at_destination": rng.integers(0, 37, rows).astype(np.int32),
            "years_employed_and_living_in_town": rng.integers(0, 16, rows).astype(np.int32),
            "whole_family_migration": flag(0.3),
            "owns_home": flag(0.3),
            "made_investment": flag(0.05),
            "tax_paid": flag(0.5),
            "settlement_points": rng.integers(0, 200, rows).astype(np.int32),
            "rural_rights_land_contract": flag(0.6),
            "rural_rights_homestead": flag(0.5),
            "rural_rights_collective_income": flag(0.4),
            "willing_to_give_up_rural_rights": flag(0.1),
        }
    )


def write_population(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    generate(rows).write_parquet(path, row_group_size=500_000)


# --- the OpenFisca comparison model ------------------------------------------


def openfisca_system():  # noqa: C901 - one small class per rule, as OpenFisca has it
    from openfisca_core.entities import build_entity
    from openfisca_core.parameters import ParameterNode
    from openfisca_core.periods import DateUnit
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    from luohu.policy.parameters import default_parameters

    person = build_entity(key="person", plural="persons", label="Person", doc="", is_person=True)
    city = default_parameters()
    on = PLAN_START

    def value(path: str):
        v = city.value(path, on).value
        return v.isoformat() if isinstance(v, dt.date) else v

    parameter_data = {
        "insurance_months_required": {
            "values": {
                "2018-03-12": value("settlement/city_worker/urban_insurance_months_required")
            }
        },
        "years_in_town_min": {
            "values": {
                "2018-03-12": value("settlement/priority/years_employed_and_living_in_town_min")
            }
        },
    }
    tenures = value("local/legal_stable_residence/accepted_tenures")
    new_generation_from = np.datetime64(value("settlement/priority/new_generation_born_from"))

    class System(TaxBenefitSystem):
        def __init__(self) -> None:
            super().__init__([person])
            self.parameters = ParameterNode("", data=parameter_data)

    system = System()

    def inp(name: str, kind: type, default=None) -> None:
        attrs = {
            "value_type": kind,
            "entity": person,
            "definition_period": DateUnit.DAY,
            "label": name,
        }
        if default is not None:
            attrs["default_value"] = default
        system.add_variable(type(name, (Variable,), attrs))

    for name in ("as_of", "birth_date"):
        inp(name, dt.date)
    for name in (
        "request", "hukou_nature", "destination_division_code", "destination_kind",
        "student_college_division_code", "student_origin_division_code",
        "employment_division_code", "residence_division_code", "residence_tenure",
    ):  # fmt: skip
        inp(name, str)
    for name in (
        "consent", "hukou_registered_at_destination", "college_graduate", "vocational_graduate",
        "technical_worker_certificate", "returned_overseas_student", "entered_town_by_study",
        "entered_town_by_military_service", "student_admitted_to_college",
        "student_hukou_at_college", "student_graduated", "employed", "employment_legal_stable",
        "residence_legal_stable", "whole_family_migration",
    ):  # fmt: skip
        inp(name, bool)
    for name in ("urban_insurance_months_at_destination", "years_employed_and_living_in_town"):
        inp(name, int)

    def rule(name: str, formula) -> None:
        system.add_variable(
            type(
                name,
                (Variable,),
                {
                    "value_type": bool,
                    "entity": person,
                    "definition_period": DateUnit.DAY,
                    "label": name,
                    "formula": formula,
                },
            )
        )

    def same(a, b):
        a, b = a.astype(str), b.astype(str)
        return np.char.startswith(a, b) | np.char.startswith(b, a)

    settle = lambda p, t: p("request", t) == "settle"  # noqa: E731
    rule("plan_in_force", lambda p, t, par: p("as_of", t) >= np.datetime64(PLAN_START))
    rule("is_rural_hukou", lambda p, t, par: p("hukou_nature", t) == "rural")
    rule(
        "destination_is_urban",
        lambda p, t, par: np.isin(
            p("destination_kind", t), ["city_district", "county_seat_town", "established_town"]
        ),
    )
    rule(
        "destination_is_city_district",
        lambda p, t, par: p("destination_kind", t) == "city_district",
    )
    rule(
        "destination_is_town",
        lambda p, t, par: np.isin(
            p("destination_kind", t), ["county_seat_town", "established_town"]
        ),
    )
    rule(
        "is_key_group_member",
        lambda p, t, par: (
            p("college_graduate", t)
            | p("technical_worker_certificate", t)
            | p("vocational_graduate", t)
            | p("entered_town_by_study", t)
            | p("entered_town_by_military_service", t)
            | p("returned_overseas_student", t)
        ),
    )
    rule(
        "has_legal_stable_employment_at_destination",
        lambda p, t, par: (
            p("employed", t)
            & p("employment_legal_stable", t)
            & same(p("employment_division_code", t), p("destination_division_code", t))
        ),
    )
    rule(
        "has_legal_stable_residence_at_destination",
        lambda p, t, par: (
            p("residence_legal_stable", t)
            & np.isin(p("residence_tenure", t), tenures)
            & same(p("residence_division_code", t), p("destination_division_code", t))
        ),
    )
    rule(
        "meets_urban_insurance_requirement",
        lambda p, t, par: (
            p("urban_insurance_months_at_destination", t)
            >= par("2020-01-01").insurance_months_required
        ),
    )
    rule(
        "admitted_as_key_group",
        lambda p, t, par: settle(p, t) & p("destination_is_urban", t) & p("is_key_group_member", t),
    )
    rule(
        "admitted_as_city_worker",
        lambda p, t, par: (
            settle(p, t)
            & p("destination_is_city_district", t)
            & p("has_legal_stable_employment_at_destination", t)
            & p("has_legal_stable_residence_at_destination", t)
            & p("meets_urban_insurance_requirement", t)
        ),
    )
    rule(
        "admitted_by_town_residence",
        lambda p, t, par: (
            settle(p, t)
            & p("destination_is_town", t)
            & p("has_legal_stable_residence_at_destination", t)
        ),
    )
    rule(
        "admitted_as_student_move_in",
        lambda p, t, par: (
            (p("request", t) == "student_move_in")
            & p("is_rural_hukou", t)
            & p("student_admitted_to_college", t)
            & same(p("student_college_division_code", t), p("destination_division_code", t))
        ),
    )
    rule(
        "admitted_as_graduate_move_out",
        lambda p, t, par: (
            (p("request", t) == "graduate_move_out")
            & p("student_hukou_at_college", t)
            & p("student_graduated", t)
            & (
                same(p("student_origin_division_code", t), p("destination_division_code", t))
                | (
                    p("employed", t)
                    & same(p("employment_division_code", t), p("destination_division_code", t))
                )
            )
        ),
    )
    rule(
        "is_eligible",
        lambda p, t, par: (
            p("plan_in_force", t)
            & p("consent", t)
            & ~p("hukou_registered_at_destination", t)
            & (
                p("admitted_as_key_group", t)
                | p("admitted_as_city_worker", t)
                | p("admitted_by_town_residence", t)
                | p("admitted_as_student_move_in", t)
                | p("admitted_as_graduate_move_out", t)
            )
        ),
    )
    rule(
        "priority_long_term_migrant",
        lambda p, t, par: (
            settle(p, t)
            & p("is_rural_hukou", t)
            & (p("years_employed_and_living_in_town", t) >= par("2020-01-01").years_in_town_min)
        ),
    )
    rule(
        "priority_whole_family",
        lambda p, t, par: settle(p, t) & p("is_rural_hukou", t) & p("whole_family_migration", t),
    )
    rule(
        "priority_new_generation_migrant_worker",
        lambda p, t, par: (
            settle(p, t)
            & p("is_rural_hukou", t)
            & p("employed", t)
            & (p("birth_date", t) >= new_generation_from)
        ),
    )
    rule(
        "priority_entered_by_study_or_military",
        lambda p, t, par: (
            settle(p, t)
            & (p("entered_town_by_study", t) | p("entered_town_by_military_service", t))
        ),
    )
    rule(
        "priority_established_resident",
        lambda p, t, par: (
            settle(p, t)
            & (p("years_employed_and_living_in_town", t) >= par("2020-01-01").years_in_town_min)
            & p("employed", t)
            & p("employment_legal_stable", t)
        ),
    )
    return system


OPENFISCA_INPUTS = [
    "as_of", "birth_date", "request", "hukou_nature", "destination_division_code", "destination_kind",
    "student_college_division_code", "student_origin_division_code", "employment_division_code",
    "residence_division_code", "residence_tenure", "consent", "hukou_registered_at_destination",
    "college_graduate", "vocational_graduate", "technical_worker_certificate",
    "returned_overseas_student", "entered_town_by_study", "entered_town_by_military_service",
    "student_admitted_to_college", "student_hukou_at_college", "student_graduated", "employed",
    "employment_legal_stable", "residence_legal_stable", "whole_family_migration",
    "urban_insurance_months_at_destination", "years_employed_and_living_in_town",
]  # fmt: skip
CHANNEL_RULES = {
    "key_group": "admitted_as_key_group",
    "city_worker": "admitted_as_city_worker",
    "town_residence": "admitted_by_town_residence",
    "student_move_in": "admitted_as_student_move_in",
    "graduate_move_out": "admitted_as_graduate_move_out",
}
FLAG_RULES = [
    "priority_long_term_migrant",
    "priority_whole_family",
    "priority_new_generation_migrant_worker",
    "priority_entered_by_study_or_military",
    "priority_established_resident",
]


def openfisca_simulation(system, columns: dict[str, np.ndarray], trace: bool = False):
    from openfisca_core.simulations import SimulationBuilder

    count = len(next(iter(columns.values())))
    simulation = SimulationBuilder().build_default_simulation(system, count)
    simulation.trace = trace
    for name in OPENFISCA_INPUTS:
        simulation.set_input(name, PERIOD, columns[name])
    return simulation
