"""The platform side of the fault tests, run in its own process.

    python -m tests.faults._platform prepare N      # migrate, divisions, N signed-in applicants
    python -m tests.faults._platform check FILE     # integrity report for the numbers in FILE

The database and settings come from the environment the test passes
(DATABASE_URL, LUOHU_VAR_DIR, DJANGO_SETTINGS_MODULE). Output is one JSON
object on stdout.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any


def prepare(n_clients: int) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    from luohu.accounts.services import user_create

    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    sessions = []
    for i in range(n_clients):
        user = user_create(
            username=f"fault_citizen_{i}", password="Fault-pass-2018", role="applicant"
        )
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        secret = _get_new_csrf_string()
        sessions.append(
            {"session": store.session_key, "csrf": secret, "masked": _mask_cipher_secret(secret)}
        )
    return {"sessions": sessions}


def _sqlite_checks(cursor: Any) -> dict[str, Any]:
    cursor.execute("PRAGMA integrity_check")
    integrity = [row[0] for row in cursor.fetchall()]
    cursor.execute("PRAGMA foreign_key_check")
    return {"integrity_check": integrity, "foreign_key_violations": len(cursor.fetchall())}


def _postgres_checks(cursor: Any) -> dict[str, Any]:
    """Re-check every foreign key and CHECK constraint of the schema against every row."""
    violations: list[str] = []
    cursor.execute(
        """
        SELECT c.conname, c.contype, t.relname, pg_get_constraintdef(c.oid),
               rt.relname,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                     ORDER BY k.i),
               ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                     ORDER BY k.i)
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_namespace s ON s.oid = t.relnamespace
        LEFT JOIN pg_class rt ON rt.oid = c.confrelid
        WHERE s.nspname = current_schema() AND c.contype IN ('c', 'f')
        """
    )
    checked = 0
    for name, kind, table, definition, ref_table, columns, ref_columns in cursor.fetchall():
        checked += 1
        if kind == "c":
            expression = definition.removeprefix("CHECK ")
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE NOT {expression}')  # noqa: S608
        else:
            join = " AND ".join(
                f'r."{rc}" = t."{c}"' for c, rc in zip(columns, ref_columns, strict=True)
            )
            not_null = " AND ".join(f't."{c}" IS NOT NULL' for c in columns)
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE {not_null} '  # noqa: S608
                f'AND NOT EXISTS (SELECT 1 FROM "{ref_table}" r WHERE {join})'
            )
        if cursor.fetchone()[0]:
            violations.append(name)
    return {"constraints_checked": checked, "constraint_violations": violations}


def check(numbers: list[str]) -> dict[str, Any]:
    from django.db import connection

    from luohu.audit.events import AuditEventType
    from luohu.audit.models import AuditEntry
    from luohu.audit.selectors import audit_chain_verify
    from luohu.casework.models import SettlementApplication

    present = set(
        SettlementApplication.objects.filter(number__in=numbers).values_list("number", flat=True)
    )
    audited = set(
        AuditEntry.objects.filter(
            event_type=AuditEventType.CASE_SUBMITTED, object_type="settlement_application"
        ).values_list("object_id", flat=True)
    )
    half_written = []
    total = 0
    for application in SettlementApplication.objects.prefetch_related("members", "history"):
        total += 1
        expected_members = len(application.facts.get("family_members", []))
        if (
            application.members.count() != expected_members
            or not application.history.filter(version=1).exists()
            or application.number not in audited
        ):
            half_written.append(application.number)
    numbers_in_db = set(SettlementApplication.objects.values_list("number", flat=True))
    report = audit_chain_verify()
    with connection.cursor() as cursor:
        database = (
            _postgres_checks(cursor)
            if connection.vendor == "postgresql"
            else _sqlite_checks(cursor)
        )
    return {
        "vendor": connection.vendor,
        "acknowledged": len(numbers),
        "acknowledged_missing": sorted(set(numbers) - present),
        "applications": total,
        "half_written": half_written,
        "audit_entries_without_application": sorted(audited - numbers_in_db),
        "audit_ok": report.ok,
        "audit_entries": report.count,
        **database,
    }


def main() -> None:
    import django

    django.setup()
    command = sys.argv[1]
    # Commands' own chatter goes to stderr; stdout carries the JSON alone.
    with contextlib.redirect_stdout(sys.stderr):
        if command == "prepare":
            result = prepare(int(sys.argv[2]))
        else:
            with open(sys.argv[2]) as handle:
                result = check(json.load(handle))
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
