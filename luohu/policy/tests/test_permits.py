"""Residence-permit conditions and parameters (SC663): the API the permits app uses."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luohu.common.errors import FieldError
from luohu.policy.errors import MissingFacts, RuleNotInForce
from luohu.policy.parameters import ParameterSet, default_parameters, load_parameter
from luohu.policy.permits import (
    PermitFacts,
    permit_eligibility,
    permit_engine,
    permit_parameters,
)

ON = dt.date(2019, 6, 1)
WORKER = {
    "residence_months": 6,
    "has_legal_stable_employment": True,
    "residence_division_code": "410502001",
    "hukou_division_code": "410523100",
}


def test_eligible_answer_shape_and_trace_are_json():
    result = permit_eligibility(WORKER, on=ON)
    assert result.eligible is True
    assert result.reasons == []
    assert [r.code for r in result.met] == [
        "permit_has_left_hukou_place",
        "permit_has_lived_half_a_year",
        "permit_meets_one_condition",
    ]
    assert {r.clause for r in result.met} == {"SC663:2"}
    assert result.rules_date == ON
    entries = {e["rule"]: e for e in result.trace["entries"]}
    assert entries["permit_has_lived_half_a_year"]["inputs"] == {
        "param:permits/residence_months_min": 6,
        "residence_months": 6,
    }
    assert result.parameters == [
        {"path": "permits/residence_months_min", "value": 6, "start": "2016-01-01",
         "clause": "SC663:2", "local_setting": False}
    ]  # fmt: skip
    json.dumps(result.as_dict(), ensure_ascii=False)


def test_a_no_names_the_condition_in_both_languages_and_what_would_change_it():
    result = permit_eligibility({**WORKER, "residence_months": 4}, on=ON)
    assert result.eligible is False
    (reason,) = result.reasons
    assert reason.code == "permit_has_lived_half_a_year"
    assert reason.clause == "SC663:2"
    assert reason.zh == "在居住地居住 4 个月，不足 6 个月（半年）"
    assert reason.en == "4 months at the place of residence, fewer than 6"
    assert reason.what_would_change_en == "2 more months of residence"


def test_missing_and_bad_facts_are_field_errors():
    with pytest.raises(MissingFacts) as missing:
        permit_eligibility({**WORKER, "has_legal_stable_employment": None}, on=ON)
    assert [p.field for p in missing.value.problems] == [
        "has_legal_stable_employment",
        "has_legal_stable_residence",
        "is_continuously_studying",
    ]
    with pytest.raises(FieldError) as bad:
        permit_eligibility({**WORKER, "residence_months": "six", "colour": "red"}, on=ON)
    assert sorted(p.field for p in bad.value.problems) == ["colour", "residence_months"]
    assert all(p.message_zh and p.message_en for p in bad.value.problems)


def test_one_true_condition_is_enough_even_when_others_are_unknown():
    facts = {**WORKER, "has_legal_stable_residence": None, "is_continuously_studying": None}
    assert permit_eligibility(facts, on=ON).eligible is True
    assert permit_eligibility(PermitFacts(**facts), on=ON).eligible is True


def test_before_sc663_the_rule_is_not_in_force():
    with pytest.raises(RuleNotInForce):
        permit_eligibility(WORKER, on=dt.date(2015, 12, 31))
    with pytest.raises(RuleNotInForce):
        permit_parameters(dt.date(2015, 12, 31))


def test_permit_parameters_with_their_clauses():
    p = permit_parameters(ON)
    assert (p.issue_days, p.issue_working_days, p.validity_years) == (15, 15, None)
    assert (p.endorsement_window_months, p.endorsement_window_days) == (1, 30)
    assert (p.first_card_fee_yuan, p.endorsement_fee_yuan, p.replacement_fee_yuan) == (0, 0, 20)
    assert p.residence_months_min == 6
    assert p.clause_of("issue_working_days") == "SC663:9"
    assert p.clause_of("validity_years") == "SC663:10"
    assert p.clause_of("first_card_fee_yuan") == "SC663:21"
    assert p.is_local_setting("replacement_fee_yuan") is True
    assert p.is_local_setting("first_card_fee_yuan") is False
    with pytest.raises(KeyError):
        p.clause_of("colour")
    assert p.as_dict()["issue_working_days"] == 15


def test_a_new_dated_value_changes_the_figure_from_its_date_only():
    city = default_parameters()
    path = "local/permits/replacement_fee_yuan"
    data = {
        "description": "test",
        "term_zh": "测试",
        "unit": "yuan",
        "local_setting": "test",
        "values": {
            dt.date(2016, 1, 1): {"value": 20, "clause": "SC663:21"},
            dt.date(2020, 1, 1): {"value": 10, "clause": "SC663:21"},
        },
    }
    params = ParameterSet({**city.parameters, path: load_parameter(path, data)})
    assert permit_parameters(dt.date(2019, 12, 31), params).replacement_fee_yuan == 20
    assert permit_parameters(dt.date(2020, 1, 1), params).replacement_fee_yuan == 10


def test_a_fixed_term_entered_later_is_returned_in_years():
    city = default_parameters()
    path = "permits/validity_years"
    data = {
        "description": "test",
        "term_zh": "测试",
        "unit": "year",
        "values": {
            dt.date(2016, 1, 1): {"value": "no_fixed_term", "clause": "SC663:10"},
            dt.date(2021, 1, 1): {"value": 5, "clause": "SC663:10"},
        },
    }
    params = ParameterSet({**city.parameters, path: load_parameter(path, data)})
    assert permit_parameters(dt.date(2021, 1, 1), params).validity_years == 5


def test_the_permit_rules_never_read_more_of_the_hukou_than_its_county():
    engine = permit_engine()
    assert engine.uses_scalar_interpreter is True
    assert engine.facts_read_by(["permit_eligible"]) == {
        "residence_months",
        "has_legal_stable_employment",
        "has_legal_stable_residence",
        "is_continuously_studying",
        "residence_division_code",
        "hukou_division_code",
        "as_of",
    }


# Hukou places outside 文峰区: local rural (安阳县, 林州市), another Henan city, another province.
OTHER_PLACES = st.sampled_from(
    ["410522200", "410581100", "410523", "410102", "130132", "440524", "110105001"]
)


@settings(max_examples=80, deadline=None, database=None)
@given(
    months=st.integers(min_value=0, max_value=240),
    employment=st.none() | st.booleans(),
    residence=st.none() | st.booleans(),
    study=st.none() | st.booleans(),
    first=OTHER_PLACES,
    second=OTHER_PLACES,
)
def test_permit_conditions_never_depend_on_where_the_hukou_is(
    months, employment, residence, study, first, second
):
    """1.2.a: local rural, other county and other province give the same answer."""
    base = {
        "residence_months": months,
        "has_legal_stable_employment": employment,
        "has_legal_stable_residence": residence,
        "is_continuously_studying": study,
        "residence_division_code": "410502001",
    }

    def outcome(hukou: str):
        try:
            result = permit_eligibility({**base, "hukou_division_code": hukou}, on=ON)
        except MissingFacts as exc:
            return ("missing", tuple(p.field for p in exc.problems))
        return (result.eligible, tuple(r.code for r in result.reasons))

    assert outcome(first) == outcome(second)


@settings(max_examples=60, deadline=None, database=None)
@given(
    months=st.integers(min_value=0, max_value=240),
    employment=st.none() | st.booleans(),
    residence=st.none() | st.booleans(),
    study=st.none() | st.booleans(),
)
def test_polars_and_the_scalar_interpreter_agree(months, employment, residence, study):
    import polars as pl

    from luohu.policy.permits import PERMIT_SCHEMA

    row = {
        "as_of": ON,
        "residence_months": months,
        "has_legal_stable_employment": employment,
        "has_legal_stable_residence": residence,
        "is_continuously_studying": study,
        "residence_division_code": "410502001",
        "hukou_division_code": "410522200",
    }
    engine = permit_engine()
    one = engine.evaluate_row(row)
    frame = engine.evaluate_frame(pl.DataFrame([row], schema=PERMIT_SCHEMA).lazy()).collect()
    many = frame.row(0, named=True)
    for name in ("permit_eligible", *engine.by_name):
        assert one[name] == many[name], name


def test_the_regulation_is_a_source_with_its_dates():
    from luohu.policy.sources import clause, sources

    sc663 = sources()["SC663"]
    assert (sc663.document_number, sc663.in_force_from) == ("国务院令第663号", dt.date(2016, 1, 1))
    assert "居住半年以上" in clause("SC663:2").text
    assert "15日内" in clause("SC663:9").text
    assert clause("SC663:22").not_encoded
