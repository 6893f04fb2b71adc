from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from luohu.accounts.tests.factories import persona
from luohu.audit.models import AuditEntry
from luohu.certificates.models import Certificate, RevocationReason
from luohu.certificates.selectors import certificate_status
from luohu.certificates.services import certificate_revoke
from luohu.certificates.tests.factories import HOLDER_CITIZEN_ID, HOLDER_NAME, issued_notice

pytestmark = pytest.mark.usefixtures("divisions")


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_verify_page_shows_masked_holder_and_valid(client: Client) -> None:
    """Without login the page shows 赵**, the masked id, what the notice states, and "valid"."""
    certificate = issued_notice(persona("clerk_li_huaxian"))
    response = english(client).get(f"/verify/{certificate.token}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert 'data-status="valid"' in html
    assert "Valid: this document was issued and still stands." in html
    assert "赵**" in html
    assert certificate.holder_id_masked in html
    assert "河南省安阳市滑县白道口镇" in html
    assert "钱**（配偶）、赵**（子女）" in html
    assert "AY2018-19:2.3" in html
    assert HOLDER_NAME not in html
    assert HOLDER_CITIZEN_ID not in html


def test_verify_page_in_chinese_by_default(client: Client) -> None:
    """A phone with no language chosen sees the Chinese wording."""
    certificate = issued_notice(persona("clerk_li_huaxian"))
    html = client.get(f"/verify/{certificate.token}/").content.decode()
    assert "有效：本文书经正式签发，现仍有效。" in html
    assert "准予迁入（落户）通知" in html


def test_revoked_page_says_since_when_and_why(client: Client) -> None:
    """A revoked notice still verifies: it says revoked, the date and the reason category only."""
    clerk = persona("clerk_li_huaxian")
    certificate = issued_notice(clerk)
    revoked = certificate_revoke(
        acting_user=clerk,
        certificate=certificate,
        reason=RevocationReason.DECISION_REVOKED,
        note="行政复议决定书 滑复〔2026〕3号",
    )
    day = revoked.revoked_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()  # type: ignore[union-attr]
    html = english(client).get(f"/verify/{certificate.token}/").content.decode()
    assert 'data-status="revoked"' in html
    assert f"Revoked on {day:%Y-%m-%d}: this document no longer stands." in html
    assert "The decision was revoked" in html
    assert "滑复" not in html


def test_expired_after_last_valid_day() -> None:
    """valid_until is the last valid day: valid on it, expired the day after; revoked beats both."""
    certificate = Certificate(valid_until=dt.date(2027, 6, 30))
    assert certificate_status(certificate, today=dt.date(2027, 6, 30)) == "valid"
    assert certificate_status(certificate, today=dt.date(2027, 7, 1)) == "expired"
    certificate.revoked_at = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert certificate_status(certificate, today=dt.date(2027, 7, 1)) == "revoked"


def test_unknown_token_is_404_without_hint(client: Client) -> None:
    """A wrong token, a near one or junk gets the same 404 page."""
    certificate = issued_notice(persona("clerk_li_huaxian"))
    near = certificate.token[:-1] + ("A" if certificate.token[-1] != "A" else "B")
    bodies = set()
    for token in (near, "x" * 32, "not-a-token"):
        response = english(client).get(f"/verify/{token}/")
        assert response.status_code == 404
        html = response.content.decode()
        assert 'data-status="unknown"' in html
        assert certificate.number not in html
        # The language form repeats the path, so compare the page's own part.
        bodies.add(html[html.index("<main>") : html.index("</main>")])
    assert len(bodies) == 1


def test_verification_is_counted_not_audited(client: Client) -> None:
    """Each public check adds one to the count and writes no audit entry."""
    certificate = issued_notice(persona("clerk_li_huaxian"))
    entries = AuditEntry.objects.count()
    client.get(f"/verify/{certificate.token}/")
    client.get(f"/verify/{certificate.token}/")
    certificate.refresh_from_db()
    assert certificate.verification_count == 2
    assert certificate.last_verified_at is not None
    assert AuditEntry.objects.count() == entries
