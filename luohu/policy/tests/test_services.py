"""Supporting services (AY2018-19:3.6–3.10): entitlements, guarantees, both evaluation paths."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luohu.common.errors import FieldError
from luohu.policy.errors import RuleNotInForce
from luohu.policy.service_facts import (
    ORIGIN_FACTS,
    SERVICE_SCHEMA,
    ContributionMonth,
    gap_months,
    latest_full_run,
    parse_service_facts,
)
from luohu.policy.services import SERVICES, entitlements, services_engine

ON = dt.date(2019, 6, 10)
PERSON: dict[str, Any] = {
    "residence_division_code": "410502001",
    "residence_status": "permit_holder",
    "work": "employee",
    "employed_in_city": True,
    "rents_home": True,
    "household_income_per_capita_yuan_month": 450,
    "housing_area_per_capita_m2": 12,
    "meets_dibao_asset_test": True,
    "provident_fund": {
        "has_account": True,
        "has_no_house_certificate": True,
        "account_elsewhere": False,
        "contributions": [
            {"month": "2019-03", "full": True},
            {"month": "2019-04", "full": True},
            {"month": "2019-05", "full": True},
        ],
    },
    "medical_insurance": {
        "history": [
            {"month": "2019-01", "scheme": "urban_rural_resident", "division_code": "410526"},
            {"month": "2019-03", "scheme": "urban_employee", "division_code": "410502"},
        ]
    },
}


def _service(result, name):
    return next(s for s in result["services"] if s["service"] == name)


def test_every_service_answers_with_clause_conditions_and_json():
    result = entitlements(PERSON, on=ON)
    assert [s["service"] for s in result["services"]] == [s.name for s in SERVICES]
    for answer in result["services"]:
        assert answer["clause"].startswith(("AY2018-19:3.", "SC663:"))
        for condition in answer["conditions"]:
            assert condition["zh"] and condition["en"] and condition["clause"]
    json.dumps(result, ensure_ascii=False)


def test_medical_insurance_names_the_gap_and_the_transfer():
    answer = _service(entitlements(PERSON, on=ON), "medical_insurance_transfer")
    assert answer["entitled"] is False
    assert answer["coverage_gaps"] == ["2019-02"]
    assert answer["transfers"] == [
        {"month": "2019-03", "from_scheme": "urban_rural_resident", "from_division_code": "410526",
         "to_scheme": "urban_employee", "to_division_code": "410502"}
    ]  # fmt: skip
    gap = next(c for c in answer["conditions"] if c["rule"] == "mi_no_coverage_gap")
    assert gap["en"] == "1 month(s) without cover in the record"
    assert gap["what_would_change_zh"] == "为断保月份办理转移接续或补缴：2019-02"


def test_unknown_facts_leave_one_service_open_and_name_the_facts():
    facts = {k: v for k, v in PERSON.items() if k != "meets_dibao_asset_test"}
    answer = _service(entitlements(facts, on=ON), "minimum_living_allowance")
    assert answer["entitled"] is None
    assert answer["missing_facts"] == ["meets_dibao_asset_test"]


def test_bad_facts_are_refused_field_by_field():
    bad = {**PERSON, "residence_status": "tourist", "housing_area_per_capita_m2": -1}
    with pytest.raises(FieldError) as exc:
        entitlements(bad, on=ON)
    assert sorted(p.field for p in exc.value.problems) == [
        "housing_area_per_capita_m2",
        "residence_status",
    ]
    twice: dict[str, Any] = copy.deepcopy(PERSON)
    twice["provident_fund"]["contributions"].append({"month": "2019-05", "full": False})
    with pytest.raises(FieldError) as exc:
        entitlements(twice, on=ON)
    assert [p.code for p in exc.value.problems] == ["month_twice"]
    with pytest.raises(RuleNotInForce):
        entitlements(PERSON, on=dt.date(2018, 3, 11))


def test_trace_and_a_subset_of_services():
    result = entitlements(PERSON, on=ON, services=("minimum_living_allowance",), trace=True)
    (answer,) = result["services"]
    rules = [e["rule"] for e in answer["trace"]]
    assert rules == [
        "dibao_status_admitted",
        "dibao_income_below_standard",
        "dibao_asset_test",
        "minimum_living_allowance",
    ]


def test_latest_full_run_and_gaps_exactly():
    months = [ContributionMonth(month=m, full=f) for m, f in
              [("2018-11", True), ("2018-12", False), ("2019-01", True), ("2019-02", True)]]  # fmt: skip
    assert latest_full_run(months) == (2, "2019-02", ["2018-12"])
    assert latest_full_run([]) == (0, None, [])
    assert latest_full_run(months[2:]) == (2, "2019-02", [])
    assert gap_months(["2018-11", "2019-02"]) == ["2018-12", "2019-01"]
    assert gap_months([]) == []


def test_no_service_rule_reads_the_origin():
    """1.2.a: the hukou's nature and place never reach a service answer (dependency graph)."""
    engine = services_engine()
    for service in SERVICES:
        assert not engine.facts_read_by([service.rule]) & set(ORIGIN_FACTS), service.name


