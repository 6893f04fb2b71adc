from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.casework.exports import EXPORT_REASON_REQUIRED
from luohu.casework.tests.factories import submitted

pytestmark = pytest.mark.usefixtures("divisions")


def test_clerk_exports_own_county_masked_with_statistics(client: Client) -> None:
    """The workbook lists the county's cases masked, counts them, and the export is audited."""
    application = submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_li_huaxian"))
    response = client.post("/cases/export.xlsx", {"status": "submitted", "reason": "月度统计"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["申请 Applications"].iter_rows(values_only=True))
    assert rows[1][0] == application.number
    assert rows[1][4] == "赵**" and rows[1][5] == "410526********011X"
    assert application.citizen_id not in str(rows)
    stats = {r[0]: r[1] for r in workbook["统计 Statistics"].iter_rows(values_only=True) if r}
    assert stats["合计 Total"] == 1
    entry = AuditEntry.objects.get(event_type=AuditEventType.EXPORT_CREATED)
    assert entry.reason == "月度统计"
    assert entry.after == {"rows": 1, "status": "submitted", "format": "xlsx", "masked": True}
    assert not AuditEntry.objects.filter(event_type=AuditEventType.PERSONAL_DATA_UNMASKED).exists()


def test_unmasked_export_shows_full_data_and_records_the_unmasking(client: Client) -> None:
    """Full names and ids leave only with the reason, recorded as an unmasking beside the export."""
    application = submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_li_huaxian"))
    response = client.post(
        "/cases/export.xlsx", {"status": "submitted", "reason": "移交公安核查", "unmask": "1"}
    )
    rows = list(
        load_workbook(io.BytesIO(response.content))["申请 Applications"].iter_rows(values_only=True)
    )
    assert rows[1][4] == application.applicant_name
    assert rows[1][5] == application.citizen_id
    export = AuditEntry.objects.get(event_type=AuditEventType.EXPORT_CREATED)
    assert export.after is not None and export.after["masked"] is False
    unmasked = AuditEntry.objects.get(event_type=AuditEventType.PERSONAL_DATA_UNMASKED)
    assert unmasked.reason == "移交公安核查"
    assert unmasked.object_type == "settlement_application_list"
    assert unmasked.after == {"rows": 1, "channel": "export"}


def test_unmasked_export_without_a_reason_is_refused_and_not_recorded(client: Client) -> None:
    submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_li_huaxian"))
    response = client.post(
        "/cases/export.xlsx", {"status": "submitted", "reason": "", "unmask": "1"}, follow=True
    )
    assert EXPORT_REASON_REQUIRED[1] in response.content.decode()
    assert not AuditEntry.objects.filter(event_type=AuditEventType.PERSONAL_DATA_UNMASKED).exists()


def test_export_without_a_reason_is_refused_and_not_recorded(client: Client) -> None:
    submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_li_huaxian"))
    response = client.post(
        "/cases/export.xlsx", {"status": "submitted", "reason": " "}, follow=True
    )
    assert EXPORT_REASON_REQUIRED[1] in response.content.decode()
    assert not AuditEntry.objects.filter(event_type=AuditEventType.EXPORT_CREATED).exists()


def test_other_county_export_holds_none_of_the_case(client: Client) -> None:
    application = submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_wang_linzhou"))
    response = client.post("/cases/export.xlsx", {"status": "", "reason": "核对"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert application.number not in str(list(workbook.active.iter_rows(values_only=True)))


def test_planning_roles_cannot_export_cases(client: Client) -> None:
    client.force_login(persona("ndrc_chen"))
    assert client.post("/cases/export.xlsx", {"reason": "x"}).status_code == 404
