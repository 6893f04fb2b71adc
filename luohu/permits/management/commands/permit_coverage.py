"""``luohu permit_coverage 2024``: residence-permit coverage at a year-end (AY2018-19:3.10).

Reads the registry snapshot of 31 December and the permits extract and
prints the one definition's figures (``luohu.analytics.coverage``) as CSV.
Counts only: no person-level row leaves the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from luohu.analytics.coverage import permit_coverage
from luohu.permits.extract import permits_extract
from luohu.registry.snapshot import registry_snapshot


class Command(BaseCommand):
    help = "Print residence-permit coverage of unsettled urban residents by county at a year-end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        year = int(options["year"])
        snapshot = registry_snapshot(dt.date(year, 12, 31))
        result = permit_coverage(snapshot, permits_extract(), year=year)
        self.stdout.write(result.write_csv(), ending="")
