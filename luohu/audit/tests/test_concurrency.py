from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.audit.selectors import audit_chain_verify
from luohu.audit.services import audit_record

WRITERS = 8
ENTRIES_PER_WRITER = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain() -> None:
    """Eight threads appending at once leave one unbroken chain, 1..N, no duplicate links."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; the race needs PostgreSQL")
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for item in range(ENTRIES_PER_WRITER):
                with transaction.atomic():
                    audit_record(
                        acting_user=None,
                        event_type=AuditEventType.CASE_SUBMITTED,
                        obj_type="casework.case",
                        obj_id=f"{number}-{item}",
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = WRITERS * ENTRIES_PER_WRITER
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, total + 1))
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == total
    report = audit_chain_verify()
    assert (report.ok, report.count) == (True, total)
