from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luohu.common.errors import FieldError
from luohu.registry.models import Division, DivisionLevel
from luohu.registry.selectors import (
    DIVISION_CODE_FORMAT,
    DIVISION_CODE_NOT_IN_FORCE,
    DIVISION_CODE_UNKNOWN,
    DIVISION_NOT_COUNTY_LEVEL,
    DIVISION_NOT_IN_COUNTY,
    DIVISION_NOT_TOWNSHIP_LEVEL,
    DIVISION_SEAT_UNKNOWN,
    division_children,
    division_counties,
    division_counties_by_code,
    division_counts_by_level,
    division_county_on,
    division_get,
    division_kind,
    division_list,
    division_urban_class,
    division_validate_code,
)
from luohu.registry.services import LoadResult
from luohu.registry.tests.helpers import assert_field_error

D = dt.date


class TestDivisionCountyOn:
    # (code asked, date, expected county code, reason)
    CASES = [
        ("410503100", D(2015, 6, 30), "410522", "柏庄镇 before the move: 安阳县"),
        ("410503100", D(2016, 12, 31), "410522", "柏庄镇 last day under 安阳县"),
        ("410503100", D(2017, 1, 1), "410503", "柏庄镇 first day under 北关区"),
        ("410503100", D(2019, 1, 1), "410503", "柏庄镇 after the move: 北关区"),
        ("410506103", D(2016, 12, 31), "410522", "善应镇 last day under 安阳县"),
        ("410506103", D(2017, 1, 1), "410506", "善应镇 first day under 龙安区"),
        ("410506205", D(2016, 12, 31), "410522", "马家乡 last day under 安阳县"),
        ("410506205", D(2017, 1, 1), "410506", "马家乡 first day under 龙安区"),
        ("410505101", D(2021, 9, 17), "410522", "水冶镇 by its new code, day before the move"),
        ("410505101", D(2021, 9, 18), "410505", "水冶镇 by its new code, day of the move"),
        ("410522101", D(2021, 9, 17), "410522", "水冶镇 by its old code, day before the move"),
        ("410522101", D(2021, 9, 18), "410505", "水冶镇 by its old code, day of the move"),
        ("410505100", D(2021, 9, 17), "410522", "曲沟镇 day before the move"),
        ("410505100", D(2021, 9, 18), "410505", "曲沟镇 day of the move"),
        ("410522107", D(2015, 6, 30), "410522", "曲沟镇 in 2015"),
        ("410526001", D(2019, 1, 1), "410526", "道口镇街道 never moved"),
        ("410526", D(2019, 1, 1), "410526", "a county is its own county"),
    ]

    def test_answers_on_both_sides_of_each_move(self, reference_divisions: LoadResult) -> None:
        """Each township answers with the county that held it on the day asked."""
        for code, on, expected, reason in self.CASES:
            assert division_county_on(code, on).code == expected, reason

    def test_place_not_yet_created(self, reference_divisions: LoadResult) -> None:
        """繁阳街道 did not exist in 2020: its code is not in force."""
        with pytest.raises(FieldError) as excinfo:
            division_county_on("410527001", D(2020, 1, 1))
        assert_field_error(excinfo, "division_code", DIVISION_CODE_NOT_IN_FORCE)

    def test_unknown_code(self, reference_divisions: LoadResult) -> None:
        with pytest.raises(FieldError) as excinfo:
            division_county_on("410599001", D(2020, 1, 1))
        assert_field_error(excinfo, "division_code", DIVISION_CODE_UNKNOWN)

    def test_city_is_in_no_county(self, reference_divisions: LoadResult) -> None:
        with pytest.raises(FieldError) as excinfo:
            division_county_on("410500", D(2020, 1, 1))
        assert_field_error(excinfo, "division_code", DIVISION_NOT_IN_COUNTY)


