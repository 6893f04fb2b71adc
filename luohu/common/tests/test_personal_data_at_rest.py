"""No citizen id or name in plaintext: not in the database, not in the logs.

One run of the main flows (submission through the API and its errors, the
public progress look-up, the clerk's queue search, case page, unmasking,
accept, approve, register with its certificate, both exports, registry
writes and look-ups, the public verification page) with every logger at
DEBUG and every SQL statement logged with its parameters. Then every
captured record and every row of every table is scanned for the ids and
names the run used, and for anything shaped like an 18-character id.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from luohu.accounts.tests.factories import persona
from luohu.casework.models import SettlementApplication
from luohu.casework.tests.factories import FAMILY_FACTS
from luohu.certificates.models import Certificate
from luohu.common.citizen_id import make_citizen_id
from luohu.registry.household_selectors import person_get, person_hukou_history
from luohu.registry.households import person_register, residence_record

pytestmark = pytest.mark.usefixtures("divisions")

# Names chosen so a hit cannot come from reference data (place names) by chance.
APPLICANT_NAME = "欧阳澜汐"
MEMBER_NAMES = ["司马青禾", "欧阳小满", "上官秋月"]
APPLICANT_ID = FAMILY_FACTS["citizen_id"]
MEMBER_IDS = [m["citizen_id"] for m in FAMILY_FACTS["family_members"]]
RESIDENT_NAME = "诸葛云舒"
RESIDENT_ID = make_citizen_id("410526", dt.date(1979, 9, 9), 37)
# A well-formed id typed with the wrong check digit: refused, never stored.
MISTYPED_ID = APPLICANT_ID[:-1] + ("1" if APPLICANT_ID[-1] != "1" else "2")
# Standing alone: hex digests (blind indexes, hashes) and the fractions of
# query durations hold 18-digit runs by chance.
ID_SHAPE = re.compile(r"(?<![0-9A-Za-z.])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")

KAIYUAN_SUBDISTRICT = "410581001"  # 开元街道, 林州市: urban
DAOKOU_SUBDISTRICT = "410526001"  # 道口镇街道, 滑县: urban


@dataclass(frozen=True)
class Secrets:
    ids: tuple[str, ...]
    names: tuple[str, ...]

    def hits(self, text: str) -> list[str]:
        found = [value for value in (*self.ids, *self.names) if value in text]
        # JSON columns may hold a name as ASCII escapes (\u6b27...).
        found += [f"escaped {n}" for n in self.names if json.dumps(n)[1:-1] in text]
        found += [f"id-shaped {m}" for m in ID_SHAPE.findall(text)]
        return found


SECRETS = Secrets(
    ids=(APPLICANT_ID, *MEMBER_IDS, RESIDENT_ID, MISTYPED_ID),
    names=(APPLICANT_NAME, *MEMBER_NAMES, RESIDENT_NAME),
)


def _payload(key: str, citizen_id: str = APPLICANT_ID) -> dict[str, Any]:
    facts = copy.deepcopy(FAMILY_FACTS)
    facts["citizen_id"] = citizen_id
    return {
        "applicant_name": APPLICANT_NAME,
        "member_names": MEMBER_NAMES,
        "facts": facts,
        "submission_key": key,
    }


def run_main_flows(client: Client) -> SettlementApplication:
    """Walk a case from submission to registration through every channel."""
    clerk = persona("clerk_li_huaxian")
    # The applicant already has a hukou in 林州: registration finds them by id.
    person_register(
        acting_user=None,
        citizen_id=APPLICANT_ID,
        name=APPLICANT_NAME,
        sex="male",
        birth_date=dt.date(1988, 5, 6),
        division_code=KAIYUAN_SUBDISTRICT,
        relation_to_head="head",
        on=dt.date(2016, 1, 1),
        reason_in="initial_load",
    )

    client.force_login(persona("applicant_zhao"))
    api = "/api/v1/casework/applications"
    refused = client.post(
        api, json.dumps(_payload("key-mistyped", MISTYPED_ID)), content_type="application/json"
    )
    assert refused.status_code == 422
    created = client.post(
        api, json.dumps(_payload("key-good-0001")), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert client.get(f"{api}/no-such-number").status_code == 404
    client.logout()

    assert (
        client.post("/progress/", {"number": number, "id_tail": APPLICANT_ID[-6:]}).status_code
        == 200
    )
    client.post("/progress/", {"number": number, "id_tail": "000000"})

    client.force_login(clerk)
    queue = client.get("/cases/", {"status": "submitted", "q": APPLICANT_ID.lower()})
    assert f'data-case="{number}"' in queue.content.decode()
    assert client.get(f"/cases/{number}/").status_code == 200
    unmasked = client.post(f"/cases/{number}/", {"unmask_reason": "核对户口簿"})
    assert APPLICANT_NAME in unmasked.content.decode()
    version = 1
    for action in ("accept", "approve", "register"):
        client.post(f"/cases/{number}/act", {"action": action, "expected_version": version})
        version += 1
    application = SettlementApplication.objects.get(number=number)
    assert application.status == "registered"
    client.post("/cases/export.xlsx", {"status": "", "reason": "月度统计"})
    client.post("/cases/export.xlsx", {"status": "", "reason": "移交核查", "unmask": "1"})
    client.force_login(persona("clerk_wang_linzhou"))
    assert client.get(f"/cases/{number}/").status_code == 404
    client.logout()

    notice = Certificate.objects.get(subject_ref=number)
    assert client.get(f"/verify/{notice.token}/").status_code == 200

    person_register(
        acting_user=clerk,
        citizen_id=RESIDENT_ID,
        name=RESIDENT_NAME,
        sex="male",
        birth_date=dt.date(1979, 9, 9),
        division_code=DAOKOU_SUBDISTRICT,
        relation_to_head="head",
        on=dt.date(2020, 1, 1),
        reason_in="initial_load",
    )
    residence_record(
        acting_user=clerk,
        citizen_id=RESIDENT_ID.lower(),
        division_code=DAOKOU_SUBDISTRICT,
        valid_from=dt.date(2021, 1, 1),
    )
    assert person_get(APPLICANT_ID).name == APPLICANT_NAME
    assert [r.division_code[:6] for r in person_hukou_history(APPLICANT_ID)] == [
        "410581",
        "410526",
    ]
    return application


@pytest.fixture
def sql_logged() -> Iterator[None]:
    """Log every SQL statement with its parameters, as DEBUG=True would."""
    previous = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        yield
    finally:
        connection.force_debug_cursor = previous


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args), repr(getattr(record, "sql", ""))]
    parts.append(repr(getattr(record, "params", "")))
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def test_the_scanner_finds_what_it_looks_for() -> None:
    """The scans below can fail: a planted id, name or id-shaped number is found."""
    assert SECRETS.hits(f"x {APPLICANT_ID} y") == [APPLICANT_ID, f"id-shaped {APPLICANT_ID}"]
    assert SECRETS.hits(f"申请人{MEMBER_NAMES[1]}") == [MEMBER_NAMES[1]]
    assert SECRETS.hits("410526199901019999") == ["id-shaped 410526199901019999"]
    assert SECRETS.hits("410526********011X e1:1:abc") == []
    assert SECRETS.hits("9fa0002768370000012510ab 0.000221903999999995") == []


def test_no_personal_data_in_any_log_record(
    client: Client, caplog: pytest.LogCaptureFixture, sql_logged: None
) -> None:
    """Every record logged at DEBUG and above during the main flows holds no id or name."""
    caplog.set_level(logging.DEBUG)
    for name in ("django.db.backends", "django.request", "django.security", "luohu"):
        caplog.set_level(logging.DEBUG, logger=name)
    run_main_flows(client)
    sql = [r for r in caplog.records if r.name == "django.db.backends"]
    # The capture did see the flows: hundreds of statements, ciphertexts in them.
    assert len(sql) > 200
    assert any("e1:" in _record_text(r) for r in sql)
    leaks = {
        f"{r.name}:{r.levelname}": SECRETS.hits(_record_text(r))
        for r in caplog.records
        if SECRETS.hits(_record_text(r))
    }
    assert leaks == {}


def _text(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _all_rows() -> Iterator[tuple[str, str]]:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (names from introspection)
            for row in cursor.fetchall():
                yield table, " ".join(_text(v) for v in row)


def test_the_database_holds_no_plaintext_id_or_name(client: Client) -> None:
    """Raw SQL over every table finds neither the ids nor the names the flows stored."""
    application = run_main_flows(client)
    rows = 0
    leaks: dict[str, list[str]] = {}
    for table, text in _all_rows():
        rows += 1
        found = SECRETS.hits(text)
        if found:
            leaks.setdefault(table, []).extend(found)
    assert leaks == {}
    # The scan read the tables that hold the encrypted values.
    assert rows > 100
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citizen_id, applicant_name, citizen_id_index FROM "
            "casework_settlementapplication WHERE number = %s",
            [application.number],
        )
        raw_id, raw_name, index = cursor.fetchone()
    assert raw_id.startswith("e1:") and raw_name.startswith("e1:")
    assert len(index) == 64
    # Through the ORM the same row reads in full.
    assert application.citizen_id == APPLICANT_ID
    assert application.applicant_name == APPLICANT_NAME
