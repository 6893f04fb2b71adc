"""`luohu bulletin --year Y --out DIR`: the statistical bulletin of a year (AY2018-19:4.1).

Writes ``anyang-bulletin-<Y>.xlsx`` (tables) and ``anyang-bulletin-<Y>.pdf``
(report) from the published figures, suppressed as on the public page.
``--source registry|DIR`` first recomputes and stores the provisional
figures of 2015 to Y from that source (approved figures are kept).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

FIRST_YEAR = 2015
NO_FIGURES = (
    "--year 没有 {year} 年的统计数据（可用 --source 先计算） "
    "--year: no figures for {year} (compute them first with --source)"
)
YEAR_INVALID = "--year 必须是 2015 年以后的年份 --year must be a year from 2015 on"


class Command(BaseCommand):
    help = "Statistical bulletin of a year: `luohu bulletin --year Y --out DIR` (xlsx + PDF)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True, help="directory to write into")
        parser.add_argument(
            "--source",
            help="recompute 2015..Y first: `registry` or a synthetic population directory",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from luohu.publicstats.bulletin import bulletin_pdf, bulletin_xlsx
        from luohu.publicstats.selectors import county_names, public_years

        year = options["year"]
        if year < FIRST_YEAR:
            raise CommandError(YEAR_INVALID)
        if options["source"]:
            from luohu.monitoring.services import indicators_refresh

            for each in range(FIRST_YEAR, year + 1):
                try:
                    indicators_refresh(acting_user=None, year=each, source=options["source"])
                except ValueError as exc:
                    raise CommandError(f"--source {options['source']}: {exc}") from exc
        years = [y for y in public_years() if y.year <= year]
        chosen = next((y for y in years if y.year == year), None)
        if chosen is None:
            raise CommandError(NO_FIGURES.format(year=year))
        names = county_names()
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        xlsx = out / f"anyang-bulletin-{year}.xlsx"
        pdf = out / f"anyang-bulletin-{year}.pdf"
        xlsx.write_bytes(bulletin_xlsx(chosen, years, names))
        pdf.write_bytes(bulletin_pdf(chosen, years, names))
        self.stdout.write(f"bulletin {year}: {xlsx} {pdf}")
