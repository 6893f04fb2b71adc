from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from luohu.audit.db import audit_maintenance
from luohu.audit.models import AUDIT_ENTRY_IMMUTABLE, AuditEntry, AuditEntryImmutableError
from luohu.audit.tests.helpers import record_entries

DB_REFUSAL = "audit_auditentry is append-only"
TABLE = AuditEntry._meta.db_table


def raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.django_db
class TestModelRefusesChanges:
    def test_saving_an_existing_entry_is_refused(self) -> None:
        """An entry once written cannot be saved again through the ORM."""
        entry = record_entries(1)[0]
        entry.reason = "edited"
        with pytest.raises(AuditEntryImmutableError) as caught:
            entry.save()
        assert str(caught.value) == AUDIT_ENTRY_IMMUTABLE
        assert AuditEntry.objects.get().reason == ""

    def test_deleting_an_entry_is_refused(self) -> None:
        """Neither an instance nor a queryset can delete entries."""
        entry = record_entries(1)[0]
        with pytest.raises(AuditEntryImmutableError):
            entry.delete()
        with pytest.raises(AuditEntryImmutableError):
            AuditEntry.objects.all().delete()
        assert AuditEntry.objects.count() == 1

    def test_queryset_update_is_refused(self) -> None:
        """A bulk UPDATE through the ORM is refused before it reaches the database."""
        record_entries(2)
        with pytest.raises(AuditEntryImmutableError):
            AuditEntry.objects.filter(sequence=1).update(reason="x")
        assert list(AuditEntry.objects.values_list("reason", flat=True)) == ["", ""]


@pytest.mark.django_db
class TestDatabaseRefusesChanges:
    def test_raw_update_is_refused_by_the_database(self) -> None:
        """SQL that bypasses the ORM cannot UPDATE an entry: a trigger refuses it."""
        record_entries(1)
        with pytest.raises(DatabaseError, match=DB_REFUSAL):
            raw(f"UPDATE {TABLE} SET reason = 'edited'")  # noqa: S608
        assert AuditEntry.objects.get().reason == ""

    def test_raw_delete_is_refused_by_the_database(self) -> None:
        """SQL that bypasses the ORM cannot DELETE an entry."""
        record_entries(1)
        with pytest.raises(DatabaseError, match=DB_REFUSAL):
            raw(f"DELETE FROM {TABLE}")  # noqa: S608
        assert AuditEntry.objects.count() == 1

    def test_maintenance_switch_lets_this_connection_change_entries(self) -> None:
        """Inside audit_maintenance() the guard is lifted, and only there."""
        record_entries(2)
        with transaction.atomic(), audit_maintenance(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE sequence = 2")  # noqa: S608
        assert AuditEntry.objects.count() == 1
        with pytest.raises(DatabaseError, match=DB_REFUSAL):
            raw(f"DELETE FROM {TABLE}")  # noqa: S608

    def test_triggers_exist_after_all_migrations(self) -> None:
        """A later migration that rebuilds the table must not lose the guards."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                    "AND NOT tgisinternal ORDER BY tgname",
                    [TABLE],
                )
                expected = ["audit_entry_append_only", "audit_entry_no_truncate"]
            else:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                    "ORDER BY name",
                    [TABLE],
                )
                expected = ["audit_entry_no_delete", "audit_entry_no_update"]
            assert [row[0] for row in cursor.fetchall()] == expected


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_postgresql() -> None:
    """TRUNCATE, which fires no row trigger, is refused by a statement trigger."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    record_entries(1)
    with pytest.raises(DatabaseError, match=DB_REFUSAL):
        raw(f"TRUNCATE {TABLE}")
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_trail() -> None:
    """`flush` (test teardown, scratch databases) may empty the trail on purpose."""
    from django.core.management import call_command

    record_entries(3)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0