STATUS = st.sampled_from(["hukou_resident", "permit_holder", "neither"])


def _person_strategy():
    maybe_bool = st.none() | st.booleans()
    return st.fixed_dictionaries(
        {
            "residence_division_code": st.sampled_from(["410502001", "410522100", "410581"]),
            "household_income_per_capita_yuan_month": st.none() | st.integers(0, 3000),
            "housing_area_per_capita_m2": st.none() | st.integers(0, 40),
            "meets_dibao_asset_test": maybe_bool,
            "rents_home": maybe_bool,
            "employed_in_city": maybe_bool,
            "work": st.none()
            | st.sampled_from(
                ["employee", "self_employed", "freelancer", "not_working"]
            ),  # fmt: skip
        }
    )


@settings(max_examples=80, deadline=None, database=None)
@given(person=_person_strategy())
def test_dibao_never_differs_between_permit_holder_and_hukou_resident(person):
    """3.8: 同等享有 — the same facts give the same 低保 answer and reasons."""

    def answer(status):
        result = entitlements({**person, "residence_status": status}, on=ON)
        dibao = _service(result, "minimum_living_allowance")
        return dibao["entitled"], [(c["rule"], c["value"]) for c in dibao["conditions"]]

    assert answer("permit_holder") == answer("hukou_resident")


@settings(max_examples=60, deadline=None, database=None)
@given(
    person=_person_strategy(),
    status=STATUS,
    origin=st.sampled_from(
        [(None, None), ("rural", "410522200"), ("urban", "130132"), ("rural", "440524")]
    ),  # fmt: skip
)
def test_no_answer_depends_on_the_origin(person, status, origin):
    nature, place = origin
    base = {**person, "residence_status": status}
    plain = entitlements(base, on=ON)
    with_origin = entitlements(
        {**base, "hukou_nature": nature, "hukou_division_code": place}, on=ON
    )
    assert [s["entitled"] for s in plain["services"]] == [
        s["entitled"] for s in with_origin["services"]
    ]


@settings(max_examples=60, deadline=None, database=None)
@given(person=_person_strategy(), status=STATUS)
def test_polars_and_the_scalar_interpreter_agree(person, status):
    engine = services_engine()
    assert engine.uses_scalar_interpreter is True
    _, row = parse_service_facts({**person, "residence_status": status}, ON)
    one = engine.evaluate_row(row)
    frame = engine.evaluate_frame(pl.DataFrame([row], schema=SERVICE_SCHEMA).lazy()).collect()
    many = frame.row(0, named=True)
    for name in engine.by_name:
        assert one[name] == many[name], name


def test_a_service_reading_the_origin_is_e008(monkeypatch):
    """A rule that made 低保 depend on a rural hukou is caught on the dependency graph."""
    import dataclasses

    from luohu.policy import checks
    from luohu.policy.rules import RULES
    from luohu.policy.services import services_engine

    rule = RULES["dibao_asset_test"]
    broken = dataclasses.replace(
        rule, build=lambda p: pl.col("meets_dibao_asset_test") & (pl.col("hukou_nature") == "urban")
    )
    monkeypatch.setitem(RULES, "dibao_asset_test", broken)
    services_engine.cache_clear()
    try:
        problems = checks.check_service_origin()
    finally:
        monkeypatch.undo()
        services_engine.cache_clear()
    assert [(p.id, p.obj) for p in problems] == [
        (checks.E008_SERVICE_READS_ORIGIN, "service minimum_living_allowance")
    ]
    assert checks.check_service_origin() == []


def test_sentences_name_the_status_not_its_code_and_unknowns_say_so():
    result = entitlements({**PERSON, "work": None}, on=ON)
    housing = _service(result, "housing_security")
    status = next(c for c in housing["conditions"] if c["rule"] == "hs_status_admitted")
    assert status["zh"] == "本地住房保障对象不包括居住证持有人（本地设置）"
    assert status["en"] == (
        "housing security here does not admit residence-permit holder (local setting)"
    )
    account = _service(result, "provident_fund_account")
    (work,) = account["conditions"]
    assert (work["value"], work["en"]) == (None, "not known yet (an answer is missing)")
    assert account["missing_facts"] == ["work"]
