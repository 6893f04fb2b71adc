"""`luohu indicators`: a small registry built through the services, the command's output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from luohu.accounts.tests.factories import persona
from luohu.analytics.indicators import CITY_CODE, SETTLEMENT_REASONS_IN
from luohu.analytics.population import generate_population
from luohu.monitoring.extract import registry_transfers_table
from luohu.monitoring.management.commands.indicators import (
    SHEET_DEFINITIONS,
    SHEET_INDICATORS,
)
from luohu.registry.households import (
    SETTLEMENT_REASONS,
    person_create,
    person_register,
    residence_record,
    settlement_register,
)
from luohu.registry.models import HukouReasonIn, RelationToHead
from luohu.registry.tests.household_factories import (
    DAOKOU_SUBDISTRICT,
    ZAOCUN_TOWNSHIP,
    citizen_id,
    move,
)

D = dt.date
HUAXIAN = "410526"

# The 2020 census city resident urbanisation rate and the bound the
# population tests use (luohu/analytics/tests/test_population.py).
CENSUS_CITY_RATE_2020 = 53.04
RATE_TOLERANCE = 0.1


def huaxian_registry() -> None:
    """Four people in 滑县 on 2020-12-31, and one settlement on each side of New Year.

    * 甲: urban hukou at 道口镇街道, living there since 2016 (urban resident).
    * 乙: rural hukou at 枣村乡, living there since 2016 (rural resident); settles
      in 道口镇街道 on 2021-01-01, so not a 2020 transfer.
    * 丙: rural hukou at 枣村乡, living in 道口镇街道 since 2020-09-01: under six
      months on 2020-12-31, so not a resident.
    * 丁: from outside Anyang, living in 道口镇街道 since 2019, settles there on
      2020-12-31: urban hukou and a 2020 transfer.
    """
    clerk = persona("clerk_li_huaxian")
    people = {
        "甲": (D(1980, 1, 1), 11, DAOKOU_SUBDISTRICT),
        "乙": (D(1981, 2, 2), 13, ZAOCUN_TOWNSHIP),
        "丙": (D(1982, 3, 3), 15, ZAOCUN_TOWNSHIP),
    }
    for name, (birth, sequence, place) in people.items():
        person_register(
            acting_user=clerk,
            citizen_id=citizen_id(birth, sequence),
            name=name,
            sex="male",
            birth_date=birth,
            division_code=place,
            relation_to_head=RelationToHead.HEAD,
            on=D(2016, 1, 1),
            reason_in=HukouReasonIn.INITIAL_LOAD,
        )
    for name, since, place in (
        ("甲", D(2016, 1, 1), DAOKOU_SUBDISTRICT),
        ("乙", D(2016, 1, 1), ZAOCUN_TOWNSHIP),
        ("丙", D(2020, 9, 1), DAOKOU_SUBDISTRICT),
    ):
        birth, sequence, _ = people[name]
        residence_record(
            acting_user=clerk,
            citizen_id=citizen_id(birth, sequence),
            division_code=place,
            valid_from=since,
        )
    ding = move(D(1990, 4, 4), 17, "丁", RelationToHead.HEAD, county="410102", is_head=True)
    person_create(
        acting_user=clerk,
        citizen_id=ding.citizen_id,
        name=ding.name,
        sex=ding.sex,
        birth_date=ding.birth_date,
    )
    residence_record(
        acting_user=clerk,
        citizen_id=ding.citizen_id,
        division_code=DAOKOU_SUBDISTRICT,
        valid_from=D(2019, 1, 1),
    )
    settlement_register(
        acting_user=clerk,
        case_ref="IND-2020-1",
        destination_division_code=DAOKOU_SUBDISTRICT,
        on=D(2020, 12, 31),
        moves=[ding],
    )
    yi_birth, yi_sequence, _ = people["乙"]
    yi = move(yi_birth, yi_sequence, "乙", RelationToHead.HEAD, county=HUAXIAN, is_head=True)
    settlement_register(
        acting_user=clerk,
        case_ref="IND-2021-1",
        destination_division_code=DAOKOU_SUBDISTRICT,
        on=D(2021, 1, 1),
        moves=[yi],
    )


# 滑县 2020: residents 甲 乙 丁 = 3, urban 甲 丁 = 2 (66.67 %); hukou 甲 乙 丙 丁 = 4,
# urban 甲 丁 = 2 (50 %); gap 2/3 - 1/2 = 16.67 points; one transfer (丁).
EXPECTED_2020 = {
    "year": 2020,
    "residents": 3,
    "urban_residents": 2,
    "resident_urbanization_rate": 66.67,
    "hukou_population": 4,
    "urban_hukou_population": 2,
    "hukou_urbanization_rate": 50.0,
    "gap_points": 16.67,
    "hukou_transfers": 1,
}


def run_json(*args: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    call_command("indicators", *args)
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_registry_json_is_exact(divisions: None, capsys: pytest.CaptureFixture[str]) -> None:
    """The county row and the city row hold the hand-counted figures."""
    huaxian_registry()
    result = run_json("--year", "2020", capsys=capsys)
    assert result["transfers_available"] is True
    assert result["rows"] == [
        {**EXPECTED_2020, "division_code": HUAXIAN},
        {**EXPECTED_2020, "division_code": CITY_CODE},
    ]


def test_registry_next_year_counts_the_new_year_settlement(
    divisions: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """On 2021-12-31 乙 has an urban hukou and is the year's one transfer; 丙 is resident."""
    huaxian_registry()
    county = run_json("--year", "2021", capsys=capsys)["rows"][0]
    assert county == {
        "year": 2021,
        "division_code": HUAXIAN,
        "residents": 4,
        "urban_residents": 3,
        "resident_urbanization_rate": 75.0,
        "hukou_population": 4,
        "urban_hukou_population": 3,
        "hukou_urbanization_rate": 75.0,
        "gap_points": 0.0,
        "hukou_transfers": 1,
    }


