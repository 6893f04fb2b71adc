"""Concurrent calls, on PostgreSQL, where writers really run side by side.

SQLite serialises writers with BEGIN IMMEDIATE, so only PostgreSQL can show
what the row locks are for. The test holds the lock the service takes,
starts two writers that queue behind it, and lets them go together.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from luohu.registry.households import settlement_register
from luohu.registry.models import Household, HukouRecord, Person
from luohu.registry.tests.household_factories import (
    DAOKOU_SUBDISTRICT,
    FAMILY,
    register_family_in_linzhou,
)

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(hold: Callable[[], Any], work: list[Callable[[], Any]]) -> list[Any]:
    """Run ``work`` in threads while ``hold`` keeps a lock; release once all wait on it."""
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        try:
            results[index] = work[index]()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    with transaction.atomic():
        hold()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _sessions_waiting_on_locks() < len(work):
            assert time.monotonic() < deadline, "the writers never queued behind the lock"
            time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    return results


def _sessions_waiting_on_locks() -> int:
    with connections["default"].cursor() as cursor:
        # Statistics views are a snapshot per transaction unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def test_a_retry_racing_the_first_call_returns_the_same_household(divisions: None) -> None:
    """Two calls of one case at once: one registers, the other finds it and writes nothing.

    The second call waits on the persons' row locks, then sees the first
    call's records; checked before the locks, it would find none and fail on
    the one-current-record constraint.
    """
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; the race needs PostgreSQL")
    register_family_in_linzhou()

    def settle() -> Household:
        return settlement_register(
            acting_user=None,
            case_ref="AY2019-0100",
            destination_division_code=DAOKOU_SUBDISTRICT,
            on=dt.date(2019, 3, 1),
            moves=list(FAMILY),
        )

    results = run_together(
        lambda: list(Person.objects.select_for_update().order_by("citizen_id")),
        [settle, settle],
    )
    assert all(isinstance(r, Household) for r in results), results
    assert results[0].pk == results[1].pk
    assert HukouRecord.objects.filter(case_ref="AY2019-0100").count() == len(FAMILY)
    assert Household.objects.filter(division_code=DAOKOU_SUBDISTRICT).count() == 1
