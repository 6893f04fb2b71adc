from __future__ import annotations

import datetime as dt
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.common.errors import FieldError
from luohu.registry.models import Division, DivisionLevel
from luohu.registry.selectors import division_counts_by_level, division_history
from luohu.registry.services import (
    DATA_DIR,
    LOAD_CHANGE_UNEXPLAINED,
    LOAD_CHANGE_UNUSED,
    LOAD_DUPLICATE_CODE,
    LOAD_LEVEL_UNKNOWN,
    VINTAGES,
    LoadResult,
    divisions_data_digest,
    divisions_load,
)
from luohu.registry.tests.helpers import assert_field_error, csv_counts

COUNTIES = ["410502", "410503", "410505", "410506", "410522", "410523", "410526", "410527", "410571", "410581"]  # fmt: skip


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    for path in DATA_DIR.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
        (tmp_path / path.name).chmod(0o644)
    return tmp_path


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class TestDivisionsLoad:
    def test_counts_match_each_vintage(self, reference_divisions: LoadResult) -> None:
        """On each vintage's cut-off date every county has the file's counts per level."""
        for vintage in VINTAGES:
            expected = csv_counts(vintage.filename)
            assert sorted(expected) == COUNTIES
            for county in COUNTIES:
                counts = division_counts_by_level(county, vintage.as_of)
                assert {k: v for k, v in counts.items() if v} == dict(expected[county]), (
                    vintage.label,
                    county,
                )

    def test_counts_2023_match_readme(self, reference_divisions: LoadResult) -> None:
        """The 2023 counts equal the hand-written list in the data README."""
        readme = {
            "410502": (12, 1, 0, 2),
            "410503": (9, 1, 0, 0),
            "410505": (9, 2, 1, 0),
            "410506": (6, 3, 2, 0),
            "410522": (0, 10, 6, 0),
            "410523": (0, 9, 1, 0),
            "410526": (3, 14, 6, 0),
            "410527": (2, 9, 6, 0),
            "410571": (3, 0, 0, 0),
            "410581": (4, 16, 0, 0),
        }
        for county, (subdistricts, towns, townships, other) in readme.items():
            assert division_counts_by_level(county, dt.date(2023, 6, 30)) == {
                "subdistrict": subdistricts,
                "town": towns,
                "township": townships,
                "other_township_level": other,
            }, county

    def test_counts_follow_the_moves(self, reference_divisions: LoadResult) -> None:
        """安阳县 has 14 towns and 7 townships before 2017, 12 and 6 until 2021-09-18, then 10 and 6."""
        cases = [
            (dt.date(2016, 12, 31), 14, 7),
            (dt.date(2017, 1, 1), 12, 6),
            (dt.date(2021, 9, 17), 12, 6),
            (dt.date(2021, 9, 18), 10, 6),
        ]
        for on, towns, townships in cases:
            counts = division_counts_by_level("410522", on)
            assert (counts["town"], counts["township"]) == (towns, townships), on

    def test_identical_rows_are_one_version(self, reference_divisions: LoadResult) -> None:
        """A row the same in both vintages is a single open-ended version citing both."""
        (version,) = Division.objects.filter(code="410526001")
        assert (version.valid_from, version.valid_to, version.vintage) == (None, None, "2018,2023")
        assert "2018" in version.source and "2023" in version.source

    def test_lineage_links_versions_across_codes(self, reference_divisions: LoadResult) -> None:
        """水冶镇's 2018 and 2023 codes are two versions of one lineage, meeting on 2021-09-18."""
        old, new = division_history("410505101")
        assert (old.code, old.parent_code, old.valid_from, old.valid_to) == (
            "410522101",
            "410522",
            None,
            dt.date(2021, 9, 18),
        )
        assert (new.code, new.parent_code, new.valid_from, new.valid_to) == (
            "410505101",
            "410505",
            dt.date(2021, 9, 18),
            None,
        )
        assert old.lineage == new.lineage == "410522101"
        assert [d.code for d in division_history("410522101")] == ["410522101", "410505101"]

    def test_earlier_moves_have_a_version_without_code(
        self, reference_divisions: LoadResult
    ) -> None:
        """柏庄镇, 善应镇 and 马家乡 have a pre-2017 version under 安阳县 whose code is not recorded."""
        for lineage, name, level in [
            ("410503100", "柏庄镇", DivisionLevel.TOWN),
            ("410506103", "善应镇", DivisionLevel.TOWN),
            ("410506205", "马家乡", DivisionLevel.TOWNSHIP),
        ]:
            before, after = sorted(
                Division.objects.filter(lineage=lineage), key=lambda d: d.valid_from or dt.date.min
            )
            assert (before.code, before.name, before.level, before.parent_code) == (
                None,
                name,
                level,
                "410522",
            )
            assert before.valid_to == after.valid_from == dt.date(2017, 1, 1)
            assert after.code == lineage
            assert "豫民行批" in before.source

    def test_every_lineage_is_continuous(self, reference_divisions: LoadResult) -> None:
        """Within a lineage each version ends the day the next one starts."""
        by_lineage: dict[str, list[Division]] = {}
        for division in Division.objects.order_by("valid_from"):
            by_lineage.setdefault(division.lineage, []).append(division)
        for versions in by_lineage.values():
            versions.sort(key=lambda d: d.valid_from or dt.date.min)
            for earlier, later in zip(versions, versions[1:], strict=False):
                assert earlier.valid_to == later.valid_from

    def test_first_load_is_audited(self, reference_divisions: LoadResult) -> None:
        """The first load writes one DIVISIONS_LOADED entry with the counts and the data digest."""
        assert reference_divisions == LoadResult(created=170, updated=0, deleted=0, unchanged=0)
        (entry,) = AuditEntry.objects.all()
        assert entry.event_type == AuditEventType.DIVISIONS_LOADED
        assert (entry.object_type, entry.object_id, entry.actor) == (
            "registry.division",
            "reference",
            None,
        )
        assert entry.before == {"versions": 0}
        assert entry.after == {
            "versions": 170,
            "created": 170,
            "updated": 0,
            "deleted": 0,
            "data_sha256": divisions_data_digest(),
        }

    def test_second_load_changes_nothing(self, reference_divisions: LoadResult) -> None:
        """Loading again leaves every version as it was and writes no audit entry."""
        ids = sorted(Division.objects.values_list("pk", flat=True))
        assert divisions_load() == LoadResult(created=0, updated=0, deleted=0, unchanged=170)
        assert sorted(Division.objects.values_list("pk", flat=True)) == ids
        assert AuditEntry.objects.count() == 1

    def test_load_repairs_edited_and_stray_rows(self, reference_divisions: LoadResult) -> None:
        """A hand-edited version is restored and a stray one removed."""
        Division.objects.filter(code="410526001").update(name="改名")
        Division.objects.create(
            code="410526999",
            name="虚构镇",
            level=DivisionLevel.TOWN,
            parent_code="410526",
            lineage="410526999",
            is_town=True,
            vintage="test",
            source="test",
        )
        assert divisions_load() == LoadResult(created=0, updated=1, deleted=1, unchanged=169)
        assert Division.objects.get(code="410526001").name == "道口镇街道"
        entry = AuditEntry.objects.order_by("sequence").last()
        assert entry is not None
        assert entry.before == {"versions": 171}
        assert entry.after is not None
        assert (entry.after["updated"], entry.after["deleted"]) == (1, 1)

    def test_bad_file_writes_nothing(self, db: Any, data_copy: Path) -> None:
        """A bad level in the 2023 file is reported by file, line and column; nothing is written."""
        _replace(
            data_copy / "divisions_2023.csv",
            "410526003,锦和街道,subdistrict",
            "410526003,锦和街道,street",
        )
        with pytest.raises(FieldError) as excinfo:
            divisions_load(data_dir=data_copy)
        assert_field_error(excinfo, "divisions_2023.csv:89:level", LOAD_LEVEL_UNKNOWN)
        assert Division.objects.count() == 0
        assert AuditEntry.objects.count() == 0

    def test_failure_keeps_previous_load(
        self, reference_divisions: LoadResult, data_copy: Path
    ) -> None:
        """A rejected reload leaves the earlier load untouched."""
        _replace(
            data_copy / "divisions_2023.csv",
            "410526003,锦和街道,subdistrict",
            "410526003,锦和街道,street",
        )
        with pytest.raises(FieldError):
            divisions_load(data_dir=data_copy)
        assert Division.objects.count() == 170

    def test_undated_difference_is_refused(self, db: Any, data_copy: Path) -> None:
        """A difference between the vintages with no dated change row stops the load."""
        path = data_copy / "boundary_changes.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text(
            "".join(line for line in lines if not line.startswith("水冶镇")), encoding="utf-8"
        )
        with pytest.raises(FieldError) as excinfo:
            divisions_load(data_dir=data_copy)
        assert_field_error(excinfo, "divisions_2023.csv:410505101", LOAD_CHANGE_UNEXPLAINED)
        assert Division.objects.count() == 0

    def test_duplicate_change_row_is_refused(self, db: Any, data_copy: Path) -> None:
        """The same move written twice is refused at the second row."""
        path = data_copy / "boundary_changes.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text(
            "".join([*lines, next(x for x in lines if x.startswith("水冶镇"))]), encoding="utf-8"
        )
        with pytest.raises(FieldError) as excinfo:
            divisions_load(data_dir=data_copy)
        assert_field_error(excinfo, "boundary_changes.csv:7:code", LOAD_DUPLICATE_CODE)

    def test_change_that_matches_nothing_is_refused(self, db: Any, data_copy: Path) -> None:
        """A change row naming the wrong destination county is refused."""
        _replace(
            data_copy / "boundary_changes.csv", "410505,殷都区,410522101", "410506,殷都区,410522101"
        )
        with pytest.raises(FieldError) as excinfo:
            divisions_load(data_dir=data_copy)
        assert_field_error(excinfo, "boundary_changes.csv:5:new_code", LOAD_CHANGE_UNUSED)

    def test_check_constraint_refuses_backwards_period(
        self, reference_divisions: LoadResult
    ) -> None:
        """valid_from must come before valid_to."""
        division = Division.objects.get(code="410522101")
        division.valid_from = dt.date(2022, 1, 1)
        with pytest.raises(ValidationError):
            division.full_clean()


