"""`luohu indicators --year Y`: both urbanisation rates, the gap and transfers by county.

Sources: ``registry`` (the default) is the registry on 31 December of the
year (``registry_snapshot``) with the year's settlement records; a
directory is the synthetic population's ``population_<Y>.parquet``, which
has no transfer records (``hukou_transfers`` is then null and
``transfers_available`` false). Definitions: luohu/analytics/indicators.py
and docs/analytics/indicators.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luohu.analytics.indicators import (
    COLUMNS,
    hukou_transfers,
    indicators,
    with_transfers,
)
from luohu.analytics.population import snapshot_path
from luohu.common.errors import FieldError

# The plan's baseline year (AY2018-19:1.3 compares 2020 with 2015).
FIRST_YEAR = 2015

YEAR_INVALID = (
    "--year 必须是 {first} 至 {last} 年之间的年份 --year must be a year from {first} to {last}"
)
SOURCE_MISSING = "--source 找不到快照文件 {path} --source: no snapshot file {path}"
SOURCE_EMPTY = "--source 快照中没有 {year} 年的数据 --source: the snapshot has no rows for {year}"
OUT_REQUIRED = "--format xlsx 需要 --out 文件 --format xlsx needs an --out file"

SHEET_INDICATORS = "指标 Indicators"
SHEET_DEFINITIONS = "定义 Definitions"


class Command(BaseCommand):
    help = "Urbanisation indicators by county: `luohu indicators --year Y --format json|xlsx`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="year-end (31 December) to report")
        parser.add_argument(
            "--source",
            default="registry",
            help="`registry` (default) or a directory of synthetic population Parquet files",
        )
        parser.add_argument("--format", choices=("json", "xlsx"), default="json")
        parser.add_argument("--out", help="file to write (required for xlsx; json to stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = _year(options["year"])
        if options["format"] == "xlsx" and not options["out"]:
            raise CommandError(OUT_REQUIRED)
        source = options["source"]
        frame, transfers_available = _compute(year, source)
        if options["format"] == "json":
            text = json.dumps(
                {
                    "year": year,
                    "source": source,
                    "transfers_available": transfers_available,
                    "rows": frame.to_dicts(),
                },
                ensure_ascii=False,
                indent=2,
            )
            if options["out"]:
                Path(options["out"]).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
        else:
            write_xlsx(frame, Path(options["out"]), year=year, source=source)


def _year(value: str) -> int:
    last = timezone.localdate().year
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not FIRST_YEAR <= year <= last:
        raise CommandError(YEAR_INVALID.format(first=FIRST_YEAR, last=last))
    return year


def _compute(year: int, source: str) -> tuple[pl.DataFrame, bool]:
    """Extract (registry or Parquet), then the pure transforms."""
    if source == "registry":
        from luohu.monitoring.extract import registry_transfers_table
        from luohu.registry.snapshot import registry_snapshot

        try:
            snapshot = registry_snapshot(dt.date(year, 12, 31))
            if snapshot.num_rows == 0:
                raise CommandError(SOURCE_EMPTY.format(year=year))
            frame = indicators(snapshot, year=year)
            transfers = hukou_transfers(registry_transfers_table(year), year)
        except (FieldError, ValueError) as exc:
            raise CommandError(f"--source registry: {exc}") from exc
        return with_transfers(frame, transfers), True
    path = snapshot_path(Path(source), year)
    if not path.is_file():
        raise CommandError(SOURCE_MISSING.format(path=path))
    try:
        frame = indicators(path, year=year)
    except ValueError as exc:
        raise CommandError(f"--source {exc}") from exc
    return with_transfers(frame, None), False


def write_xlsx(frame: pl.DataFrame, out: Path, *, year: int, source: str) -> None:
    """Indicators on the first sheet (zh + en headers), definitions on the second."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_INDICATORS
    columns = [c for c in COLUMNS if c.name in frame.columns]
    sheet.append([c.header for c in columns])
    for row in frame.select([c.name for c in columns]).iter_rows():
        sheet.append(list(row))
    for index, column in enumerate(columns, start=1):
        if frame.schema[column.name] == pl.Float64:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.00"
    definitions = book.create_sheet(SHEET_DEFINITIONS)
    definitions.append(["字段 Column", "中文 Chinese", "English", "定义 Definition"])
    for column in columns:
        definitions.append([column.name, column.zh, column.en, column.definition])
    definitions.append([])
    definitions.append(["year", str(year)])
    definitions.append(["source", source])
    available = frame["hukou_transfers"].null_count() < frame.height
    definitions.append(["transfers_available", str(available).lower()])
    definitions.append(["basis", "AY2018-19:1.3, 4.1; NBS urban-rural classification; 6+ months"])
    book.save(out)
