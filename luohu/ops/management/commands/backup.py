"""``luohu backup OUT``: the database and uploaded documents in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luohu.ops.backup import BackupError, backup_create
from luohu.ops.management.commands._progress import Bars

BACKUP_DONE = (
    "备份完成：{tables} 张表，{rows} 行，{files} 个文件，审计记录 {entries} 条。 "
    "Backup written to {out}: {tables} tables, {rows} rows, {files} files, "
    "{entries} audit entries, head {head}."
)


class Command(BaseCommand):
    help = "Write every table and every file under MEDIA_ROOT to one archive (.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="archive to write, e.g. luohu-2026-11-29.tar.gz")
        parser.add_argument("--database", default="default")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        bars = Bars(self.stderr._out, enabled=not options["no_progress"])
        out = Path(options["out"])
        try:
            summary = backup_create(out=out, using=options["database"], progress=bars)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bars.close()
        self.stdout.write(
            BACKUP_DONE.format(
                out=out,
                tables=summary.tables,
                rows=summary.rows,
                files=summary.files,
                entries=summary.audit_entries,
                head=summary.audit_head,
            )
        )
