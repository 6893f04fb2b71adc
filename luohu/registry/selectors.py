"""行政区划查询 Questions about divisions on a given date.

Every selector takes the date ``on``: a version answers for dates in
[valid_from, valid_to), so on the day of a change the new version holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum

from django.db.models import F, Q, QuerySet

from luohu.common.errors import FieldError, field_error
from luohu.registry.models import COUNTY_LEVELS, TOWNSHIP_LEVELS, Division, DivisionLevel

CITY_CODE = "410500"

DIVISION_CODE_FORMAT = (
    "division_code_format",
    "区划代码应为6位（县级）或9位（乡级）数字",
    "a division code must be 6 digits (county level) or 9 digits (township level)",
)
DIVISION_CODE_UNKNOWN = (
    "division_code_unknown",
    "参考区划中没有这个代码",
    "this code is not in the reference divisions",
)
DIVISION_CODE_NOT_IN_FORCE = (
    "division_code_not_in_force",
    "该区划代码在所给日期不在使用中",
    "this division code exists but was not in force on the given date",
)
DIVISION_NOT_TOWNSHIP_LEVEL = (
    "division_not_township_level",
    "不是乡级区划（街道、镇、乡）",
    "not a township-level division (subdistrict, town or township)",
)
DIVISION_NOT_COUNTY_LEVEL = (
    "division_not_county_level",
    "不是县级区划（区、县、县级市、开发区）",
    "not a county-level division (district, county, county-level city or development zone)",
)
DIVISION_NOT_IN_COUNTY = (
    "division_not_in_county",
    "市级区划不属于任何县级区划",
    "a prefecture-level division lies in no county-level division",
)
DIVISION_SEAT_UNKNOWN = (
    "division_seat_unknown",
    "参考数据未记载该镇是否为县政府驻地镇",
    "the reference does not record whether this town is the county seat",
)


class DivisionKind(StrEnum):
    """落户类别 Kind of a township-level division for settlement (AY2018-19:2.2, 2.3)."""

    CITY_DISTRICT = "city_district"
    COUNTY_SEAT_TOWN = "county_seat_town"
    ESTABLISHED_TOWN = "established_town"
    TOWNSHIP = "township"


class UrbanClass(StrEnum):
    """城乡属性 Urban or rural for statistics, at township level."""

    URBAN = "urban"
    # A town's centre is urban (NBS 121) and its villages rural (NBS 220):
    # the person's own urban or rural flag decides.
    MIXED = "mixed"
    RURAL = "rural"


# Levels under which a township-level unit has no county seat: their
# is_county_seat is "not applicable", not "unknown".
_NO_SEAT_LEVELS = frozenset({DivisionLevel.DISTRICT, DivisionLevel.DEVELOPMENT_ZONE})
_CITY_LEVELS = frozenset(
    {DivisionLevel.DISTRICT, DivisionLevel.DEVELOPMENT_ZONE, DivisionLevel.COUNTY_LEVEL_CITY}
)


def _in_force(on: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )


def division_list(*, on: dt.date, parent_code: str | None = None) -> QuerySet[Division]:
    """Return the divisions in force on ``on``, optionally under one parent.

    Versions whose code the reference does not record (before the 2016-17
    moves) are included, with ``code`` None.
    """
    divisions = Division.objects.filter(_in_force(on))
    if parent_code is not None:
        divisions = divisions.filter(parent_code=parent_code)
    # Versions without a recorded code sort last on every database.
    return divisions.order_by(F("code").asc(nulls_last=True), "lineage")


def division_validate_code(code: str, on: dt.date, field: str) -> Division:
    """Return the version of ``code`` in force on ``on``, or raise FieldError on ``field``."""
    if not (isinstance(code, str) and code.isascii() and code.isdigit() and len(code) in (6, 9)):
        raise field_error(field, DIVISION_CODE_FORMAT)
    division = Division.objects.filter(_in_force(on), code=code).first()
    if division is not None:
        return division
    if Division.objects.filter(code=code).exists():
        raise field_error(field, DIVISION_CODE_NOT_IN_FORCE)
    raise field_error(field, DIVISION_CODE_UNKNOWN)


def division_get(code: str, on: dt.date) -> Division:
    """Return the version of ``code`` in force on ``on``."""
    return division_validate_code(code, on, "division_code")


def division_history(code: str) -> list[Division]:
    """Return every version of the place that has, or had, ``code``, oldest first."""
    lineages = _lineages_of(code, "division_code")
    return list(
        Division.objects.filter(lineage__in=lineages).order_by(
            F("valid_from").asc(nulls_first=True), "lineage"
        )
    )


def _lineages_of(code: str, field: str) -> list[str]:
    if not (isinstance(code, str) and code.isascii() and code.isdigit() and len(code) in (6, 9)):
        raise field_error(field, DIVISION_CODE_FORMAT)
    lineages = sorted(set(Division.objects.filter(code=code).values_list("lineage", flat=True)))
    if not lineages:
        raise field_error(field, DIVISION_CODE_UNKNOWN)
    return lineages


def division_place_on(code: str, on: dt.date) -> Division:
    """Return the version in force on ``on`` of the place that has, or had, ``code``.

    Follows the place across code changes: 水冶镇 asked for by its 2023 code
    410505101 on 2021-09-17 is the 安阳县 version 410522101.
    """
    current = Division.objects.filter(_in_force(on), code=code).first()
    if current is not None:
        return current
    lineages = _lineages_of(code, "division_code")
    division = (
        Division.objects.filter(_in_force(on), lineage__in=lineages).order_by("lineage").first()
    )
    if division is None:
        raise field_error("division_code", DIVISION_CODE_NOT_IN_FORCE)
    return division


def division_county_on(code: str, on: dt.date) -> Division:
    """Return the county-level unit that contained the place with ``code`` on ``on``.

    A county-level code returns its own version.
    """
    division = division_place_on(code, on)
    if division.level in COUNTY_LEVELS:
        return division
    if division.level not in TOWNSHIP_LEVELS:
        raise field_error("division_code", DIVISION_NOT_IN_COUNTY)
    return division_validate_code(division.parent_code, on, "division_code")


def _township(code: str, on: dt.date) -> tuple[Division, Division]:
    division = division_get(code, on)
    if division.level not in TOWNSHIP_LEVELS:
        raise field_error("division_code", DIVISION_NOT_TOWNSHIP_LEVEL)
    return division, division_validate_code(division.parent_code, on, "division_code")


def division_kind(code: str, on: dt.date) -> str:
    """Return the settlement kind of a township-level division on ``on``.

    One of ``city_district``, ``county_seat_town``, ``established_town``,
    ``township``; the rule is set out in docs/divisions.md.
    """
    division, county = _township(code, on)
    return _kind(
        division,
        county,
        has_subdistricts=lambda: (
            division_list(on=on, parent_code=county.code)
            .filter(level=DivisionLevel.SUBDISTRICT)
            .exists()
        ),
    )


def division_kinds(county_code: str, on: dt.date) -> dict[str, str]:
    """Return the kind of every township-level division of a county, in two queries.

    The same rule as ``division_kind``; a division whose kind the reference
    cannot settle (a town whose seat status is unknown) is left out.
    """
    county = _county(county_code, on)
    children = [c for c in division_list(on=on, parent_code=county.code) if c.code]
    has_subdistricts = any(c.level == DivisionLevel.SUBDISTRICT for c in children)
    kinds: dict[str, str] = {}
    for child in children:
        if child.level not in TOWNSHIP_LEVELS:
            continue
        try:
            kinds[str(child.code)] = _kind(child, county, has_subdistricts=lambda: has_subdistricts)
        except FieldError:
            continue
    return kinds


def _kind(division: Division, county: Division, *, has_subdistricts: Callable[[], bool]) -> str:
    match division.level:
        case DivisionLevel.TOWN:
            if division.is_county_seat is True:
                return DivisionKind.COUNTY_SEAT_TOWN.value
            if division.is_county_seat is False or county.level in _NO_SEAT_LEVELS:
                return DivisionKind.ESTABLISHED_TOWN.value
            # Seat not recorded. Where the county has subdistricts the seat's
            # urban area is organised as subdistricts (滑县, 内黄县 after 2022),
            # so a town there is not the seat.
            if has_subdistricts():
                return DivisionKind.ESTABLISHED_TOWN.value
            raise field_error("division_code", DIVISION_SEAT_UNKNOWN)
        case DivisionLevel.TOWNSHIP:
            return DivisionKind.TOWNSHIP.value
        case _:
            # Subdistricts and other township-level units are urban areas: of
            # the city in a district, development zone or county-level city,
            # of the county seat in a county.
            if county.level in _CITY_LEVELS:
                return DivisionKind.CITY_DISTRICT.value
            return DivisionKind.COUNTY_SEAT_TOWN.value


def division_urban_class(code: str, on: dt.date) -> str:
    """Return ``urban``, ``mixed`` or ``rural`` for a township-level division on ``on``.

    Subdistricts and other township-level units: urban (NBS 111/112). Towns:
    mixed (centre 121/122 urban, villages 220 rural). Townships: rural.
    """
    division, _county = _township(code, on)
    match division.level:
        case DivisionLevel.TOWN:
            return UrbanClass.MIXED.value
        case DivisionLevel.TOWNSHIP:
            return UrbanClass.RURAL.value
        case _:
            return UrbanClass.URBAN.value


def _county(code: str, on: dt.date) -> Division:
    division = division_get(code, on)
    if division.level not in COUNTY_LEVELS:
        raise field_error("division_code", DIVISION_NOT_COUNTY_LEVEL)
    return division


def division_counts_by_level(county_code: str, on: dt.date) -> dict[str, int]:
    """Return the number of township-level divisions of each level in a county on ``on``."""
    county = _county(county_code, on)
    counts = dict.fromkeys(
        [
            DivisionLevel.SUBDISTRICT.value,
            DivisionLevel.TOWN.value,
            DivisionLevel.TOWNSHIP.value,
            DivisionLevel.OTHER_TOWNSHIP_LEVEL.value,
        ],
        0,
    )
    for division in division_list(on=on, parent_code=county.code):
        counts[division.level] += 1
    return counts


def division_counties(on: dt.date) -> list[Division]:
    """Return Anyang's county-level divisions in force on ``on``, by code."""
    return list(division_list(on=on, parent_code=CITY_CODE).filter(level__in=COUNTY_LEVELS))


def division_counties_by_code(on: dt.date) -> dict[str, Division]:
    """Return Anyang's county-level divisions in force on ``on``, keyed by code."""
    return {county.code: county for county in division_counties(on) if county.code}


def division_children(code: str, on: dt.date) -> list[Division]:
    """Return the divisions directly under ``code`` on ``on``, by code."""
    parent = division_get(code, on)
    return list(division_list(on=on, parent_code=parent.code))
