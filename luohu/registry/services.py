"""行政区划加载 Loading the reference divisions into versioned rows.

Two NBS vintages are snapshots; the hand-written change files date every
difference between them and the three 2016-17 moves that happened before
the first one. A difference the change files do not explain stops the load:
nothing is guessed and nothing is half-written.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction

from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.common.errors import field_error
from luohu.registry.models import Division, DivisionLevel

_T = TypeVar("_T")

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Vintage:
    label: str
    filename: str
    # The NBS cut-off date (截止日期) of the snapshot.
    as_of: dt.date


VINTAGES = (
    Vintage("2018", "divisions_2018.csv", dt.date(2018, 10, 31)),
    Vintage("2023", "divisions_2023.csv", dt.date(2023, 6, 30)),
)
BOUNDARY_CHANGES_FILE = "boundary_changes.csv"
DIVISION_CHANGES_FILE = "division_changes.csv"
PROVINCE_CODE = "410000"

DIVISION_COLUMNS = ("code", "name", "level", "parent_code", "is_town", "is_county_seat", "source")
BOUNDARY_COLUMNS = (
    "township_name",
    "lineage",
    "from_county_code",
    "from_county_name",
    "to_county_code",
    "to_county_name",
    "old_code",
    "new_code",
    "old_is_county_seat",
    "effective_date",
    "date_precision",
    "document",
    "source",
)
CHANGE_COLUMNS = (
    "code",
    "name",
    "county_code",
    "change",
    "effective_date",
    "date_precision",
    "document",
    "source",
)
CHANGE_KINDS = ("abolished", "established", "seat_status_changed")

LOAD_FILE_COLUMNS = (
    "divisions_file_columns",
    "文件列与约定不符",
    "the file's columns are not the expected ones",
)
LOAD_CODE_FORMAT = (
    "divisions_code_format",
    "区划代码应为6位或9位数字",
    "a division code must be 6 or 9 digits",
)
LOAD_DUPLICATE_CODE = (
    "divisions_duplicate_code",
    "区划代码重复",
    "the division code appears twice",
)
LOAD_LEVEL_UNKNOWN = (
    "divisions_level_unknown",
    "层级取值未定义",
    "the level is not one of the defined levels",
)
LOAD_FLAG_INVALID = (
    "divisions_flag_invalid",
    "取值应为 true、false、unknown 或 n/a",
    "the value must be true, false, unknown or n/a",
)
LOAD_PARENT_MISSING = (
    "divisions_parent_missing",
    "上级区划不在同一版本中",
    "the parent division is not in the same vintage",
)
LOAD_DATE_INVALID = ("divisions_date_invalid", "日期应为 YYYY-MM-DD", "the date must be YYYY-MM-DD")
LOAD_CHANGE_KIND = (
    "divisions_change_kind",
    "变更类型应为 abolished、established 或 seat_status_changed",
    "the change must be abolished, established or seat_status_changed",
)
LOAD_CHANGE_UNEXPLAINED = (
    "divisions_change_unexplained",
    "两个版本之间的差异没有记录在变更文件中",
    "a difference between the vintages is not dated by any row of the change files",
)
LOAD_CHANGE_UNUSED = (
    "divisions_change_unused",
    "变更记录与参考数据不符",
    "a change row does not match the reference data",
)
LOAD_CHANGE_DATE_OUTSIDE = (
    "divisions_change_date_outside",
    "变更日期不在两个版本的截止日期之间",
    "the effective date does not lie between the cut-off dates of the vintages it explains",
)
LOAD_LINEAGE_GAP = (
    "divisions_lineage_gap",
    "同一区划的各版本有重叠或间断",
    "the versions of one division overlap or leave a gap",
)


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    level: str
    parent_code: str
    is_town: bool
    is_county_seat: bool | None
    source: str

    def same_division(self, other: _Row) -> bool:
        return all(
            getattr(self, f.name) == getattr(other, f.name)
            for f in fields(self)
            if f.name != "source"
        )


@dataclass
class _Version:
    code: str | None
    name: str
    level: str
    parent_code: str
    lineage: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_town: bool
    is_county_seat: bool | None
    vintage: str
    source: str

    def as_fields(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class _Change:
    where: str
    effective_date: dt.date
    note: str
    document: str
    source: str
    used: bool = field(default=False)

    def describe(self) -> str:
        return (
            f"{self.document}, effective {self.effective_date.isoformat()} ({self.note}); "
            f"{self.source}"
        )


class _Once(dict[str, _T]):
    """A mapping that refuses a second value for the same code."""

    def put(self, code: str, value: _T, where: str) -> None:
        if code in self:
            raise field_error(f"{where}:code", LOAD_DUPLICATE_CODE)
        self[code] = value


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise field_error(f"{path.name}:1", LOAD_FILE_COLUMNS)
        return [(f"{path.name}:{reader.line_num}", row) for row in reader]


def _flag(value: str, where: str) -> bool | None:
    match value:
        case "true":
            return True
        case "false":
            return False
        case "unknown" | "n/a":
            # The level of the parent tells which: n/a under a district or
            # development zone, unknown under a county or county-level city.
            return None
    raise field_error(where, LOAD_FLAG_INVALID)


def _code(value: str, where: str, *, allow_blank: bool = False) -> str:
    if allow_blank and value == "":
        return value
    if not (value.isascii() and value.isdigit() and len(value) in (6, 9)):
        raise field_error(where, LOAD_CODE_FORMAT)
    return value


def _date(value: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise field_error(where, LOAD_DATE_INVALID) from exc


def _read_vintage(data_dir: Path, vintage: Vintage) -> dict[str, _Row]:
    rows: dict[str, _Row] = {}
    for where, raw in _read_csv(data_dir / vintage.filename, DIVISION_COLUMNS):
        code = _code(raw["code"], f"{where}:code")
        if code in rows:
            raise field_error(f"{where}:code", LOAD_DUPLICATE_CODE)
        if raw["level"] not in DivisionLevel.values:
            raise field_error(f"{where}:level", LOAD_LEVEL_UNKNOWN)
        is_town = _flag(raw["is_town"], f"{where}:is_town")
        if is_town is None:
            raise field_error(f"{where}:is_town", LOAD_FLAG_INVALID)
        rows[code] = _Row(
            code=code,
            name=raw["name"],
            level=raw["level"],
            parent_code=_code(raw["parent_code"], f"{where}:parent_code"),
            is_town=is_town,
            is_county_seat=_flag(raw["is_county_seat"], f"{where}:is_county_seat"),
            source=raw["source"],
        )
    for code, row in rows.items():
        if row.parent_code != PROVINCE_CODE and row.parent_code not in rows:
            raise field_error(f"{vintage.filename}:{code}:parent_code", LOAD_PARENT_MISSING)
    return rows


def _within(change: _Change, after: dt.date | None, until: dt.date) -> None:
    # A change explains a difference between two snapshots only if it falls
    # after the earlier cut-off and no later than the later one.
    if (after is not None and change.effective_date <= after) or change.effective_date > until:
        raise field_error(f"{change.where}:effective_date", LOAD_CHANGE_DATE_OUTSIDE)


def divisions_build(*, data_dir: Path = DATA_DIR) -> list[_Version]:
    """Read the reference files and return every version, without writing."""
    first, last = VINTAGES
    old = _read_vintage(data_dir, first)
    new = _read_vintage(data_dir, last)

    # Moves before the first vintage: the code in that vintage is the new one.
    earlier_moves: dict[str, tuple[_Change, dict[str, str]]] = {}
    # Changes between the vintages, keyed by the code whose version ends or starts.
    ends: _Once[_Change] = _Once()
    starts: _Once[tuple[_Change, str]] = _Once()
    for where, raw in _read_csv(data_dir / BOUNDARY_CHANGES_FILE, BOUNDARY_COLUMNS):
        change = _Change(
            where=where,
            effective_date=_date(raw["effective_date"], f"{where}:effective_date"),
            note=raw["date_precision"],
            document=raw["document"],
            source=raw["source"],
        )
        old_code = _code(raw["old_code"], f"{where}:old_code", allow_blank=True)
        new_code = _code(raw["new_code"], f"{where}:new_code")
        lineage = _code(raw["lineage"], f"{where}:lineage")
        moved = new.get(new_code) or old.get(new_code)
        if moved is None or moved.parent_code != raw["to_county_code"]:
            raise field_error(f"{where}:new_code", LOAD_CHANGE_UNUSED)
        if old_code == "":
            _within(change, None, first.as_of)
            if new_code not in old or lineage != new_code:
                raise field_error(f"{where}:new_code", LOAD_CHANGE_UNUSED)
            if new_code in earlier_moves:
                raise field_error(f"{where}:new_code", LOAD_DUPLICATE_CODE)
            earlier_moves[new_code] = (change, raw)
        else:
            _within(change, first.as_of, last.as_of)
            source_row = old.get(old_code)
            if (
                source_row is None
                or source_row.parent_code != raw["from_county_code"]
                or old_code in new
                or new_code in old
                or lineage != old_code
            ):
                raise field_error(f"{where}:old_code", LOAD_CHANGE_UNUSED)
            ends.put(old_code, change, where)
            starts.put(new_code, (change, lineage), where)

    for where, raw in _read_csv(data_dir / DIVISION_CHANGES_FILE, CHANGE_COLUMNS):
        change = _Change(
            where=where,
            effective_date=_date(raw["effective_date"], f"{where}:effective_date"),
            note=raw["date_precision"],
            document=raw["document"],
            source=raw["source"],
        )
        _within(change, first.as_of, last.as_of)
        code = _code(raw["code"], f"{where}:code")
        match raw["change"]:
            case "abolished":
                if code not in old or code in new:
                    raise field_error(f"{where}:code", LOAD_CHANGE_UNUSED)
                ends.put(code, change, where)
            case "established":
                if code in old or code not in new:
                    raise field_error(f"{where}:code", LOAD_CHANGE_UNUSED)
                starts.put(code, (change, code), where)
            case "seat_status_changed":
                if (
                    code not in old
                    or code not in new
                    or not (
                        old[code].is_county_seat != new[code].is_county_seat
                        and _same_but_seat(old[code], new[code])
                    )
                ):
                    raise field_error(f"{where}:code", LOAD_CHANGE_UNUSED)
                ends.put(code, change, where)
                starts.put(code, (change, code), where)
            case _:
                raise field_error(f"{where}:change", LOAD_CHANGE_KIND)

    versions: list[_Version] = []
    both = f"{first.label},{last.label}"
    for code in sorted(old.keys() | new.keys()):
        before, after = old.get(code), new.get(code)
        begins = earlier_moves[code][0].effective_date if code in earlier_moves else None
        if before is not None and after is not None and before.same_division(after):
            if code in ends or code in starts:
                raise field_error(f"{DIVISION_CHANGES_FILE}:{code}", LOAD_CHANGE_UNUSED)
            versions.append(
                _version(before, code, begins, None, both, f"{before.source}\n{after.source}")
            )
            continue
        if before is not None:
            end = ends.get(code)
            if end is None:
                raise field_error(f"{first.filename}:{code}", LOAD_CHANGE_UNEXPLAINED)
            end.used = True
            versions.append(
                _version(
                    before,
                    code,
                    begins,
                    end.effective_date,
                    first.label,
                    f"{before.source}\nends: {end.describe()}",
                )
            )
        if after is not None:
            start = starts.get(code)
            if start is None:
                raise field_error(f"{last.filename}:{code}", LOAD_CHANGE_UNEXPLAINED)
            change, lineage = start
            change.used = True
            versions.append(
                _version(
                    after,
                    lineage,
                    change.effective_date,
                    None,
                    last.label,
                    f"{after.source}\nbegins: {change.describe()}",
                )
            )

    for code, (change, raw) in earlier_moves.items():
        change.used = True
        moved = old[code]
        versions.append(
            _Version(
                code=None,
                name=raw["township_name"],
                level=moved.level,
                parent_code=_code(raw["from_county_code"], f"{change.where}:from_county_code"),
                lineage=code,
                valid_from=None,
                valid_to=change.effective_date,
                is_town=moved.is_town,
                is_county_seat=_flag(
                    raw["old_is_county_seat"], f"{change.where}:old_is_county_seat"
                ),
                vintage="boundary_changes",
                source=(
                    f"Version before the move to {raw['to_county_name']}, built from "
                    f"{BOUNDARY_CHANGES_FILE}; the township code under "
                    f"{raw['from_county_name']} is not in the reference data. "
                    f"ends: {change.describe()}"
                ),
            )
        )
    unused = [c for c in [*ends.values(), *(s for s, _ in starts.values())] if not c.used]
    if unused:
        raise field_error(unused[0].where, LOAD_CHANGE_UNUSED)
    broken = _lineage_gaps(versions)
    if broken:
        raise field_error(f"lineage:{broken[0]}", LOAD_LINEAGE_GAP)
    return versions


def _same_but_seat(before: _Row, after: _Row) -> bool:
    return (before.name, before.level, before.parent_code, before.is_town) == (
        after.name,
        after.level,
        after.parent_code,
        after.is_town,
    )


def _version(
    row: _Row,
    lineage: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    vintage: str,
    source: str,
) -> _Version:
    return _Version(
        code=row.code,
        name=row.name,
        level=row.level,
        parent_code=row.parent_code,
        lineage=lineage,
        valid_from=valid_from,
        valid_to=valid_to,
        is_town=row.is_town,
        is_county_seat=row.is_county_seat,
        vintage=vintage,
        source=source,
    )


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    deleted: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def divisions_data_digest(*, data_dir: Path = DATA_DIR) -> str:
    """Return a SHA-256 over the reference files, recorded with each load."""
    digest = hashlib.sha256()
    for name in [*(v.filename for v in VINTAGES), BOUNDARY_CHANGES_FILE, DIVISION_CHANGES_FILE]:
        digest.update(name.encode())
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()


@transaction.atomic
def divisions_load(*, acting_user: Any = None, data_dir: Path = DATA_DIR) -> LoadResult:
    """Load both vintages and the change files; running it again changes nothing.

    Versions are matched on (lineage, valid_from): equal ones are left alone,
    changed ones are updated, new ones created and stale ones deleted, all in
    one transaction. A load that changes anything writes one DIVISIONS_LOADED
    audit entry; ``acting_user`` is None for the system.
    """
    versions = divisions_build(data_dir=data_dir)
    existing = {(d.lineage, d.valid_from): d for d in Division.objects.select_for_update()}
    wanted = {(v.lineage, v.valid_from): v for v in versions}
    stale = [d.pk for key, d in existing.items() if key not in wanted]
    # Delete first so a renumbered version cannot collide with a stale one.
    Division.objects.filter(pk__in=stale).delete()
    created = updated = unchanged = 0
    for key, version in wanted.items():
        values = version.as_fields()
        division = existing.get(key)
        if division is None:
            division = Division(**values)
            created += 1
        elif all(getattr(division, name) == value for name, value in values.items()):
            unchanged += 1
            continue
        else:
            for name, value in values.items():
                setattr(division, name, value)
            updated += 1
        division.full_clean()
        division.save()
    result = LoadResult(created=created, updated=updated, deleted=len(stale), unchanged=unchanged)
    if created or updated or stale:
        audit_record(
            acting_user=acting_user,
            event_type=AuditEventType.DIVISIONS_LOADED,
            obj_type="registry.division",
            obj_id="reference",
            before={"versions": len(existing)},
            after={
                "versions": result.total,
                "created": created,
                "updated": updated,
                "deleted": len(stale),
                "data_sha256": divisions_data_digest(data_dir=data_dir),
            },
        )
    return result


def _lineage_gaps(versions: Iterable[_Version]) -> list[str]:
    """Return the lineages whose versions overlap or leave a gap."""
    by_lineage: dict[str, list[_Version]] = {}
    for version in versions:
        by_lineage.setdefault(version.lineage, []).append(version)
    broken = []
    for lineage, items in sorted(by_lineage.items()):
        items.sort(key=lambda v: v.valid_from or dt.date.min)
        for earlier, later in zip(items, items[1:], strict=False):
            if earlier.valid_to is None or earlier.valid_to != later.valid_from:
                broken.append(lineage)
                break
    return broken
