"""Database guards of the trail and the one way around them.

The append-only triggers (migration 0002) consult a per-connection switch:
on PostgreSQL the session setting ``luohu.audit_maintenance``; on SQLite the
SQL function ``luohu_audit_maintenance()``, which exists only on connections
opened by Django. A connection without the function (the sqlite3 shell)
gets an error from the trigger, so the guard fails closed.

Only ``flush`` (test teardown, wiping a database on purpose), restore, and
the mutation tests of the verifier open the switch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import TransactionManagementError

SQLITE_FUNCTION = "luohu_audit_maintenance"
POSTGRES_SETTING = "luohu.audit_maintenance"
_FLAG = "_luohu_audit_maintenance"


def register_sqlite_function(
    sender: Any = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any
) -> None:
    """Give a new SQLite connection the function the triggers consult."""
    if connection is None or connection.vendor != "sqlite":
        return
    wrapper = connection

    def in_maintenance() -> int:
        return 1 if getattr(wrapper, _FLAG, False) else 0

    connection.connection.create_function(SQLITE_FUNCTION, 0, in_maintenance)


@contextmanager
def audit_maintenance(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let this connection UPDATE, DELETE and TRUNCATE the trail's tables."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        register_sqlite_function(connection=connection)
        setattr(connection, _FLAG, True)
        try:
            yield
        finally:
            setattr(connection, _FLAG, False)
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [POSTGRES_SETTING])
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'off', false)", [POSTGRES_SETTING])
            except (DatabaseError, TransactionManagementError):
                # A transaction that failed reverts the setting as it rolls back.
                pass
        return
    yield
