"""登记快照 The registry on one date, as an Arrow table for the indicators.

This is the extract step of the statistics pipeline (STYLE.md §9): ORM reads
in, one Arrow row per person out, no aggregation. Indicators (DuckDB, issue
5) read the table; transforms never query the database.

The table carries no personal data: the person's database id, sex, birth
year and places, nothing that names or identifies someone outside the
platform. Places are given as they stood on the snapshot date, so a
township moved between counties (水冶镇, 2021-09-18) counts in the county
that held it on that date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

from luohu.common.errors import FieldError, FieldProblem
from luohu.registry.household_selectors import valid_on
from luohu.registry.models import Division, HukouRecord, Person, ResidenceRecord
from luohu.registry.selectors import division_county_on, division_place_on

# 常住人口 counts people living in a place six months or more: the NBS and
# census definition the plan's indicators use (AY2018-19:1.3, 4.1; glossary
# resident_population). A statistical definition, not a policy parameter.
RESIDENT_MIN_MONTHS = 6

SNAPSHOT_PLACE_UNRESOLVED = (
    "snapshot_place_unresolved",
    "登记记录的区划在快照日期不在使用中，须先调整登记",
    "a record's division is not in force on the snapshot date; the registry must be updated first",
)

REGISTRY_SNAPSHOT_SCHEMA = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("sex", pa.string(), nullable=False),
        pa.field("birth_year", pa.int16(), nullable=False),
        pa.field("hukou_in_city", pa.bool_(), nullable=False),
        # Null when the person has no hukou in Anyang on the date.
        pa.field("household_id", pa.int64()),
        pa.field("hukou_township_code", pa.string()),
        pa.field("hukou_county_code", pa.string()),
        pa.field("hukou_urban", pa.bool_()),
        # Null when no residence is recorded on the date.
        pa.field("residence_township_code", pa.string()),
        pa.field("residence_county_code", pa.string()),
        pa.field("residence_urban", pa.bool_()),
        pa.field("resident_6_months", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class SnapshotRow:
    person_id: int
    sex: str
    birth_year: int
    household_id: int | None
    hukou_township_code: str | None
    hukou_county_code: str | None
    hukou_urban: bool | None
    residence_township_code: str | None
    residence_county_code: str | None
    residence_urban: bool | None
    resident_6_months: bool | None


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` plus whole calendar months, clamped to the month's end.

    2020-08-31 plus 6 months is 2021-02-28.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_resident(since: dt.date, on: dt.date) -> bool:
    """Whether someone living at a place since ``since`` has lived there 6 months on ``on``.

    Reading: 半年以上 includes six months exactly (以上 includes the number).
    The snapshot is taken at the start of ``on``, as the census takes its
    count at 0:00 of 1 November, so a person who arrived on 2020-05-01 is
    resident on 2020-11-01 and not on 2020-10-31.
    """
    return add_months(since, RESIDENT_MIN_MONTHS) <= on


class _Places:
    """Township code and county of a recorded code on the snapshot date, cached."""

    def __init__(self, on: dt.date) -> None:
        self.on = on
        self._resolved: dict[str, tuple[str, str]] = {}

    def resolve(self, code: str) -> tuple[str, str]:
        """Return the township code and the county code of the place on the date."""
        if code not in self._resolved:
            try:
                place = division_place_on(code, self.on)
                county = division_county_on(code, self.on)
            except FieldError as exc:
                raise FieldError(
                    FieldProblem(f"division_code:{code}", *SNAPSHOT_PLACE_UNRESOLVED)
                ) from exc
            self._resolved[code] = (str(place.code), str(county.code))
        return self._resolved[code]


def _lineages() -> dict[str, str]:
    """The lineage of each recorded division code, for places of past records."""
    return {
        str(code): lineage
        for code, lineage in Division.objects.filter(code__isnull=False).values_list(
            "code", "lineage"
        )
    }


def _residence_since(
    records: list[tuple[str, dt.date, dt.date | None]], lineages: dict[str, str]
) -> dt.date:
    """Start of the unbroken stay at the place of the last record.

    ``records`` are one person's residence records up to the date, oldest
    first; adjacent periods at the same place (across a code change, or a
    change of urban flag inside a town) count as one stay.
    """
    code, since, _end = records[-1]
    place = lineages.get(code, code)
    for earlier_code, earlier_from, earlier_to in reversed(records[:-1]):
        if earlier_to != since or lineages.get(earlier_code, earlier_code) != place:
            break
        since = earlier_from
    return since


def registry_snapshot_rows(on: dt.date) -> list[SnapshotRow]:
    """Read one row per person with a hukou or a residence in Anyang on ``on``."""
    hukou: dict[int, tuple[int, str, bool]] = {
        person_id: (household_id, code, is_urban)
        for person_id, household_id, code, is_urban in HukouRecord.objects.filter(
            valid_on(on)
        ).values_list("person_id", "household_id", "division_code", "is_urban")
    }
    history: dict[int, list[tuple[str, dt.date, dt.date | None]]] = {}
    current_residence: dict[int, bool] = {}
    for person_id, code, is_urban, valid_from, valid_to in (
        ResidenceRecord.objects.filter(valid_from__lte=on)
        .order_by("person_id", "valid_from")
        .values_list("person_id", "division_code", "is_urban", "valid_from", "valid_to")
    ):
        # Records that ended before the date only matter as the start of an
        # unbroken stay; the last one must cover the date.
        history.setdefault(person_id, []).append((code, valid_from, valid_to))
        if valid_to is None or on < valid_to:
            current_residence[person_id] = is_urban
    wanted = hukou.keys() | current_residence.keys()

    places = _Places(on)
    lineages = _lineages()
    rows: list[SnapshotRow] = []
    for person_id, sex, birth_date in (
        Person.objects.filter(birth_date__lte=on)
        .order_by("pk")
        .values_list("pk", "sex", "birth_date")
        .iterator(chunk_size=10_000)
    ):
        if person_id not in wanted:
            continue
        household_id = hukou_code = hukou_county = hukou_urban = None
        if person_id in hukou:
            household_id, code, hukou_urban = hukou[person_id]
            hukou_code, hukou_county = places.resolve(code)
        residence_code = residence_county = residence_urban = resident = None
        if person_id in current_residence:
            records = history[person_id]
            residence_code, residence_county = places.resolve(records[-1][0])
            residence_urban = current_residence[person_id]
            resident = is_resident(_residence_since(records, lineages), on)
        rows.append(
            SnapshotRow(
                person_id=person_id,
                sex=sex,
                birth_year=birth_date.year,
                household_id=household_id,
                hukou_township_code=hukou_code,
                hukou_county_code=hukou_county,
                hukou_urban=hukou_urban,
                residence_township_code=residence_code,
                residence_county_code=residence_county,
                residence_urban=residence_urban,
                resident_6_months=resident,
            )
        )
    return rows


def registry_snapshot_table(rows: Iterable[SnapshotRow], *, on: dt.date) -> pa.Table:
    """Build the snapshot table from rows; the date travels in the schema metadata."""
    rows = list(rows)
    columns = {
        "person_id": [r.person_id for r in rows],
        "sex": [r.sex for r in rows],
        "birth_year": [r.birth_year for r in rows],
        "hukou_in_city": [r.hukou_township_code is not None for r in rows],
        "household_id": [r.household_id for r in rows],
        "hukou_township_code": [r.hukou_township_code for r in rows],
        "hukou_county_code": [r.hukou_county_code for r in rows],
        "hukou_urban": [r.hukou_urban for r in rows],
        "residence_township_code": [r.residence_township_code for r in rows],
        "residence_county_code": [r.residence_county_code for r in rows],
        "residence_urban": [r.residence_urban for r in rows],
        "resident_6_months": [r.resident_6_months for r in rows],
    }
    schema = REGISTRY_SNAPSHOT_SCHEMA.with_metadata({"luohu.snapshot_on": on.isoformat()})
    return pa.table(columns, schema=schema)


def registry_snapshot(on: dt.date) -> pa.Table:
    """Return the registry on ``on``: one row per person with a hukou or residence there."""
    return registry_snapshot_table(registry_snapshot_rows(on), on=on)
