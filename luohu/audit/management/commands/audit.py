"""``luohu audit verify``: recompute the hash chain and name the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from luohu.audit.events import AuditEventType
from luohu.audit.selectors import audit_chain_verify, audit_entry_count
from luohu.audit.services import audit_record

VERIFY_OK = "OK: {count} entries, head {head}（审计链完整，共 {count} 条）"
VERIFY_BROKEN = (
    "BROKEN at entry #{sequence}: {problem_en}（审计链在第 {sequence} 条断裂：{problem_zh}）"
)
CHAIN_OBJECT_TYPE = "audit.chain"


class Command(BaseCommand):
    help = "Audit trail tools. verify: recompute the hash chain (exit 1 on the first break)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser("verify", help="recompute the chain in sequence order")
        verify.add_argument("--chunk-size", type=int, default=2000)
        verify.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        verify.add_argument(
            "--record",
            action="store_true",
            help="append an AUDIT_VERIFIED entry with the result to the trail",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(
                chunk_size=options["chunk_size"],
                progress=not options["no_progress"],
                record=options["record"],
            )

    def verify(self, *, chunk_size: int, progress: bool, record: bool) -> None:
        # disable=None: tqdm draws only when stderr is a terminal.
        bar = tqdm(
            total=audit_entry_count(),
            file=self.stderr._out,
            unit="entry",
            disable=None if progress else True,
        )
        with bar:
            report = audit_chain_verify(chunk_size=chunk_size, on_entry=bar.update)
        if record:
            with transaction.atomic():
                audit_record(
                    acting_user=None,
                    event_type=AuditEventType.AUDIT_VERIFIED,
                    obj_type=CHAIN_OBJECT_TYPE,
                    obj_id="",
                    after={
                        "ok": report.ok,
                        "entries": report.count,
                        "head": report.head_hash,
                        "broken_at": report.broken.sequence if report.broken else None,
                    },
                )
        if report.broken is not None:
            raise CommandError(
                VERIFY_BROKEN.format(
                    sequence=report.broken.sequence,
                    problem_en=report.broken.problem_en,
                    problem_zh=report.broken.problem_zh,
                ),
                returncode=1,
            )
        self.stdout.write(VERIFY_OK.format(count=report.count, head=report.head_hash))
