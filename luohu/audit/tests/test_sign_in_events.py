from __future__ import annotations

import pytest
from django.test import Client

from luohu.accounts.tests.factories import PERSONA_PASSWORD, persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditChainHead, AuditEntry
from luohu.audit.receivers import typed_username_digest
from luohu.audit.tests.helpers import record_entries

pytestmark = pytest.mark.django_db


def trail_text() -> str:
    return " ".join(str(entry.chain_content()) for entry in AuditEntry.objects.all())


def test_successful_login_is_recorded_with_account_and_address(client: Client) -> None:
    """Signing in writes LOGIN_SUCCEEDED naming the account, its role and the client address."""
    user = persona("auditor_zhou")
    response = client.post("/login/", {"username": "auditor_zhou", "password": PERSONA_PASSWORD})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(event_type=AuditEventType.LOGIN_SUCCEEDED)
    assert entry.event_type == AuditEventType.LOGIN_SUCCEEDED
    assert (entry.actor_id, entry.actor_username, entry.actor_role) == (
        user.pk,
        "auditor_zhou",
        "auditor",
    )
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(user.pk))
    assert entry.remote_addr == "127.0.0.1"
    assert PERSONA_PASSWORD not in trail_text()


def test_failed_login_for_an_account_points_at_it_without_the_password(client: Client) -> None:
    """A wrong password writes LOGIN_FAILED on that account; the typed password is nowhere."""
    user = persona("applicant_zhao")
    response = client.post("/login/", {"username": "applicant_zhao", "password": "Wrong-pass-77"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(event_type=AuditEventType.LOGIN_FAILED)
    assert entry.event_type == AuditEventType.LOGIN_FAILED
    assert entry.actor_id is None
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(user.pk))
    assert entry.after is None
    assert "Wrong-pass-77" not in trail_text()


def test_failed_login_for_an_unknown_name_keeps_only_a_keyed_hash(client: Client) -> None:
    """What was typed as a username, when no such account exists, is kept only as an HMAC."""
    typed = "Secret-typed-in-wrong-box"
    client.post("/login/", {"username": typed, "password": "whatever-123"})
    entry = AuditEntry.objects.get(event_type=AuditEventType.LOGIN_FAILED)
    assert entry.event_type == AuditEventType.LOGIN_FAILED
    assert entry.object_id == ""
    assert entry.after == {
        "typed_username_hmac": typed_username_digest(typed),
        "typed_length": len(typed),
    }
    assert typed not in trail_text()
    assert "whatever-123" not in trail_text()


def test_logout_is_recorded(client: Client) -> None:
    """Signing out writes LOGGED_OUT for the account that was signed in."""
    user = persona("applicant_zhao")
    client.force_login(user)
    client.post("/logout/")
    entry = AuditEntry.objects.get(event_type=AuditEventType.LOGGED_OUT)
    assert entry.actor_id == user.pk


def test_logout_without_a_session_records_nothing(client: Client) -> None:
    """Signing out when not signed in is not an event."""
    client.post("/logout/")
    assert AuditEntry.objects.filter(event_type=AuditEventType.LOGGED_OUT).count() == 0


def test_sign_in_that_cannot_be_recorded_does_not_stand(client: Client) -> None:
    """If LOGIN_SUCCEEDED cannot be written, the request fails and no session is left signed in."""
    persona("applicant_zhao")
    record_entries(1)
    # A chain head behind the last entry makes the next INSERT collide.
    AuditChainHead.objects.update(sequence=0)
    client.raise_request_exception = False
    response = client.post("/login/", {"username": "applicant_zhao", "password": PERSONA_PASSWORD})
    assert response.status_code == 500
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(event_type=AuditEventType.LOGIN_SUCCEEDED).count() == 0
