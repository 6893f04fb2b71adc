"""Same-treatment index (1.2.a) on small hand-built inputs: exact shares and lists."""

from __future__ import annotations

import datetime as dt

import pytest

from luohu.analytics.same_treatment import anyang_counties, same_treatment_by_county
from luohu.policy.errors import RuleNotInForce
from luohu.policy.parameters import ParameterSet, default_parameters, validate_county_config

ON = dt.date(2020, 1, 1)
TWO = [("410502", "文峰区"), ("410522", "安阳县")]


def _with(*decisions):
    city = default_parameters()
    return ParameterSet(
        city.parameters, [validate_county_config(d, city.parameters) for d in decisions]
    )


def test_city_settings_leave_housing_security_and_rent_subsidy_to_hukou_residents():
    rows = same_treatment_by_county(ON, params=_with(), counties=TWO)
    for row in rows:
        assert len(row.reachable_by_hukou_residents) == 13
        assert row.not_reachable_by_permit_holders == ["housing_security", "rent_subsidy"]
        assert row.share == pytest.approx(11 / 13)


def test_a_county_admitting_permit_holders_to_housing_security_scores_higher():
    params = _with(
        {
            "county": "410522",
            "effective_from": dt.date(2019, 7, 1),
            "overrides": {
                "local/services/housing_security/eligible_statuses": [
                    "hukou_resident",
                    "permit_holder",
                ],
                "local/services/rent_subsidy/eligible_statuses": [
                    "hukou_resident",
                    "permit_holder",
                ],
            },
        }
    )
    wenfeng, anyang = same_treatment_by_county(ON, params=params, counties=TWO)
    assert wenfeng.share == pytest.approx(11 / 13)
    assert anyang.share == 1.0
    assert anyang.not_reachable_by_permit_holders == []
    # Before the county decision the city setting applies there too.
    _, before = same_treatment_by_county(dt.date(2019, 6, 30), params=params, counties=TWO)
    assert before.share == pytest.approx(11 / 13)
    assert before.as_dict()["clause"] == "AY2018-19:1.2.a"


def test_a_county_standard_of_zero_makes_dibao_unreachable_for_both():
    params = _with(
        {
            "county": "410502",
            "effective_from": dt.date(2019, 7, 1),
            "overrides": {"local/services/minimum_living_allowance/standard_yuan_month": 0},
        }
    )
    (wenfeng,) = same_treatment_by_county(ON, params=params, counties=TWO[:1])
    assert "minimum_living_allowance" not in wenfeng.reachable_by_hukou_residents
    assert wenfeng.share == pytest.approx(10 / 12)


def test_counties_of_anyang_and_the_date_guard():
    assert [code for code, _ in anyang_counties()] == [
        "410502", "410503", "410505", "410506", "410522", "410523", "410526", "410527", "410581"
    ]  # fmt: skip
    with pytest.raises(RuleNotInForce):
        same_treatment_by_county(dt.date(2018, 1, 1), counties=TWO)