class TestDivisionGet:
    def test_returns_version_in_force(self, reference_divisions: LoadResult) -> None:
        """水冶镇's old code answers until the day before the move."""
        division = division_get("410522101", D(2021, 9, 17))
        assert (division.name, division.parent_code) == ("水冶镇", "410522")

    def test_expired_code_is_not_in_force(self, reference_divisions: LoadResult) -> None:
        """水冶镇's old code is refused from the day of the move, with a reason distinct from unknown."""
        with pytest.raises(FieldError) as excinfo:
            division_get("410522101", D(2021, 9, 18))
        assert_field_error(excinfo, "division_code", DIVISION_CODE_NOT_IN_FORCE)
        assert str(excinfo.value) == (
            "division_code: 该区划代码在所给日期不在使用中 / "
            "this division code exists but was not in force on the given date"
        )

    def test_future_code_is_not_in_force(self, reference_divisions: LoadResult) -> None:
        """水冶镇's new code is refused the day before the move."""
        with pytest.raises(FieldError) as excinfo:
            division_get("410505101", D(2021, 9, 17))
        assert_field_error(excinfo, "division_code", DIVISION_CODE_NOT_IN_FORCE)

    def test_unknown_code(self, reference_divisions: LoadResult) -> None:
        with pytest.raises(FieldError) as excinfo:
            division_get("999999", D(2021, 9, 17))
        assert_field_error(excinfo, "division_code", DIVISION_CODE_UNKNOWN)
        assert str(excinfo.value) == (
            "division_code: 参考区划中没有这个代码 / this code is not in the reference divisions"
        )

    def test_malformed_code(self, reference_divisions: LoadResult) -> None:
        for code in ["", "41052", "4105221010", "41052a", "４１０５２２", "410522\n"]:
            with pytest.raises(FieldError) as excinfo:
                division_get(code, D(2021, 9, 17))
            assert_field_error(excinfo, "division_code", DIVISION_CODE_FORMAT)

    def test_validate_code_names_the_field(self, reference_divisions: LoadResult) -> None:
        """division_validate_code reports the caller's field name."""
        assert division_validate_code("410526", D(2019, 1, 1), "residence_county").name == "滑县"
        with pytest.raises(FieldError) as excinfo:
            division_validate_code("410527100", D(2022, 1, 1), "residence_division")
        assert_field_error(excinfo, "residence_division", DIVISION_CODE_NOT_IN_FORCE)

    def test_nei_huang_reorganisation_boundary(self, reference_divisions: LoadResult) -> None:
        """内黄县 城关镇 and 张龙乡 are in force on 2021-12-31; 繁阳街道 and 龙庆街道 from 2022-01-01."""
        for code in ["410527100", "410527200"]:
            assert division_get(code, D(2021, 12, 31)).code == code
            with pytest.raises(FieldError):
                division_get(code, D(2022, 1, 1))
        for code in ["410527001", "410527002"]:
            assert division_get(code, D(2022, 1, 1)).code == code
            with pytest.raises(FieldError):
                division_get(code, D(2021, 12, 31))

    def test_empty_reference(self, db: Any) -> None:
        """Without loaded divisions every code is unknown."""
        with pytest.raises(FieldError) as excinfo:
            division_get("410526", D(2019, 1, 1))
        assert_field_error(excinfo, "division_code", DIVISION_CODE_UNKNOWN)


class TestDivisionKind:
    CASES = [
        (
            "410502001",
            D(2019, 1, 1),
            "city_district",
            "文峰区 东大街街道: subdistrict in a district",
        ),
        (
            "410502561",
            D(2019, 1, 1),
            "city_district",
            "文峰区 步行街综合治理办公室: other unit in a district",
        ),
        ("410571563", D(2023, 6, 30), "city_district", "高新区 subdistrict: development zone"),
        ("410581001", D(2023, 6, 30), "city_district", "林州 开元街道: county-level city"),
        (
            "410526001",
            D(2023, 6, 30),
            "county_seat_town",
            "滑县 道口镇街道: the seat, a subdistrict",
        ),
        ("410526002", D(2023, 6, 30), "county_seat_town", "滑县 城关街道: subdistrict in a county"),
        (
            "410527001",
            D(2023, 6, 30),
            "county_seat_town",
            "内黄县 繁阳街道: subdistrict in a county",
        ),
        ("410523100", D(2019, 1, 1), "county_seat_town", "汤阴县 城关镇: the seat town"),
        ("410527100", D(2021, 12, 31), "county_seat_town", "内黄县 城关镇 before the split"),
        ("410527101", D(2021, 12, 31), "established_town", "内黄县 东庄镇, seat elsewhere"),
        (
            "410527101",
            D(2022, 1, 1),
            "established_town",
            "内黄县 东庄镇 after 2022: seat unknown, county has subdistricts",
        ),
        (
            "410581101",
            D(2023, 6, 30),
            "established_town",
            "林州 合涧镇: seat unknown, city has subdistricts",
        ),
        ("410523101", D(2019, 1, 1), "established_town", "汤阴县 菜园镇"),
        ("410522102", D(2019, 1, 1), "established_town", "安阳县 铜冶镇"),
        ("410522101", D(2021, 9, 17), "established_town", "水冶镇 under 安阳县"),
        (
            "410505101",
            D(2021, 9, 18),
            "established_town",
            "水冶镇 under 殷都区: a town in a district",
        ),
        ("410502101", D(2019, 1, 1), "established_town", "文峰区 宝莲寺镇: a town in a district"),
        ("410523203", D(2019, 1, 1), "township", "汤阴县 瓦岗乡"),
        ("410505200", D(2019, 1, 1), "township", "殷都区 西郊乡: a township in a district"),
        ("410506205", D(2019, 1, 1), "township", "龙安区 马家乡"),
    ]

    def test_kinds(self, reference_divisions: LoadResult) -> None:
        for code, on, expected, reason in self.CASES:
            assert division_kind(code, on) == expected, reason

    def test_every_township_level_division_has_a_kind(
        self, reference_divisions: LoadResult
    ) -> None:
        """On both cut-off dates every coded township-level division gets one of the four kinds."""
        for on in [D(2018, 10, 31), D(2023, 6, 30)]:
            for division in division_list(on=on).filter(code__regex=r"^\d{9}$"):
                assert division.code is not None
                assert division_kind(division.code, on) in {
                    "city_district",
                    "county_seat_town",
                    "established_town",
                    "township",
                }

    def test_county_code_is_not_township_level(self, reference_divisions: LoadResult) -> None:
        for code in ["410526", "410500"]:
            with pytest.raises(FieldError) as excinfo:
                division_kind(code, D(2019, 1, 1))
            assert_field_error(excinfo, "division_code", DIVISION_NOT_TOWNSHIP_LEVEL)
            assert str(excinfo.value) == (
                "division_code: 不是乡级区划（街道、镇、乡） / "
                "not a township-level division (subdistrict, town or township)"
            )

    def test_seat_unknown_without_subdistricts_is_refused(
        self, reference_divisions: LoadResult
    ) -> None:
        """A town of unknown seat status in a county without subdistricts has no kind."""
        Division.objects.filter(code="410523101").update(is_county_seat=None)
        with pytest.raises(FieldError) as excinfo:
            division_kind("410523101", D(2019, 1, 1))
        assert_field_error(excinfo, "division_code", DIVISION_SEAT_UNKNOWN)

    def test_expired_code(self, reference_divisions: LoadResult) -> None:
        with pytest.raises(FieldError) as excinfo:
            division_kind("410522101", D(2021, 9, 18))
        assert_field_error(excinfo, "division_code", DIVISION_CODE_NOT_IN_FORCE)