class TestLoadDivisionsCommand:
    def test_prints_counts(self, db: Any) -> None:
        """The command reports how many versions it created and, run again, that none changed."""
        out = StringIO()
        call_command("load_divisions", stdout=out)
        assert out.getvalue() == (
            "divisions: 170 versions (created 170, updated 0, deleted 0, unchanged 0)\n"
        )
        out = StringIO()
        call_command("load_divisions", stdout=out)
        assert out.getvalue() == (
            "divisions: 170 versions (created 0, updated 0, deleted 0, unchanged 170)\n"
        )

    def test_rejected_data_is_a_command_error(
        self, db: Any, data_copy: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Bad reference data ends the command with a bilingual error and no rows."""
        _replace(
            data_copy / "divisions_2023.csv",
            "410526003,锦和街道,subdistrict",
            "410526003,锦和街道,street",
        )
        monkeypatch.setattr("luohu.registry.services.DATA_DIR", data_copy)
        monkeypatch.setattr(
            "luohu.registry.management.commands.load_divisions.divisions_load",
            lambda: divisions_load(data_dir=data_copy),
        )
        with pytest.raises(CommandError) as excinfo:
            call_command("load_divisions")
        assert str(excinfo.value) == (
            "区划数据有误，未写入任何数据 / reference data rejected, nothing written: "
            "divisions_2023.csv:89:level: 层级取值未定义 / the level is not one of the defined levels"
        )
        assert Division.objects.count() == 0
