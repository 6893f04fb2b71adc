"""What-if: a local setting changed within its guardrail, run over the synthetic population."""

from __future__ import annotations

from pathlib import Path

import pytest

from luohu.accounts.tests.factories import persona
from luohu.audit.models import AuditEntry
from luohu.common.errors import FieldError
from luohu.monitoring.models import WhatIfScenario
from luohu.monitoring.services import whatif_save
from luohu.monitoring.whatif import whatif_options, whatif_run

INSURANCE = "settlement/city_worker/urban_insurance_months_required"
WENFENG = "410502"  # a city district: the city-worker channel (2.2) applies there
HUAXIAN = "410526"

pytestmark = pytest.mark.django_db


def test_fewer_insurance_months_make_more_residents_eligible(
    divisions: None, population_dir: Path
) -> None:
    """12 → 6 months in 文峰区: newly eligible residents, projected transfers, both rates."""
    ndrc = persona("ndrc_chen")
    entries = AuditEntry.objects.count()
    result = whatif_run(
        user=ndrc, county_code=WENFENG, parameter=INSURANCE, value="6", directory=population_dir
    )
    assert result["current_value"] == 12 and result["value"] == 6
    assert result["newly_eligible"] > 0
    assert result["no_longer_eligible"] == 0
    assert result["eligible_after"] - result["eligible_before"] == result["newly_eligible"]
    assert 0 < result["projected_transfers"] <= result["newly_eligible"]
    county = result["county"]
    assert county["after"]["hukou_urbanization_rate"] > county["before"]["hukou_urbanization_rate"]
    assert (
        county["after"]["resident_urbanization_rate"]
        == county["before"]["resident_urbanization_rate"]
    )
    assert (
        result["city"]["after"]["hukou_urbanization_rate"]
        >= result["city"]["before"]["hukou_urbanization_rate"]
    )
    assert result["targets"]["city_hukou_rate"] == 40.0
    # Nothing was saved and nothing audited: a run only reads.
    assert not WhatIfScenario.objects.exists()
    assert AuditEntry.objects.count() == entries

    saved = whatif_save(acting_user=ndrc, result=result, note="试算 trial")
    assert saved.result["newly_eligible"] == result["newly_eligible"]
    assert AuditEntry.objects.filter(event_type=620, object_id=str(saved.pk)).exists()


def test_the_same_value_changes_nothing(divisions: None, population_dir: Path) -> None:
    result = whatif_run(
        user=persona("ndrc_chen"),
        county_code=WENFENG,
        parameter=INSURANCE,
        value=12,
        directory=population_dir,
    )
    assert result["newly_eligible"] == 0 and result["projected_transfers"] == 0
    assert result["county"]["after"] == result["county"]["before"]


def test_a_value_above_the_guardrail_is_refused_with_clause_2_2(
    divisions: None, population_dir: Path
) -> None:
    with pytest.raises(FieldError) as caught:
        whatif_run(
            user=persona("ndrc_chen"),
            county_code=WENFENG,
            parameter=INSURANCE,
            value="13",
            directory=population_dir,
        )
    (problem,) = caught.value.problems
    assert problem.field == "value" and problem.code == "county_exceeds_guardrail"
    assert "AY2018-19:2.2" in problem.message_zh and "AY2018-19:2.2" in problem.message_en


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "six"}, "value"),
        ({"value": "-1"}, "value"),
        ({"parameter": "guardrails/urban_insurance_months_max"}, "parameter"),
        ({"parameter": "consent/adult_age"}, "parameter"),
        ({"county_code": "410581"}, "county_code"),  # outside the 滑县 official's reach
    ],
)
def test_bad_input_names_the_field(
    divisions: None, population_dir: Path, changes: dict[str, str], field: str
) -> None:
    arguments = {"county_code": HUAXIAN, "parameter": INSURANCE, "value": "6", **changes}
    with pytest.raises(FieldError) as caught:
        whatif_run(user=persona("county_liu_huaxian"), directory=population_dir, **arguments)
    assert [p.field for p in caught.value.problems] == [field]


def test_options_are_the_overridable_numbers_with_their_guardrail(divisions: None) -> None:
    import datetime as dt

    (option,) = whatif_options(dt.date(2020, 12, 31))
    assert option["path"] == INSURANCE
    assert option["guardrail"] == {"kind": "max", "value": 12, "clause": "AY2018-19:2.2"}
