"""Test helpers: build a chain, and tamper with it behind the application's back."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction

from luohu.audit.db import audit_maintenance
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.audit.services import audit_record

JSON_COLUMNS = frozenset({"before", "after"})


def record_entries(count: int, *, acting_user: Any = None, start: int = 1) -> list[AuditEntry]:
    """Append ``count`` casework-like entries through the real service."""
    entries = []
    with transaction.atomic():
        for number in range(start, start + count):
            entries.append(
                audit_record(
                    acting_user=acting_user,
                    event_type=AuditEventType.CASE_SUBMITTED,
                    obj_type="casework.case",
                    obj_id=number,
                    jurisdiction_code="410526",
                    before={"status": "draft"},
                    after={"status": "submitted", "number": number},
                )
            )
    return entries


def tamper(sql: str, params: list[Any] | None = None) -> None:
    """Run raw SQL against the trail with the append-only guard lifted."""
    with transaction.atomic(), audit_maintenance(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper_column(sequence: int, column: str, value: Any) -> None:
    """Overwrite one column of one entry directly in the database."""
    placeholder = "%s"
    if column in JSON_COLUMNS and value is not None:
        value = json.dumps(value)
        if connection.vendor == "postgresql":
            placeholder = "%s::jsonb"
    elif column == "occurred_at":
        value = connection.ops.adapt_datetimefield_value(value)
    table = AuditEntry._meta.db_table
    quoted = connection.ops.quote_name(column)
    tamper(f"UPDATE {table} SET {quoted} = {placeholder} WHERE sequence = %s", [value, sequence])  # noqa: S608
