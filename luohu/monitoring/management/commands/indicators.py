"""`luohu indicators --year Y`: both urbanisation rates, the gap and transfers by county.

Sources: ``registry`` (the default) is the registry on 31 December of the
year (``registry_snapshot``) with the year's settlement records; a
directory is the synthetic population's ``population_<Y>.parquet``, which
has no transfer records (``hukou_transfers`` is then null and
``transfers_available`` false). Definitions: luohu/analytics/indicators.py
and docs/analytics/indicators.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luohu.analytics.indicators import COLUMNS
from luohu.monitoring.compute import (  # noqa: F401 (messages re-exported)
    SOURCE_EMPTY,
    SOURCE_MISSING,
    IndicatorsUnavailableError,
    indicators_compute,
)

# The plan's baseline year (AY2018-19:1.3 compares 2020 with 2015).
FIRST_YEAR = 2015

YEAR_INVALID = (
    "--year 必须是 {first} 至 {last} 年之间的年份 --year must be a year from {first} to {last}"
)
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
        parser.add_argument(
            "--save",
            action="store_true",
            help="also keep the figures as the year's provisional figures for the dashboards "
            "(approved figures are left as they are)",
        )
        parser.add_argument(
            "--engine",
            choices=("duckdb", "spark"),
            default="duckdb",
            help="duckdb (default, in process) or spark: the same SQL "
            "(luohu/analytics/indicators_sql.py) on Spark in local mode",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = _year(options["year"])
        if options["format"] == "xlsx" and not options["out"]:
            raise CommandError(OUT_REQUIRED)
        source = options["source"]
        if options["save"]:
            self._save(year, source)
            return
        if options.get("engine") == "spark":
            frame, transfers_available = _compute_spark(year, source)
        else:
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

    def _save(self, year: int, source: str) -> None:
        from luohu.monitoring.services import indicators_refresh

        try:
            rows = indicators_refresh(acting_user=None, year=year, source=source)
        except IndicatorsUnavailableError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{year}: 已保存 {rows} 行指标 saved {rows} indicator rows")


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
    """Extract (registry or Parquet), then the pure transforms (luohu.monitoring.compute)."""
    try:
        return indicators_compute(year, source)
    except IndicatorsUnavailableError as exc:
        raise CommandError(str(exc)) from exc


SPARK_MISSING = (
    "--engine spark 需要安装 PySpark（luohu[spark]）和 Java "
    "--engine spark needs PySpark (luohu[spark]) and Java"
)


def _compute_spark(year: int, source: str) -> tuple[pl.DataFrame, bool]:
    """The same figures with Spark SQL in local mode, from Parquet files.

    The registry is extracted to Parquet first (snapshot and transfer
    records), as a cluster job would read it from shared storage.
    """
    import datetime as dt
    import tempfile

    import pyarrow.parquet as pq

    from luohu.analytics.population import snapshot_path
    from luohu.common.errors import FieldError

    try:
        from luohu.analytics.spark_indicators import (
            local_session,
            spark_indicators,
            spark_transfers,
        )
    except ImportError as exc:  # pragma: no cover - the spark extra is installed by make
        raise CommandError(SPARK_MISSING) from exc
    from luohu.analytics.indicators import with_transfers

    with tempfile.TemporaryDirectory(prefix="luohu-spark-") as tmp:
        transfers_path = Path(tmp) / "transfers.parquet"
        if source == "registry":
            from luohu.monitoring.extract import registry_transfers_table
            from luohu.registry.snapshot import registry_snapshot

            try:
                snapshot = registry_snapshot(dt.date(year, 12, 31))
            except FieldError as exc:
                raise CommandError(f"--source registry: {exc}") from exc
            if snapshot.num_rows == 0:
                raise CommandError(SOURCE_EMPTY.format(year=year))
            path = Path(tmp) / "snapshot.parquet"
            pq.write_table(snapshot, path)
            pq.write_table(registry_transfers_table(year), transfers_path)
        else:
            path = snapshot_path(Path(source), year)
            if not path.is_file():
                raise CommandError(SOURCE_MISSING.format(path=path))
        spark = local_session()
        try:
            frame = spark_indicators(spark, [str(path)], years=[year])
            if source == "registry":
                counts = spark_transfers(spark, str(transfers_path), year)
                frame = with_transfers(frame.drop("hukou_transfers"), counts)
        except ValueError as exc:
            raise CommandError(f"--source {exc}") from exc
        finally:
            spark.stop()
    return frame, frame["hukou_transfers"].null_count() < frame.height


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
