"""Sign-in controls through the real login pages: lockout, second factor, idle timeout.

Passwords go through django-axes and Django's ModelBackend; staff then pass
a TOTP code checked by django-otp. Nothing here uses force_login.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from luohu.accounts.tests.factories import PERSONA_PASSWORD, otp_code, persona, totp_code_now
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.security.middleware import LAST_SEEN_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("divisions")]


def events(event: AuditEventType) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(event_type=event).order_by("sequence"))


def password_login(client: Client, username: str, password: str = PERSONA_PASSWORD) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def test_applicant_signs_in_with_a_password_alone(client: Client) -> None:
    """Citizens are not asked for a second factor."""
    persona("applicant_zhao")
    response = password_login(client, "applicant_zhao")
    assert response["Location"] == "/"  # type: ignore[index]
    assert client.get("/").status_code == 200
    assert not events(AuditEventType.SECOND_FACTOR_PASSED)


def test_staff_password_alone_reaches_nothing_until_the_code(client: Client) -> None:
    """After the password a clerk is sent to the code page; pages and the API wait for it."""
    clerk = persona("clerk_li_huaxian")
    response = password_login(client, "clerk_li_huaxian")
    assert response["Location"].startswith("/login/code/")  # type: ignore[index]
    for path in ("/", "/cases/", "/divisions/"):
        blocked = client.get(path)
        assert blocked.status_code == 302
        assert blocked["Location"].startswith("/login/code/?next=")
    api = client.get("/api/v1/casework/applications")
    assert api.status_code == 403
    assert api.json()["errors"][0]["code"] == "second_factor_required"
    assert "工作人员" in api.json()["errors"][0]["message_zh"]

    wrong = client.post("/login/code/", {"code": "000000", "next": "/cases/"})
    assert wrong.status_code == 400
    assert "动态口令不正确" in wrong.content.decode()
    assert "the code is wrong" in wrong.content.decode()
    assert client.get("/").status_code == 302
    [failed] = events(AuditEventType.SECOND_FACTOR_FAILED)
    assert (failed.actor_id, failed.remote_addr) == (clerk.pk, "127.0.0.1")

    right = client.post("/login/code/", {"code": otp_code("clerk_li_huaxian"), "next": "/cases/"})
    assert right["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/v1/casework/applications").status_code == 200
    [passed] = events(AuditEventType.SECOND_FACTOR_PASSED)
    assert passed.actor_id == clerk.pk


def test_a_code_is_accepted_once(client: Client) -> None:
    """The same code cannot sign in a second session (replay)."""
    persona("auditor_zhou")
    code = otp_code("auditor_zhou")
    password_login(client, "auditor_zhou")
    assert client.post("/login/code/", {"code": code})["Location"] == "/"
    other = Client()
    password_login(other, "auditor_zhou")
    assert other.post("/login/code/", {"code": code}).status_code == 400


def test_staff_without_a_device_enrol_with_a_qr_code_then_confirm(client: Client) -> None:
    """A new member of staff sees a QR code (an SVG image), confirms one code, and is in."""
    from luohu.accounts.services import user_create

    user = user_create(
        username="clerk_new", password="Clerk-new-2018x", role="clerk", jurisdiction_code="410526"
    )
    response = client.post("/login/", {"username": "clerk_new", "password": "Clerk-new-2018x"})
    assert response["Location"].startswith("/login/authenticator/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="/login/authenticator/qr.svg"' in html
    assert "<script" not in html
    qr = client.get("/login/authenticator/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<?xml") or b"<svg" in qr.content[:200]
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    shown = html.split("data-secret>")[1].split("<")[0].replace(" ", "")
    from base64 import b32encode

    assert shown == b32encode(device.bin_key).decode().rstrip("=")

    assert client.post("/login/authenticator/", {"code": "123456"}).status_code == 400
    # After a wrong code django-otp makes the next wait a second (doubling each time).
    throttled = client.post("/login/authenticator/", {"code": totp_code_now(device.key)})
    assert "尝试过于频繁" in throttled.content.decode()
    time.sleep(1.1)
    confirmed = client.post("/login/authenticator/", {"code": totp_code_now(device.key)})
    assert confirmed["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/cases/").status_code == 200
    [enrolled] = events(AuditEventType.SECOND_FACTOR_ENROLLED)
    assert enrolled.actor_id == user.pk
    assert len(events(AuditEventType.SECOND_FACTOR_FAILED)) == 1
    # Once enrolled, the QR code is gone: the key is never shown again.
    assert client.get("/login/authenticator/qr.svg").status_code == 404


def test_five_wrong_passwords_lock_the_account_until_unlocked(client: Client) -> None:
    """The sixth try is refused even with the right password, in zh and en; unlock is audited."""
    clerk = persona("clerk_li_huaxian")
    for _ in range(5):
        assert password_login(client, "clerk_li_huaxian", "Wrong-pass-1").status_code in (200, 429)
    locked = password_login(client, "clerk_li_huaxian")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "账户已锁定" in body and "Account locked" in body
    assert "_auth_user_id" not in client.session
    # Locked at the fifth failure, and each refused try while locked is recorded.
    entries = events(AuditEventType.ACCOUNT_LOCKED)
    assert entries
    assert {(e.object_id, e.remote_addr) for e in entries} == {(str(clerk.pk), "127.0.0.1")}

    security = Client()
    security.force_login(persona("security_xu"))
    page = security.get("/security/users/").content.decode()
    assert 'data-account="clerk_li_huaxian"' in page
    assert 'data-locked="yes"' in page
    assert security.post(f"/security/users/{clerk.pk}/unlock").status_code == 302
    [unlocked] = events(AuditEventType.ACCOUNT_UNLOCKED)
    assert (unlocked.actor_username, unlocked.object_id) == ("security_xu", str(clerk.pk))
    assert password_login(Client(), "clerk_li_huaxian").status_code == 302


def test_only_the_security_administrator_unlocks(client: Client) -> None:
    """The system administrator and the auditor do not reach the unlock action."""
    clerk = persona("clerk_li_huaxian")
    for username in ("admin_wu", "auditor_zhou", "clerk_li_huaxian"):
        client.force_login(persona(username))
        assert client.post(f"/security/users/{clerk.pk}/unlock").status_code == 404
        assert client.get("/security/users/").status_code == 404
    assert not events(AuditEventType.ACCOUNT_UNLOCKED)


def test_security_administrator_resets_a_lost_second_factor(client: Client) -> None:
    """After a reset the clerk enrols again at the next sign-in; the reset is audited."""
    clerk = persona("clerk_li_huaxian")
    client.force_login(persona("security_xu"))
    assert client.post(f"/security/users/{clerk.pk}/otp-reset").status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    [reset] = events(AuditEventType.SECOND_FACTOR_RESET)
    assert (reset.actor_username, reset.object_id) == ("security_xu", str(clerk.pk))
    again = Client()
    assert password_login(again, "clerk_li_huaxian")["Location"].startswith(  # type: ignore[index]
        "/login/authenticator/"
    )


def test_idle_staff_session_ends_after_the_set_time(client: Client, settings: object) -> None:
    """30 minutes without a request signs a member of staff out, audited; the page says why."""
    clerk = persona("clerk_li_huaxian")
    password_login(client, "clerk_li_huaxian")
    client.post("/login/code/", {"code": otp_code("clerk_li_huaxian")})
    assert client.get("/cases/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.LUOHU_STAFF_IDLE_SECONDS - 5  # type: ignore[attr-defined]
    session.save()
    expired = client.get("/cases/")
    assert expired.status_code == 302
    assert expired["Location"].startswith("/login/?")
    assert "expired=1" in expired["Location"]
    assert "_auth_user_id" not in client.session
    [entry] = events(AuditEventType.SESSION_EXPIRED)
    assert entry.actor_id == clerk.pk
    login_page = client.get(expired["Location"]).content.decode()
    assert "without activity" in login_page or "未操作" in login_page


def test_recent_activity_keeps_the_session(client: Client, settings: object) -> None:
    """A request inside the idle window keeps the clerk signed in."""
    persona("clerk_li_huaxian")
    password_login(client, "clerk_li_huaxian")
    client.post("/login/code/", {"code": otp_code("clerk_li_huaxian")})
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.LUOHU_STAFF_IDLE_SECONDS + 60  # type: ignore[attr-defined]
    session.save()
    assert client.get("/cases/").status_code == 200


def test_admin_site_login_goes_through_the_platform_login(client: Client) -> None:
    """The admin site's own password form is never offered (it would skip lockout and 2FA)."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
