"""County targets (1.2.e) must add up to the city's (1.3); the city's come from parameters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.common.errors import FieldError
from luohu.monitoring.models import CountyTarget
from luohu.monitoring.selectors import city_targets
from luohu.monitoring.services import NOT_ALLOWED, county_targets_set

COUNTIES = (
    "410502", "410503", "410505", "410506", "410522",
    "410523", "410526", "410527", "410571", "410581",
)  # fmt: skip

pytestmark = pytest.mark.django_db


def even(rate: str = "40", transfers: int = 10_000) -> dict[str, dict[str, Any]]:
    return {
        c: {"hukou_urbanization_rate": rate, "yearly_hukou_transfers": transfers} for c in COUNTIES
    }


def test_city_targets_are_the_dated_parameters_of_1_3() -> None:
    targets = city_targets(dt.date(2020, 12, 31))
    assert targets.target_year == 2020 and targets.baseline_year == 2015
    assert targets.hukou_rate == Decimal("40")
    assert targets.yearly_transfers == 100_000
    assert targets.yearly_rate_increase == Decimal("2")
    assert targets.gap_reduction == Decimal("2")


def test_targets_that_add_up_are_saved_and_audited(computed: Path) -> None:
    """Exactly the city's numbers (40 % everywhere, 10 × 10,000) add up: 以上 includes it."""
    ndrc = persona("ndrc_chen")
    saved = county_targets_set(acting_user=ndrc, target_year=2020, targets=even())
    assert len(saved) == 10
    assert CountyTarget.objects.get(county_code="410526").yearly_hukou_transfers == 10_000
    entry = AuditEntry.objects.get(event_type=AuditEventType.COUNTY_TARGETS_SET)
    assert entry.after is not None
    assert entry.after["total_transfers"] == 100_000
    assert entry.after["combined_rate"] == "40.00"


def test_transfers_short_of_the_city_are_refused_naming_the_counties(computed: Path) -> None:
    targets = even()
    targets["410526"]["yearly_hukou_transfers"] = 1_000  # 滑县 far below its share
    with pytest.raises(FieldError) as caught:
        county_targets_set(acting_user=persona("ndrc_chen"), target_year=2020, targets=targets)
    (problem,) = caught.value.problems
    assert problem.field == "yearly_hukou_transfers"
    assert problem.code == "targets_transfers_do_not_add_up"
    assert "91,000" in problem.message_zh and "100,000" in problem.message_en
    assert "滑县 1,000" in problem.message_zh and "AY2018-19:1.3" in problem.message_en
    assert not CountyTarget.objects.exists()


def test_rates_weighted_below_the_city_are_refused_naming_the_counties(computed: Path) -> None:
    """滑县 has the largest hukou population: 30 % there pulls the combination below 40 %."""
    targets = even(rate="41")
    targets["410526"]["hukou_urbanization_rate"] = "30"
    with pytest.raises(FieldError) as caught:
        county_targets_set(acting_user=persona("ndrc_chen"), target_year=2020, targets=targets)
    (problem,) = caught.value.problems
    assert problem.field == "hukou_urbanization_rate"
    assert problem.code == "targets_rates_do_not_add_up"
    assert "滑县 30" in problem.message_zh
    assert "weighted by hukou population" in problem.message_en


def test_field_problems_name_county_and_field(computed: Path) -> None:
    targets = even()
    targets["410581"]["hukou_urbanization_rate"] = "101"
    targets["410502"]["yearly_hukou_transfers"] = "-5"
    del targets["410503"]
    with pytest.raises(FieldError) as caught:
        county_targets_set(acting_user=persona("ndrc_chen"), target_year=2020, targets=targets)
    fields = {p.field: p for p in caught.value.problems}
    assert set(fields) == {
        "targets",
        "targets.410581.hukou_urbanization_rate",
        "targets.410502.yearly_hukou_transfers",
    }
    assert "北关区" in fields["targets"].message_zh
    assert "林州市" in fields["targets.410581.hukou_urbanization_rate"].message_zh


def test_only_the_commission_sets_targets(computed: Path) -> None:
    for username in ("county_liu_huaxian", "stats_sun"):
        with pytest.raises(FieldError) as caught:
            county_targets_set(acting_user=persona(username), target_year=2020, targets=even())
        assert caught.value.codes == [NOT_ALLOWED[0]]
    assert not AuditEntry.objects.filter(event_type=AuditEventType.COUNTY_TARGETS_SET).exists()
