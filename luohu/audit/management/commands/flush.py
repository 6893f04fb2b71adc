"""Django's ``flush``, with the audit trail's append-only guard lifted.

Flushing empties every table on purpose: test teardown between
transactional tests, or wiping a scratch database. Django's own command
would stop at the trail's triggers (migration 0002), so this one opens the
maintenance switch of luohu/audit/db.py for the duration of the flush and
nothing else.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS

from luohu.audit.db import audit_maintenance


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with audit_maintenance(options.get("database") or DEFAULT_DB_ALIAS):
            super().handle(**options)
