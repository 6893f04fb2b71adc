"""Dated parameters, guardrails and county settings (AY2018-19:1.2.c)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from luohu.policy.errors import CountyOverrideRefused, RuleNotInForce
from luohu.policy.parameters import (
    COUNTY_CLAUSE,
    ParameterSet,
    default_parameters,
    load_county_file,
    load_parameter,
    load_parameters,
    parameter_clause_problems,
    validate_county_config,
)

INSURANCE = "settlement/city_worker/urban_insurance_months_required"


def config(**overrides):
    base = {
        "county": "410522",
        "effective_from": dt.date(2019, 1, 1),
        "decided_by": "安阳县人民政府",
        "overrides": {INSURANCE: 6},
    }
    base.update(overrides)
    return base


def refusal(data) -> CountyOverrideRefused:
    with pytest.raises(CountyOverrideRefused) as caught:
        validate_county_config(data, default_parameters().parameters)
    return caught.value


def test_every_parameter_has_a_clause_unit_term_and_a_date():
    params = default_parameters()
    assert parameter_clause_problems(params.parameters) == []
    for param in params.parameters.values():
        assert param.term_zh and param.unit and param.values, param.path


def test_plan_numbers_live_in_parameters():
    """The 1-year ceiling and the 5 years of 2.1 are parameter values with their clause."""
    on = dt.date(2018, 3, 12)
    ceiling = default_parameters().value("guardrails/urban_insurance_months_max", on)
    assert (ceiling.value, ceiling.clause) == (12, "AY2018-19:2.2")
    years = default_parameters().value(
        "settlement/priority/years_employed_and_living_in_town_min", on
    )
    assert (years.value, years.clause) == (5, "AY2018-19:2.1")


def test_local_settings_are_marked():
    params = default_parameters()
    for path in (
        "local/legal_stable_employment/proofs",
        "local/legal_stable_residence/proofs",
        "local/documents/common",
        "local/documents/by_channel",
        "local/processing_time_working_days",
    ):
        assert params[path].local_setting, path


def test_a_value_before_its_first_date_is_not_in_force():
    with pytest.raises(RuleNotInForce) as caught:
        default_parameters()[INSURANCE].at(dt.date(2018, 3, 11))
    assert caught.value.as_problem().code == "rule_not_in_force"
    assert "2018-03-12" in caught.value.as_problem().message_en


def test_a_new_date_changes_the_value_and_repeal_is_null():
    data = {
        "description": "d",
        "term_zh": "t",
        "unit": "month",
        "values": {
            dt.date(2018, 3, 12): {"value": 12, "clause": "AY2018-19:2.2"},
            dt.date(2020, 1, 1): {"value": 6, "clause": "AY2018-19:2.2"},
            dt.date(2022, 1, 1): {"value": None, "clause": "AY2018-19:2.2"},
            dt.date(2030, 1, 1): {"value": 3, "clause": "AY2018-19:2.2", "expected": True},
        },
    }
    param = load_parameter("x", data)
    assert param.at(dt.date(2019, 12, 31)).value == 12
    assert param.at(dt.date(2020, 1, 1)).value == 6
    with pytest.raises(RuleNotInForce):
        param.at(dt.date(2023, 1, 1))
    assert param.as_dict()["values"][-1]["expected"] is True
    frame = pl.DataFrame(
        {
            "as_of": [
                dt.date(2018, 1, 1),
                dt.date(2019, 1, 1),
                dt.date(2021, 1, 1),
                dt.date(2031, 1, 1),
            ],
            "destination_county": ["410502"] * 4,
        }
    )
    got = frame.select(ParameterSet({"x": param}).expr("x")).to_series().to_list()
    assert got == [None, 12, 6, None]


def test_an_accepted_county_setting_takes_effect_from_its_date():
    decision = validate_county_config(config(), default_parameters().parameters)
    params = ParameterSet(default_parameters().parameters, [decision])
    assert params.value(INSURANCE, dt.date(2018, 12, 31), "410522").value == 12
    dated = params.value(INSURANCE, dt.date(2019, 1, 1), "410522")
    assert (dated.value, dated.clause) == (6, COUNTY_CLAUSE)
    assert params.value(INSURANCE, dt.date(2019, 1, 1), "410502").value == 12
    assert params.value(INSURANCE, dt.date(2019, 1, 1)).value == 12


def test_a_county_asking_for_more_than_a_year_is_refused_with_clause_2_2():
    refused = refusal(config(overrides={INSURANCE: 24}))
    assert refused.clauses == ["AY2018-19:2.2"]
    problem = refused.problems[0]
    assert problem.field == f"overrides.{INSURANCE}"
    assert problem.code == "county_exceeds_guardrail"
    assert "AY2018-19:2.2" in problem.message_zh and "AY2018-19:2.2" in problem.message_en
    assert "超过上限 12" in problem.message_zh


def test_a_negative_county_value_is_refused():
    refused = refusal(config(overrides={INSURANCE: -1}))
    assert refused.problems[0].code == "county_wrong_type"


def test_exactly_twelve_months_is_accepted():
    validate_county_config(config(overrides={INSURANCE: 12}), default_parameters().parameters)


def test_a_county_excluding_rented_homes_is_refused_with_clause_2_3():
    refused = refusal(
        config(overrides={"local/legal_stable_residence/accepted_tenures": ["owned"]})
    )
    assert refused.clauses == ["AY2018-19:2.3"]
    assert "rented" in refused.problems[0].message_en


@pytest.mark.parametrize(
    ("condition", "citation"),
    [
        ("home_purchase", "AY2018-19:2.2"),
        ("investment", "AY2018-19:2.2"),
        ("tax_paid", "AY2018-19:2.2"),
        ("settlement_points", "AY2018-19:2.2"),
        ("surrender_land_contract_right", "AY2018-19:3.5"),
        ("surrender_homestead_right", "AY2018-19:3.5"),
        ("surrender_collective_income_right", "AY2018-19:3.5"),
        ("minimum_education", COUNTY_CLAUSE),
    ],
)
def test_a_county_condition_is_refused_with_the_clause_it_breaks(condition, citation):
    refused = refusal(config(conditions=[condition]))
    assert refused.clauses == [citation]
    assert refused.problems[0].field == "conditions"


def test_every_problem_of_a_county_proposal_is_reported_at_once():
    refused = refusal(
        config(
            county="110105",
            effective_from=dt.date(2017, 1, 1),
            overrides={
                INSURANCE: 13,
                "no/such/parameter": 1,
                "guardrails/urban_insurance_months_max": 24,
                "settlement/priority/years_employed_and_living_in_town_min": 3,
                "local/processing_time_working_days": "fast",
            },
        )
    )
    assert sorted(p.code for p in refused.problems) == [
        "county_before_plan",
        "county_exceeds_guardrail",
        "county_not_overridable",
        "county_not_overridable",
        "county_unknown",
        "county_unknown_parameter",
        "county_wrong_type",
    ]


def test_a_malformed_county_file_is_refused(tmp_path: Path):
    assert refusal(["not", "a", "mapping"]).problems[0].code == "county_malformed"
    assert refusal({"county": "410522"}).problems[0].code == "county_malformed"
    bad = tmp_path / "bad.yaml"
    bad.write_text("county: [unclosed", encoding="utf-8")
    with pytest.raises(CountyOverrideRefused):
        load_county_file(bad, default_parameters().parameters)


def test_loading_refuses_a_bad_county_file_and_accepts_a_good_one(tmp_path: Path):
    good = tmp_path / "410522-2019-01-01.yaml"
    good.write_text(
        "county: '410522'\neffective_from: 2019-01-01\ndecided_by: t\n"
        f"overrides:\n  {INSURANCE}: 6\n",
        encoding="utf-8",
    )
    loaded = load_parameters(counties_dir=tmp_path)
    assert [d.county for d in loaded.counties] == ["410522"]
    (tmp_path / "410523-2019-01-01.yaml").write_text(
        f"county: '410523'\neffective_from: 2019-01-01\noverrides:\n  {INSURANCE}: 36\n",
        encoding="utf-8",
    )
    with pytest.raises(CountyOverrideRefused, match="AY2018-19:2.2"):
        load_parameters(counties_dir=tmp_path)


def test_a_later_city_value_supersedes_an_older_county_decision():
    city = default_parameters().parameters
    data = {
        "description": "d",
        "term_zh": "t",
        "unit": "month",
        "county_may_override": True,
        "guardrail": {"kind": "max", "parameter": "guardrails/urban_insurance_months_max"},
        "values": {
            dt.date(2018, 3, 12): {"value": 12, "clause": "AY2018-19:2.2"},
            dt.date(2021, 1, 1): {"value": 4, "clause": "AY2018-19:2.2"},
        },
    }
    params_dict = {**city, INSURANCE: load_parameter(INSURANCE, data)}
    decision = validate_county_config(config(), params_dict)
    params = ParameterSet(params_dict, [decision])
    assert params.value(INSURANCE, dt.date(2020, 1, 1), "410522").value == 6
    assert params.value(INSURANCE, dt.date(2021, 1, 1), "410522").value == 4
    frame = pl.DataFrame(
        {
            "as_of": [dt.date(2020, 1, 1), dt.date(2021, 1, 1)],
            "destination_county": ["410522", "410522"],
        }
    )
    assert frame.select(params.expr(INSURANCE)).to_series().to_list() == [6, 4]
