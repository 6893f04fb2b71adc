"""``luohu restore IN``: an archive of ``luohu backup`` into an empty platform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from luohu.ops.backup import BackupError, backup_restore
from luohu.ops.management.commands._progress import Bars

RESTORE_DONE = (
    "恢复完成：{tables} 张表，{rows} 行，{files} 个文件；审计链完整（{entries} 条）。 "
    "Restored from {source}: {tables} tables, {rows} rows, {files} files; "
    "the audit chain verifies ({entries} entries, head {head})."
)
RESTORE_NO_ARCHIVE = "找不到备份文件：{path}。 No such backup archive: {path}."


class Command(BaseCommand):
    help = (
        "Restore an archive of `luohu backup` into an empty database and MEDIA_ROOT. "
        "Migrates a database without tables first; refuses one that holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="archive written by `luohu backup`")
        parser.add_argument("--database", default="default")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        if not source.is_file():
            raise CommandError(RESTORE_NO_ARCHIVE.format(path=source))
        using = options["database"]
        if "django_migrations" not in connections[using].introspection.table_names():
            call_command("migrate", database=using, interactive=False, verbosity=0)
        bars = Bars(self.stderr._out, enabled=not options["no_progress"])
        try:
            summary = backup_restore(source=source, using=using, progress=bars)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bars.close()
        self.stdout.write(
            RESTORE_DONE.format(
                source=source,
                tables=summary.tables,
                rows=summary.rows,
                files=summary.files,
                entries=summary.audit_entries,
                head=summary.audit_head,
            )
        )
