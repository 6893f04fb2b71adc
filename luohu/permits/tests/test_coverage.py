"""Coverage (AY2018-19:3.10) from a small hand-built registry, end to end.

Registry written through its services, permits through theirs (with the
clock moved to each act), then the year-end snapshot and the permits
extract go through the one DuckDB definition.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import time_machine
from polars.testing import assert_frame_equal

from luohu.accounts.tests.factories import all_personas
from luohu.analytics.coverage import permit_coverage
from luohu.common.citizen_id import make_citizen_id
from luohu.permits.extract import permits_extract
from luohu.permits.workflow import PermitAction
from luohu.registry.households import person_create, residence_record
from luohu.registry.snapshot import registry_snapshot

from .factories import D, act, holder, issued

pytestmark = pytest.mark.usefixtures("divisions")

DAOKOU = "410526001"  # 道口镇街道, 滑县: urban
ZAOCUN = "410526200"  # 枣村乡, 滑县: rural
KAIYUAN = "410581001"  # 开元街道, 林州: urban


def travel(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC), tick=False
    )


def person(sequence: int, name: str, **kwargs: object) -> str:
    citizen_id = make_citizen_id("410581", D(1990, 1, 1), sequence)
    holder(citizen_id=citizen_id, name=name, birth_date=D(1990, 1, 1), **kwargs)  # type: ignore[arg-type]
    return citizen_id


def test_coverage_at_year_end_counts_only_valid_permits_of_the_population() -> None:
    """滑县 3 to cover, 1 valid (a missed endorsement and a suspension do not count); 林州 1, 0."""
    clerk = all_personas()["clerk_li_huaxian"]
    # A: lives in 滑县 (urban), permit issued 2024-03-11: valid on 2024-12-31.
    a = person(11, "甲一", living_since=D(2023, 6, 1))
    # B: permit issued 2023-03-01, anniversary 2024-03-01 missed: lapsed at year-end.
    b = person(13, "乙二", living_since=D(2022, 1, 1))
    # G: permit issued 2024-02-01, suspended 2024-06-01.
    g = person(15, "庚三", living_since=D(2023, 1, 1))
    # C: hukou in 滑县 too (same county): not unsettled, not counted.
    person(17, "丙四", hukou_code=DAOKOU, living_since=D(2020, 1, 1))
    # E: lives in a rural township of 滑县: not an urban resident.
    person(19, "戊五", residence_code=ZAOCUN, living_since=D(2020, 1, 1))
    # F: in 滑县 since 2024-09-01, under six months at the year-end.
    person(21, "己六", living_since=D(2024, 9, 1))
    # D: no Anyang hukou, lives in 林州 (urban) since 2024-01-01, no permit.
    outsider = make_citizen_id("110105", D(1991, 2, 2), 23)
    person_create(
        acting_user=None, citizen_id=outsider, name="丁七", sex="male", birth_date=D(1991, 2, 2)
    )
    residence_record(
        acting_user=None, citizen_id=outsider, division_code=KAIYUAN, valid_from=D(2024, 1, 1)
    )

    with travel(D(2023, 3, 1)):
        issued(clerk, citizen_id=b, name="乙二")
    with travel(D(2024, 2, 1)):
        suspended = issued(clerk, citizen_id=g, name="庚三")
    with travel(D(2024, 3, 11)):
        issued(clerk, citizen_id=a, name="甲一")
    with travel(D(2024, 6, 1)):
        act(clerk, suspended, PermitAction.SUSPEND, note="核查")

    result = permit_coverage(registry_snapshot(D(2024, 12, 31)), permits_extract(), year=2024)
    expected = pl.DataFrame(
        {
            "year": [2024, 2024, 2024],
            "division_code": ["410526", "410581", "410500"],
            "unsettled_urban_residents": [3, 1, 4],
            "permit_holders": [1, 0, 1],
            "coverage_rate": [33.33, 0.0, 25.0],
        },
        schema_overrides={"year": pl.Int32},
    )
    assert_frame_equal(result, expected)

    # A year earlier B's first year still ran and A, G had no permit yet.
    early = permit_coverage(registry_snapshot(D(2023, 12, 31)), permits_extract(), year=2023)
    assert early.filter(pl.col("division_code") == "410526").row(0, named=True) == {
        "year": 2023,
        "division_code": "410526",
        "unsettled_urban_residents": 3,
        "permit_holders": 1,
        "coverage_rate": 33.33,
    }


def test_a_late_endorsement_before_the_year_end_makes_the_permit_count_again() -> None:
    clerk = all_personas()["clerk_li_huaxian"]
    b = person(13, "乙二", living_since=D(2022, 1, 1))
    with travel(D(2023, 3, 1)):
        permit = issued(clerk, citizen_id=b, name="乙二")
    snapshot = registry_snapshot(D(2024, 12, 31))
    before = permit_coverage(snapshot, permits_extract(), year=2024)
    assert before["permit_holders"].to_list() == [0, 0]
    with travel(D(2024, 12, 31)):
        act(clerk, permit, PermitAction.ENDORSE)
    after = permit_coverage(snapshot, permits_extract(), year=2024)
    assert after["permit_holders"].to_list() == [1, 1]
    assert after["coverage_rate"].to_list() == [100.0, 100.0]


def test_the_command_prints_the_same_figures_as_csv() -> None:
    import io

    from django.core.management import call_command

    clerk = all_personas()["clerk_li_huaxian"]
    a = person(11, "甲一", living_since=D(2023, 6, 1))
    with travel(D(2024, 3, 11)):
        issued(clerk, citizen_id=a, name="甲一")
    out = io.StringIO()
    call_command("permit_coverage", "2024", stdout=out)
    assert out.getvalue().splitlines() == [
        "year,division_code,unsettled_urban_residents,permit_holders,coverage_rate",
        "2024,410526,1,1,100.0",
        "2024,410500,1,1,100.0",
    ]