class TestDivisionUrbanClass:
    CASES = [
        ("410502001", "urban", "subdistrict"),
        ("410502561", "urban", "other township-level unit in 文峰区"),
        ("410526001", "urban", "subdistrict in a county"),
        ("410523100", "mixed", "seat town"),
        ("410505101", "mixed", "town in a district"),
        ("410581101", "mixed", "town in a county-level city"),
        ("410523203", "rural", "township"),
        ("410505200", "rural", "township in a district"),
    ]

    def test_classes(self, reference_divisions: LoadResult) -> None:
        for code, expected, reason in self.CASES:
            assert division_urban_class(code, D(2023, 6, 30)) == expected, reason

    def test_county_code_is_refused(self, reference_divisions: LoadResult) -> None:
        with pytest.raises(FieldError) as excinfo:
            division_urban_class("410505", D(2023, 6, 30))
        assert_field_error(excinfo, "division_code", DIVISION_NOT_TOWNSHIP_LEVEL)


class TestDivisionLists:
    def test_counties(self, reference_divisions: LoadResult) -> None:
        """Anyang has the same ten county-level units on both cut-off dates."""
        expected = ["410502", "410503", "410505", "410506", "410522", "410523", "410526", "410527", "410571", "410581"]  # fmt: skip
        for on in [D(2015, 1, 1), D(2018, 10, 31), D(2023, 6, 30)]:
            assert [c.code for c in division_counties(on)] == expected
            assert list(division_counties_by_code(on)) == expected
        assert division_counties_by_code(D(2023, 6, 30))["410571"].level == (
            DivisionLevel.DEVELOPMENT_ZONE
        )

    def test_children_include_uncoded_versions(self, reference_divisions: LoadResult) -> None:
        """安阳县's children in 2016 include the three moved units, whose codes are unknown."""
        children = division_children("410522", D(2016, 6, 30))
        uncoded = sorted(d.name for d in children if d.code is None)
        assert uncoded == ["善应镇", "柏庄镇", "马家乡"]
        assert len(children) == 21

    def test_counts_refuse_a_township(self, reference_divisions: LoadResult) -> None:
        with pytest.raises(FieldError) as excinfo:
            division_counts_by_level("410526001", D(2023, 6, 30))
        assert_field_error(excinfo, "division_code", DIVISION_NOT_COUNTY_LEVEL)

    def test_hua_county_2023(self, reference_divisions: LoadResult) -> None:
        """滑县 on 2023-06-30: 3 街道, 14 镇, 6 乡 (the issue's example)."""
        assert division_counts_by_level("410526", D(2023, 6, 30)) == {
            "subdistrict": 3,
            "town": 14,
            "township": 6,
            "other_township_level": 0,
        }


@pytest.mark.parametrize("on", [dt.date(2019, 1, 1), dt.date(2024, 1, 1)])
def test_bulk_kinds_agree_with_one_by_one(reference_divisions: None, on: dt.date) -> None:
    """division_kinds gives, county by county, exactly what division_kind gives."""
    from luohu.registry.selectors import (
        division_children,
        division_counties,
        division_kind,
        division_kinds,
    )

    for county in division_counties(on):
        bulk = division_kinds(str(county.code), on)
        for child in division_children(str(county.code), on):
            if not child.code:
                continue
            try:
                one = division_kind(child.code, on)
            except FieldError:
                assert child.code not in bulk
                continue
            assert bulk[child.code] == one, (county.code, child.code)
