from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.test import Client, override_settings

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.forms import AUDIT_DATE_RANGE_REVERSED
from luohu.audit.models import AuditEntry
from luohu.audit.services import audit_record
from luohu.audit.tests.helpers import record_entries
from luohu.audit.views import PAGE_SIZE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("luohu.audit.tests.urls"),
]


def sequences(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'data-sequence="(\d+)"', html)]


def signed_in(client: Client, username: str) -> Client:
    client.force_login(persona(username))
    return client


@pytest.mark.parametrize("username", ["auditor_zhou"])
def test_auditor_sees_the_trail(client: Client, username: str) -> None:
    """The auditor gets the page, newest entry first (三员分立: only the auditor)."""
    signed_in(client, username)
    record_entries(3)
    response = client.get("/audit/")
    assert response.status_code == 200
    shown = sequences(response.content.decode())
    assert shown == sorted(shown, reverse=True)
    assert len(shown) == AuditEntry.objects.count() - 1  # not the search just recorded


@pytest.mark.parametrize(
    "username", ["applicant_zhao", "ndrc_chen", "stats_sun", "admin_wu", "security_xu"]
)
def test_other_roles_are_told_the_page_does_not_exist(client: Client, username: str) -> None:
    """Roles other than the auditor get 404, and no search is recorded."""
    signed_in(client, username)
    assert client.get("/audit/").status_code == 404
    assert AuditEntry.objects.filter(event_type=AuditEventType.AUDIT_SEARCHED).count() == 0


@pytest.mark.usefixtures("divisions")
@pytest.mark.parametrize("username", ["clerk_li_huaxian", "county_liu_huaxian"])
def test_county_roles_are_told_the_page_does_not_exist(client: Client, username: str) -> None:
    """Clerks and county officials get 404."""
    signed_in(client, username)
    assert client.get("/audit/").status_code == 404


def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_search_filters_by_event_object_actor_and_jurisdiction(client: Client) -> None:
    """Each filter narrows the result to exactly the matching entries."""
    signed_in(client, "auditor_zhou")
    ndrc = persona("ndrc_chen")
    cases_written = [entry.sequence for entry in record_entries(2)]
    with transaction.atomic():
        target = audit_record(
            acting_user=ndrc,
            event_type=AuditEventType.PERMIT_REVOKED,
            obj_type="permits.permit",
            obj_id=9,
            jurisdiction_code="410581",
        )
    cases = {
        "event_type=302": [target.sequence],
        "object_type=permits.permit&object_id=9": [target.sequence],
        "actor=ndrc_chen": [target.sequence],
        "jurisdiction=410581": [target.sequence],
        "jurisdiction=410526": cases_written[::-1],
        "event_type=302&jurisdiction=410526": [],
    }
    for query, expected in cases.items():
        html = client.get(f"/audit/?{query}").content.decode()
        assert sequences(html) == expected, query


def test_search_by_date_range_counts_whole_local_days(client: Client) -> None:
    """From and to are whole days in Beijing time; the end day is included."""
    signed_in(client, "auditor_zhou")
    record_entries(1)
    today = (
        AuditEntry.objects.get(sequence=1)
        .occurred_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        .date()
    )
    day = today.isoformat()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert 1 in sequences(client.get(f"/audit/?date_from={day}&date_to={day}").content.decode())
    assert sequences(client.get(f"/audit/?date_from={tomorrow}").content.decode()) == []


def test_reversed_date_range_is_refused(client: Client) -> None:
    """A start after the end is an error on the form, and nothing is searched."""
    signed_in(client, "auditor_zhou")
    html = client.get("/audit/?date_from=2026-02-02&date_to=2026-02-01").content.decode()
    assert AUDIT_DATE_RANGE_REVERSED in html
    assert AuditEntry.objects.filter(event_type=AuditEventType.AUDIT_SEARCHED).count() == 0


def test_results_are_paginated(client: Client) -> None:
    """More than a page of entries splits across pages with the filters kept."""
    signed_in(client, "auditor_zhou")
    written = [entry.sequence for entry in record_entries(PAGE_SIZE + 5)]
    first = client.get("/audit/?event_type=200").content.decode()
    second = client.get("/audit/?event_type=200&page=2").content.decode()
    assert sequences(first) == written[: -PAGE_SIZE - 1 : -1]
    assert sequences(second) == written[4::-1]
    assert 'href="?event_type=200&amp;page=2"' in first


def test_the_auditors_own_search_is_recorded_with_its_filters(client: Client) -> None:
    """Each search writes AUDIT_SEARCHED with the filters used and the number of matches."""
    auditor = persona("auditor_zhou")
    client.force_login(auditor)
    record_entries(2)
    client.get("/audit/?object_type=casework.case&object_id=1")
    entry = AuditEntry.objects.get(event_type=AuditEventType.AUDIT_SEARCHED)
    assert entry.actor_id == auditor.pk
    assert entry.after == {
        "filters": {"object_type": "casework.case", "object_id": "1"},
        "page": 1,
        "matches": 1,
    }


@override_settings(LANGUAGE_CODE="en")
def test_page_names_events_in_both_languages(client: Client) -> None:
    """Event names are shown in Chinese and English whatever the interface language."""
    signed_in(client, "auditor_zhou")
    html = client.get("/audit/?event_type=1").content.decode()
    assert "登录成功 / login succeeded" in html


def test_page_is_chinese_first(client: Client) -> None:
    """The default language is zh-Hans: headings come from the audit app's catalogue."""
    signed_in(client, "auditor_zhou")
    html = client.get("/audit/").content.decode()
    assert "<h1>审计记录</h1>" in html
    assert "操作人（用户名）" in html
