from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from luohu.common.errors import FieldError
from luohu.registry.household_selectors import person_get
from luohu.registry.households import person_create, residence_record, settlement_register
from luohu.registry.models import HukouReasonOut, RelationToHead
from luohu.registry.snapshot import (
    REGISTRY_SNAPSHOT_SCHEMA,
    SNAPSHOT_PLACE_UNRESOLVED,
    add_months,
    is_resident,
    registry_snapshot,
)
from luohu.registry.tests.helpers import assert_field_error
from luohu.registry.tests.household_factories import (
    DAOKOU_SUBDISTRICT,
    HEAD,
    HEJIAN_TOWN,
    KAIYUAN_SUBDISTRICT,
    PARENT,
    SHUIYE_TOWN_NEW,
    SHUIYE_TOWN_OLD,
    SPOUSE,
    WANGZHUANG_TOWN,
    ZAOCUN_TOWNSHIP,
    as_head,
    move,
    register,
)

D = dt.date


def rows_by_person(table: pa.Table) -> dict[int, dict[str, Any]]:
    return {row.pop("person_id"): row for row in table.to_pylist()}


def person_id(citizen_id: str) -> int:
    return person_get(citizen_id).pk


def live(citizen_id: str, division_code: str, since: dt.date, **kwargs: Any) -> None:
    residence_record(
        acting_user=None,
        citizen_id=citizen_id,
        division_code=division_code,
        valid_from=since,
        **kwargs,
    )


class TestSixMonthRule:
    CASES = [
        # (since, on, resident, reason)
        (D(2020, 5, 1), D(2020, 10, 31), False, "one day short of six months"),
        (D(2020, 5, 1), D(2020, 11, 1), True, "six months exactly: 以上 includes it"),
        (D(2020, 8, 31), D(2021, 2, 27), False, "month end: the day before 02-28"),
        (D(2020, 8, 31), D(2021, 2, 28), True, "month end clamps to 02-28"),
        (D(2019, 12, 15), D(2020, 6, 15), True, "across a year end"),
    ]

    def test_boundaries(self) -> None:
        """Six calendar months from the first day counts; one day less does not."""
        for since, on, expected, reason in self.CASES:
            assert is_resident(since, on) is expected, reason

    def test_add_months(self) -> None:
        assert add_months(D(2020, 1, 31), 1) == D(2020, 2, 29)
        assert add_months(D(2020, 11, 30), 6) == D(2021, 5, 30)
        assert add_months(D(2020, 7, 1), 6) == D(2021, 1, 1)


