from __future__ import annotations

import pytest
from django.test import Client

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.casework.errors import CASE_CONFLICT
from luohu.casework.tests.factories import submitted
from luohu.casework.workflow import Status

pytestmark = pytest.mark.usefixtures("divisions")


def test_queue_lists_own_county_masked(client: Client) -> None:
    """The 滑县 queue shows the case with the name and id masked."""
    application = submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_li_huaxian"))
    html = client.get("/cases/").content.decode()
    assert f'data-case="{application.number}"' in html
    assert "赵**" in html and "410526********011X" in html
    assert application.citizen_id not in html


def test_queue_and_case_hidden_from_other_county(client: Client) -> None:
    application = submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_wang_linzhou"))
    assert application.number not in client.get("/cases/").content.decode()
    assert client.get(f"/cases/{application.number}/").status_code == 404
    response = client.post(
        f"/cases/{application.number}/act", {"action": "accept", "expected_version": 1}
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_planning_roles_see_no_individual_cases(client: Client) -> None:
    submitted(persona("applicant_zhao"))
    client.force_login(persona("ndrc_chen"))
    assert client.get("/cases/").status_code == 404
    # Refused outright (permissions.yaml: none), not an empty list.
    api = client.get("/api/v1/casework/applications")
    assert api.status_code == 403
    assert api.json()["code"] == "case_action_not_allowed"


def test_viewing_a_case_is_audited_and_unmasking_needs_a_reason(client: Client) -> None:
    application = submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_li_huaxian"))
    masked = client.get(f"/cases/{application.number}/").content.decode()
    assert application.citizen_id not in masked
    viewed = AuditEntry.objects.filter(
        event_type=AuditEventType.PERSONAL_DATA_VIEWED, object_id=application.number
    )
    assert viewed.count() == 1
    full = client.post(
        f"/cases/{application.number}/", {"unmask_reason": "核对户口簿"}
    ).content.decode()
    assert application.citizen_id in full
    unmasked = AuditEntry.objects.get(
        event_type=AuditEventType.PERSONAL_DATA_UNMASKED, object_id=application.number
    )
    assert unmasked.reason == "核对户口簿"


def test_clerk_acts_from_the_case_page_and_a_stale_form_is_told(client: Client) -> None:
    application = submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_li_huaxian"))
    page = client.get(f"/cases/{application.number}/").content.decode()
    assert 'data-action="accept"' in page and 'data-action="approve"' not in page
    client.post(f"/cases/{application.number}/act", {"action": "accept", "expected_version": 1})
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    response = client.post(
        f"/cases/{application.number}/act",
        {"action": "accept", "expected_version": 1},
        follow=True,
    )
    assert CASE_CONFLICT[1] in response.content.decode()


def test_applicant_sees_own_applications(client: Client) -> None:
    applicant = persona("applicant_zhao")
    application = submitted(applicant)
    client.force_login(applicant)
    assert f'data-case="{application.number}"' in client.get("/my/applications/").content.decode()
    assert client.get("/cases/").status_code == 404


def test_case_page_compares_a_decision_with_todays_rules(client: Client) -> None:
    from luohu.casework.services import application_act
    from luohu.casework.workflow import Action

    clerk = persona("clerk_li_huaxian")
    application = submitted(persona("applicant_zhao"))
    accepted = application_act(
        acting_user=clerk, number=application.number, action=Action.ACCEPT, expected_version=1
    )
    application_act(
        acting_user=clerk,
        number=application.number,
        action=Action.APPROVE,
        expected_version=accepted.version,
    )
    client.force_login(clerk)
    html = client.get(f"/cases/{application.number}/?compare=1").content.decode()
    assert 'data-reproduced="true"' in html
    assert "data-difference" not in html


def test_clerk_revokes_the_notice_and_the_public_page_says_so(client: Client) -> None:
    """A revoked notice stays verifiable and shows it no longer stands."""
    from luohu.casework.services import application_act
    from luohu.casework.workflow import Action
    from luohu.certificates.models import Certificate

    clerk = persona("clerk_li_huaxian")
    application = submitted(persona("applicant_zhao"))
    version = 1
    for action in (Action.ACCEPT, Action.APPROVE, Action.REGISTER):
        version = application_act(
            acting_user=clerk, number=application.number, action=action, expected_version=version
        ).version
    notice = Certificate.objects.get(subject_ref=application.number)
    client.force_login(clerk)
    assert "data-revoke" in client.get(f"/cases/{application.number}/").content.decode()
    response = client.post(
        f"/verify/revoke/{notice.number}/",
        {"reason": "issued_in_error", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
    notice.refresh_from_db()
    assert notice.revoked_at is not None
    client.logout()
    public = client.get(f"/verify/{notice.token}/").content.decode()
    assert "verdict revoked" in public
    assert "撤销日期" in public


def test_other_county_clerk_cannot_revoke(client: Client) -> None:
    from luohu.casework.services import application_act
    from luohu.casework.workflow import Action
    from luohu.certificates.models import Certificate

    clerk = persona("clerk_li_huaxian")
    application = submitted(persona("applicant_zhao"))
    version = 1
    for action in (Action.ACCEPT, Action.APPROVE, Action.REGISTER):
        version = application_act(
            acting_user=clerk, number=application.number, action=action, expected_version=version
        ).version
    notice = Certificate.objects.get(subject_ref=application.number)
    client.force_login(persona("clerk_wang_linzhou"))
    response = client.post(f"/verify/revoke/{notice.number}/", {"reason": "issued_in_error"})
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.revoked_at is None


def test_queue_filters_by_request_type_and_priority(client: Client) -> None:
    application = submitted(persona("applicant_zhao"))
    client.force_login(persona("clerk_li_huaxian"))
    assert application.number in client.get("/cases/?request=settle&priority=1").content.decode()
    assert application.number not in client.get("/cases/?request=student_move_in").content.decode()
