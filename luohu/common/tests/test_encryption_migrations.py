"""The migrations that encrypt existing rows, run forward over plaintext data and back."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from luohu.common import crypto

BEFORE = [("registry", "0002_persons_households"), ("casework", "0003_duplicatereview")]
ID = "41052619880506011X"
NAME = "欧阳澜汐"
FACTS = {"citizen_id": ID, "family_members": [{"citizen_id": "410581198902030228"}]}


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_schema(transactional_db: None) -> Iterator[Any]:
    """The database as it was before field encryption; put back to the latest afterwards."""
    apps = _migrate(BEFORE)
    try:
        yield apps
    finally:
        _migrate(_latest())


def _raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def test_existing_rows_are_encrypted_and_decrypted_back(old_schema: Any) -> None:
    """Forward seals plaintext rows and fills the indexes; backward restores them exactly."""
    person = old_schema.get_model("registry", "Person").objects.create(
        citizen_id=ID, name=NAME, sex="male", birth_date=dt.date(1988, 5, 6)
    )
    now = timezone.now()
    application = old_schema.get_model("casework", "SettlementApplication").objects.create(
        number="41052620240506000001",
        request_type="settle",
        county_code="410526",
        destination_division_code="410526102",
        applicant=None,
        citizen_id=ID,
        applicant_name=NAME,
        birth_date=dt.date(1988, 5, 6),
        facts=FACTS,
        consent_given_at=now,
        preview_decision="eligible",
        submission_key="h3-migration-key",
        submitted_at=now,
    )
    old_schema.get_model("casework", "FamilyMember").objects.create(
        application=application,
        position=0,
        relation="spouse",
        name="司马青禾",
        citizen_id="410581198902030228",
        birth_date=dt.date(1989, 2, 3),
        co_residing=True,
    )

    _migrate(_latest())
    ((raw_id, raw_name, index),) = _raw(
        "SELECT citizen_id, name, citizen_id_index FROM registry_person WHERE id = %s", [person.pk]
    )
    assert raw_id.startswith("e1:") and raw_name.startswith("e1:")
    assert index == crypto.citizen_id_index(ID)
    ((app_id, app_name, app_facts, app_index, name_index),) = _raw(
        "SELECT citizen_id, applicant_name, facts, citizen_id_index, name_birth_index "
        "FROM casework_settlementapplication WHERE id = %s",
        [application.pk],
    )
    assert all(v.startswith("e1:") for v in (app_id, app_name, app_facts))
    assert app_index == index
    assert name_index == crypto.name_birth_index(NAME, dt.date(1988, 5, 6))
    ((member_name, member_id),) = _raw("SELECT name, citizen_id FROM casework_familymember")
    assert member_name.startswith("e1:") and member_id.startswith("e1:")

    from luohu.casework.models import SettlementApplication
    from luohu.registry.household_selectors import person_get

    assert person_get(ID).name == NAME
    assert SettlementApplication.objects.get(pk=application.pk).facts == FACTS

    _migrate(BEFORE)
    assert _raw("SELECT citizen_id, name FROM registry_person WHERE id = %s", [person.pk]) == [
        (ID, NAME)
    ]
    ((back_id, back_name, back_facts),) = _raw(
        "SELECT citizen_id, applicant_name, facts FROM casework_settlementapplication"
    )
    assert (back_id, back_name) == (ID, NAME)
    assert (json.loads(back_facts) if isinstance(back_facts, str) else back_facts) == FACTS