class TestRegistrySnapshot:
    def test_rows_and_flags_on_hand_built_data(self, divisions: None) -> None:
        """One row per person with a hukou or a residence on the date, with the flags.

        Hukou only: residence columns null. Living elsewhere since 2020-05-01:
        not resident on 2020-10-31, resident on 2020-11-01. Hukou outside
        Anyang: hukou columns null. Born after the date, or gone before it: no row.
        """
        head = register(HEAD, division_code=DAOKOU_SUBDISTRICT)
        register(SPOUSE, division_code=DAOKOU_SUBDISTRICT, household=head.household)
        live(SPOUSE.citizen_id, KAIYUAN_SUBDISTRICT, D(2020, 5, 1))
        outsider = move(D(1995, 5, 5), 81, "陈外来", RelationToHead.HEAD, county="370102")
        person_create(
            acting_user=None,
            citizen_id=outsider.citizen_id,
            name=outsider.name,
            sex=outsider.sex,
            birth_date=outsider.birth_date,
        )
        live(outsider.citizen_id, WANGZHUANG_TOWN, D(2020, 1, 1), is_urban=True)
        late_born = move(D(2020, 11, 2), 33, "张新生", RelationToHead.CHILD)
        register(
            late_born,
            division_code=DAOKOU_SUBDISTRICT,
            household=head.household,
            on=D(2020, 11, 2),
        )
        gone = register(as_head(PARENT), division_code=ZAOCUN_TOWNSHIP)
        # No service records deaths yet; the row is closed by hand.
        gone.valid_to, gone.reason_out = D(2018, 1, 1), HukouReasonOut.DIED
        gone.save()

        spouse_before = {
            "sex": "female",
            "birth_year": 1987,
            "hukou_in_city": True,
            "household_id": head.household_id,
            "hukou_township_code": DAOKOU_SUBDISTRICT,
            "hukou_county_code": "410526",
            "hukou_urban": True,
            "residence_township_code": KAIYUAN_SUBDISTRICT,
            "residence_county_code": "410581",
            "residence_urban": True,
            "resident_6_months": False,
        }
        head_row = {
            **spouse_before,
            "sex": "male",
            "birth_year": 1985,
            "residence_township_code": None,
            "residence_county_code": None,
            "residence_urban": None,
            "resident_6_months": None,
        }
        outsider_row = {
            "sex": "male",
            "birth_year": 1995,
            "hukou_in_city": False,
            "household_id": None,
            "hukou_township_code": None,
            "hukou_county_code": None,
            "hukou_urban": None,
            "residence_township_code": WANGZHUANG_TOWN,
            "residence_county_code": "410526",
            "residence_urban": True,
            "resident_6_months": True,
        }
        before = registry_snapshot(D(2020, 10, 31))
        after = registry_snapshot(D(2020, 11, 1))

        assert before.schema.equals(REGISTRY_SNAPSHOT_SCHEMA)
        assert before.schema.metadata == {b"luohu.snapshot_on": b"2020-10-31"}
        assert rows_by_person(before) == {
            head.person_id: head_row,
            person_id(SPOUSE.citizen_id): spouse_before,
            person_id(outsider.citizen_id): outsider_row,
        }
        assert rows_by_person(after)[person_id(SPOUSE.citizen_id)] == {
            **spouse_before,
            "resident_6_months": True,
        }
        assert after.num_rows == 3

    def test_no_personal_data_in_the_table(self, divisions: None) -> None:
        """Neither citizen ids nor names nor birth dates reach the statistics."""
        register(HEAD, division_code=DAOKOU_SUBDISTRICT)
        live(HEAD.citizen_id, DAOKOU_SUBDISTRICT, D(2016, 1, 1))
        table = registry_snapshot(D(2020, 1, 1))
        values = {str(value) for row in table.to_pylist() for value in row.values()}
        assert HEAD.citizen_id not in values
        assert HEAD.name not in values
        assert str(HEAD.birth_date) not in values
        assert not {"citizen_id", "name", "birth_date"} & set(table.column_names)

    def test_a_stay_continues_across_records_at_the_same_place(self, divisions: None) -> None:
        """Moving from a town's village to its centre does not restart the six months."""
        register(HEAD, division_code=HEJIAN_TOWN, is_urban=False)
        live(HEAD.citizen_id, HEJIAN_TOWN, D(2020, 1, 1), is_urban=False)
        live(HEAD.citizen_id, HEJIAN_TOWN, D(2020, 6, 1), is_urban=True)
        row = registry_snapshot(D(2020, 7, 1)).to_pylist()[0]
        assert (row["residence_urban"], row["resident_6_months"]) == (True, True)

    def test_a_new_place_restarts_the_six_months(self, divisions: None) -> None:
        register(HEAD, division_code=HEJIAN_TOWN, is_urban=False)
        live(HEAD.citizen_id, HEJIAN_TOWN, D(2019, 1, 1), is_urban=False)
        live(HEAD.citizen_id, KAIYUAN_SUBDISTRICT, D(2020, 6, 1))
        row = registry_snapshot(D(2020, 7, 1)).to_pylist()[0]
        assert (row["residence_township_code"], row["resident_6_months"]) == (
            KAIYUAN_SUBDISTRICT,
            False,
        )

    def test_shuiye_counts_in_the_county_that_held_it(self, divisions: None) -> None:
        """水冶镇 moved from 安阳县 to 殷都区 on 2021-09-18: the snapshot follows the date."""
        register(HEAD, division_code=SHUIYE_TOWN_OLD, is_urban=True, on=D(2019, 1, 1))
        live(HEAD.citizen_id, SHUIYE_TOWN_OLD, D(2019, 1, 1), is_urban=True)
        cases = [
            (D(2021, 9, 17), SHUIYE_TOWN_OLD, "410522"),
            (D(2021, 9, 18), SHUIYE_TOWN_NEW, "410505"),
        ]
        for on, township, county in cases:
            row = registry_snapshot(on).to_pylist()[0]
            assert (
                row["hukou_township_code"],
                row["hukou_county_code"],
                row["residence_township_code"],
                row["residence_county_code"],
                row["resident_6_months"],
            ) == (township, county, township, county, True), on

    def test_settlement_moves_the_person_in_the_snapshot(self, divisions: None) -> None:
        """Before the settlement date the rural 林州 hukou counts; from it, the urban 滑县 one."""
        register(HEAD, division_code=HEJIAN_TOWN, is_urban=False)
        settlement_register(
            acting_user=None,
            case_ref="AY2019-0002",
            destination_division_code=DAOKOU_SUBDISTRICT,
            on=D(2019, 3, 1),
            moves=[HEAD],
        )
        rows = {
            on: rows_by_person(registry_snapshot(on))[person_id(HEAD.citizen_id)]
            for on in (D(2019, 2, 28), D(2019, 3, 1))
        }
        assert [
            (r["hukou_township_code"], r["hukou_county_code"], r["hukou_urban"])
            for r in rows.values()
        ] == [(HEJIAN_TOWN, "410581", False), (DAOKOU_SUBDISTRICT, "410526", True)]

    def test_a_place_abolished_before_the_date_stops_the_snapshot(self, divisions: None) -> None:
        """内黄县 城关镇 ended on 2022-01-01: a record left there is an error, not a guess."""
        chengguan = "410527100"
        register(HEAD, division_code=chengguan, is_urban=True, on=D(2019, 1, 1))
        with pytest.raises(FieldError) as excinfo:
            registry_snapshot(D(2022, 1, 1))
        assert_field_error(excinfo, f"division_code:{chengguan}", SNAPSHOT_PLACE_UNRESOLVED)