def test_xlsx_holds_the_same_numbers(divisions: None, tmp_path: Path) -> None:
    huaxian_registry()
    out = tmp_path / "indicators.xlsx"
    call_command("indicators", "--year", "2020", "--format", "xlsx", "--out", str(out))
    book = load_workbook(out)
    assert book.sheetnames == [SHEET_INDICATORS, SHEET_DEFINITIONS]
    rows = list(book[SHEET_INDICATORS].iter_rows(values_only=True))
    assert "常住人口城镇化率 Resident urbanisation rate (%)" in rows[0]
    as_dicts = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["区划代码 Division code"] for r in as_dicts] == [HUAXIAN, CITY_CODE]
    county = as_dicts[0]
    assert county["常住人口 Residents"] == 3
    assert county["常住人口城镇化率 Resident urbanisation rate (%)"] == 66.67
    assert county["户籍人口城镇化率 Hukou urbanisation rate (%)"] == 50.0
    assert county["两率差距 Gap (percentage points)"] == 16.67
    assert county["转户人数 Hukou transfers"] == 1
    definitions = [row[0] for row in book[SHEET_DEFINITIONS].iter_rows(values_only=True)]
    assert "hukou_urbanization_rate" in definitions


def test_transfers_extract_reads_settlement_records_of_the_year(divisions: None) -> None:
    huaxian_registry()
    table = registry_transfers_table(2020)
    assert table.to_pylist() == [
        {"county_code": HUAXIAN, "valid_from": D(2020, 12, 31), "reason_in": "settlement"}
    ]


def test_settlement_reasons_match_the_registry() -> None:
    """The pure module's copy of the settlement reasons equals the registry's."""
    assert SETTLEMENT_REASONS_IN == tuple(sorted(SETTLEMENT_REASONS))


@pytest.mark.parametrize("year", ["2014", "abc", "2999"])
def test_bad_year_names_the_option(year: str) -> None:
    with pytest.raises(CommandError, match="--year must be a year from 2015"):
        call_command("indicators", "--year", year)


def test_missing_population_file_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--source: no snapshot file"):
        call_command("indicators", "--year", "2020", "--source", str(tmp_path))


def test_empty_registry_names_the_option(divisions: None) -> None:
    with pytest.raises(CommandError, match="--source: the snapshot has no rows for 2020"):
        call_command("indicators", "--year", "2020")


def test_xlsx_needs_out() -> None:
    with pytest.raises(CommandError, match="--format xlsx needs an --out file"):
        call_command("indicators", "--year", "2020", "--format", "xlsx")


def test_synthetic_population_matches_the_census_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At scale 0.001 the city resident rate is the census 53.04 % within 0.1 point."""
    generate_population(0.001, tmp_path, seed=1, years=[2020], progress=False)
    result = run_json("--year", "2020", "--source", str(tmp_path), capsys=capsys)
    assert result["transfers_available"] is False
    city = result["rows"][-1]
    assert city["division_code"] == CITY_CODE
    assert city["resident_urbanization_rate"] == pytest.approx(
        CENSUS_CITY_RATE_2020, abs=RATE_TOLERANCE
    )
    assert city["hukou_transfers"] is None
    assert len(result["rows"]) == 11  # ten county-level units and the city


@pytest.mark.django_db
def test_save_keeps_the_figures_the_dashboards_read(
    divisions: Any, population_dir: Path, capsys: Any
) -> None:
    """`--save` (used by `make demo`) keeps the year's figures, the same numbers as the json."""
    from luohu.monitoring.models import IndicatorFigures

    call_command("indicators", year="2020", source=str(population_dir))
    printed = {row["division_code"]: row for row in json.loads(capsys.readouterr().out)["rows"]}
    call_command("indicators", year="2020", source=str(population_dir), save=True)
    assert "saved" in capsys.readouterr().out
    kept = {f.division_code: f for f in IndicatorFigures.objects.filter(year=2020)}
    assert set(kept) == set(printed)
    for code, row in printed.items():
        assert kept[code].residents == row["residents"]
        assert kept[code].hukou_population == row["hukou_population"]
