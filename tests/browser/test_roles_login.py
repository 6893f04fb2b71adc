"""Each role logs in through the real login page in Chromium and sees its own home."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from luohu.accounts.demo import DEMO_ACCOUNTS
from luohu.accounts.roles import ROLE_NAVIGATION
from luohu.accounts.tests.factories import PERSONA_PASSWORD, all_personas, otp_code

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("divisions")]


def log_in(page: Page, base_url: str, username: str) -> None:
    """Sign in through the real pages: password, then for staff the authenticator code."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    if page.locator('[data-step="otp-verify"]').count():
        page.fill("#id_code", otp_code(username))
        page.click("button[type=submit].primary")
        page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_every_role_logs_in_and_sees_its_home(
    page: Page, live_server: object, artifacts_dir: Path
) -> None:
    """Every demo role logs in, lands on its home with its own navigation, and logs out."""
    all_personas()
    base_url = str(live_server)
    shots = artifacts_dir / "roles"
    shots.mkdir(exist_ok=True)
    for account in DEMO_ACCOUNTS:
        log_in(page, base_url, account.username)
        expect(page.locator(f'[data-home="{account.role}"]')).to_be_visible()
        keys = page.locator("[data-nav]").evaluate_all("els => els.map(e => e.dataset.nav)")
        assert keys == [item.key for item in ROLE_NAVIGATION[account.role]], account.username
        if account.jurisdiction_code:
            expect(
                page.locator(f'[data-jurisdiction="{account.jurisdiction_code}"]')
            ).to_be_visible()
        page.screenshot(path=str(shots / f"{account.username}.png"), full_page=True)
        page.click("nav.mainnav button.link")
        expect(page.locator("#id_username")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_clerk_cannot_open_another_county_by_url(
    page: Page, live_server: object, artifacts_dir: Path
) -> None:
    """A 滑县 clerk sees 滑县's townships; typing 林州's address gives 404."""
    all_personas()
    base_url = str(live_server)
    log_in(page, base_url, "clerk_li_huaxian")
    page.click('[data-nav="divisions"]')
    expect(page.locator('table[data-table="townships"]')).to_be_visible()
    assert page.locator('tr[data-division^="410526"]').count() == 23
    page.screenshot(path=str(artifacts_dir / "clerk-own-county.png"), full_page=True)
    response = page.goto(f"{base_url}/divisions/410581/")
    assert response is not None and response.status == 404


@pytest.mark.django_db(transaction=True)
def test_language_switch_to_english(page: Page, live_server: object, artifacts_dir: Path) -> None:
    """The login page opens in Chinese and the switch turns it into English."""
    page.goto(f"{live_server}/login/")
    expect(page.locator("h1")).to_have_text("登录")
    page.click('button[name="language"][value="en"]')
    expect(page.locator("h1")).to_have_text("Log in")
    page.screenshot(path=str(artifacts_dir / "login-en.png"))
