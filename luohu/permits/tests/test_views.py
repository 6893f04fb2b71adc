"""The permit pages through Django's test client: reach, masking, audit, bilingual errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from luohu.accounts.models import User
from luohu.accounts.tests.factories import all_personas
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.permits.models import ResidencePermit

from .factories import DAOKOU_SUBDISTRICT, HOLDER_ID, HOLDER_NAME, applied, holder, issued

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def people(db: object) -> dict[str, User]:
    personas = all_personas()
    holder(living_since=timezone.localdate() - dt.timedelta(days=300))
    return personas


def test_queue_lists_the_county_permits_masked_and_the_workbench_links_it(
    client: Client, people
) -> None:
    permit = issued(people["clerk_li_huaxian"])
    client.force_login(people["clerk_li_huaxian"])
    html = client.get("/permits/?status=valid").content.decode()
    assert f'data-permit="{permit.number}"' in html
    assert "钱**" in html and HOLDER_ID not in html and HOLDER_NAME not in html
    assert 'data-workbench-tab="permits"' in client.get("/cases/").content.decode()
    assert permit.number in client.get(f"/permits/?q={HOLDER_ID}").content.decode()
    assert (
        f'data-permit="{permit.number}"'
        not in client.get("/permits/?status=applied").content.decode()
    )


def test_other_county_clerk_and_planning_roles_get_nothing(client: Client, people) -> None:
    permit = issued(people["clerk_li_huaxian"])
    client.force_login(people["clerk_wang_linzhou"])
    row = f'data-permit="{permit.number}"'
    assert row not in client.get("/permits/").content.decode()
    assert row not in client.get(f"/permits/?q={permit.number}").content.decode()
    assert client.get(f"/permits/{permit.number}/").status_code == 404
    response = client.post(
        f"/permits/{permit.number}/act",
        {"action": "suspend", "expected_version": permit.version, "note": "x"},
    )
    assert response.status_code == 404
    client.force_login(people["stats_sun"])
    assert client.get("/permits/").status_code == 404


def test_detail_view_is_audited_and_actions_come_from_the_table(client: Client, people) -> None:
    permit = applied(people["clerk_li_huaxian"])
    client.force_login(people["clerk_li_huaxian"])
    html = client.get(f"/permits/{permit.number}/").content.decode()
    assert 'data-action="check"' in html and 'data-action="issue"' not in html
    assert AuditEntry.objects.filter(
        event_type=AuditEventType.PERSONAL_DATA_VIEWED, object_id=permit.number
    ).exists()
    client.force_login(people["auditor_zhou"])
    assert 'data-action="' not in client.get(f"/permits/{permit.number}/").content.decode()


def test_refusing_without_a_note_shows_the_bilingual_reason(client: Client, people) -> None:
    permit = applied(people["clerk_li_huaxian"])
    client.force_login(people["clerk_li_huaxian"])
    response = client.post(
        f"/permits/{permit.number}/act",
        {"action": "refuse", "expected_version": permit.version},
        follow=True,
    )
    html = response.content.decode()
    assert "请填写理由 / a reason is required for this action" in html
    permit.refresh_from_db()
    assert permit.status == "applied"


def test_counter_application_outside_the_county_is_refused_on_its_field(
    client: Client, people
) -> None:
    client.force_login(people["clerk_wang_linzhou"])
    page = client.get("/permits/new/").content.decode()
    assert DAOKOU_SUBDISTRICT not in page  # only 林州's townships are offered
    response = client.post(
        "/permits/new/",
        {
            "citizen_id": HOLDER_ID,
            "name": HOLDER_NAME,
            "residence_division_code": DAOKOU_SUBDISTRICT,
            "basis": "employment",
        },
    )
    assert response.status_code == 200
    assert not ResidencePermit.objects.exists()


def test_citizen_applies_online_and_follows_the_status(client: Client, people) -> None:
    client.force_login(people["applicant_zhao"])
    bad = client.post(
        "/my/permits/apply/",
        {
            "citizen_id": HOLDER_ID,
            "name": "钱错名",
            "residence_division_code": DAOKOU_SUBDISTRICT,
            "basis": "residence",
        },
    ).content.decode()
    assert "公民身份号码与姓名不匹配，或尚未办理居住登记" in bad
    assert 'data-error="citizen_id"' in bad
    response = client.post(
        "/my/permits/apply/",
        {
            "citizen_id": HOLDER_ID,
            "name": HOLDER_NAME,
            "residence_division_code": DAOKOU_SUBDISTRICT,
            "basis": "residence",
        },
    )
    assert response["Location"] == "/my/permits/"
    permit = ResidencePermit.objects.get()
    assert permit.applicant == people["applicant_zhao"]
    assert permit.county_code == "410526"
    mine = client.get("/my/permits/").content.decode()
    assert f'data-permit="{permit.number}"' in mine and 'data-status="applied"' in mine
    assert client.get("/permits/").status_code == 404
