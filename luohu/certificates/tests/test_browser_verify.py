"""The verification page as a person scanning the QR code sees it, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from luohu.accounts.tests.factories import persona
from luohu.certificates.models import RevocationReason
from luohu.certificates.services import certificate_revoke
from luohu.certificates.tests.factories import HOLDER_NAME, issued_notice

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("divisions")]


@pytest.mark.django_db(transaction=True)
def test_scanned_notice_verifies_on_a_phone_then_shows_revoked(
    page: Page, live_server: object, artifacts_dir: Path
) -> None:
    """Without login, on a phone-sized screen: valid with 赵**; after revocation, revoked."""
    shots = artifacts_dir / "certificates"
    shots.mkdir(exist_ok=True)
    clerk = persona("clerk_li_huaxian")
    certificate = issued_notice(clerk)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/verify/{certificate.token}/")
    expect(page.locator('[data-status="valid"]')).to_contain_text("有效")
    expect(page.locator('[data-line="holder"]')).to_have_text("赵**")
    assert HOLDER_NAME not in page.content()
    page.screenshot(path=str(shots / "verify-valid-phone.png"), full_page=True)

    certificate_revoke(
        acting_user=clerk, certificate=certificate, reason=RevocationReason.DECISION_REVOKED
    )
    page.reload()
    expect(page.locator('[data-status="revoked"]')).to_contain_text("撤销")
    expect(page.locator('[data-line="revoked_reason"]')).to_have_text("原决定已撤销")
    page.screenshot(path=str(shots / "verify-revoked-phone.png"), full_page=True)

    response = page.goto(f"{live_server}/verify/{'x' * 32}/")
    assert response is not None and response.status == 404
    page.screenshot(path=str(shots / "verify-unknown-phone.png"), full_page=True)
