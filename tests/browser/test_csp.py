"""No page breaks the Content-Security-Policy: Chromium reports every violation, and there are none.

Each role signs in through the real pages (password, then the authenticator
code for staff) and opens every page of its navigation; the public pages are
opened signed out. Chromium reports CSP violations both as console errors and
as `securitypolicyviolation` events; both are collected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page

from luohu.accounts.demo import DEMO_ACCOUNTS
from luohu.accounts.roles import ROLE_NAVIGATION
from luohu.accounts.tests.factories import all_personas
from luohu.casework.tests.factories import submitted

from .test_roles_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("divisions")]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""
PUBLIC_PAGES = ("/login/", "/self-check/", "/progress/", "/healthz", "/api/v1/docs")


class Violations:
    def __init__(self, page: Page) -> None:
        self.found: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.found.append(f"console: {message.text}")

    def collect(self, page: Page, where: str) -> None:
        page.wait_for_load_state("networkidle")
        for item in page.evaluate("window.__cspViolations || []"):
            self.found.append(f"{where}: {item}")


@pytest.mark.django_db(transaction=True)
def test_main_pages_raise_no_csp_violation(
    page: Page, live_server: Any, artifacts_dir: Path
) -> None:
    personas = all_personas()
    application = submitted(personas["applicant_zhao"])
    base_url = str(live_server)
    violations = Violations(page)
    visited = []
    for path in PUBLIC_PAGES:
        response = page.goto(f"{base_url}{path}")
        assert response is not None and "content-security-policy" in response.headers
        violations.collect(page, path)
        visited.append(path)
    for account in DEMO_ACCOUNTS:
        log_in(page, base_url, account.username)
        paths = [reverse(item.url_name) for item in ROLE_NAVIGATION[account.role]]
        if account.username == "clerk_li_huaxian":
            paths.append(f"/cases/{application.number}/")
        for path in paths:
            page.goto(f"{base_url}{path}")
            violations.collect(page, f"{account.username} {path}")
            visited.append(f"{account.username} {path}")
        page.goto(f"{base_url}/")
        page.click("nav.mainnav button.link")
    # The enrolment page with its QR image, for a member of staff without a device.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=personas["auditor_zhou"]).delete()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", "auditor_zhou")
    from luohu.accounts.tests.factories import PERSONA_PASSWORD

    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector('[data-step="otp-enrol"]')
    # The QR is its own request: wait until the browser has decoded it.
    page.wait_for_function(
        "() => { const img = document.querySelector('img.otp-qr');"
        " return img !== null && img.complete && img.naturalWidth > 0; }"
    )
    page.screenshot(path=str(artifacts_dir / "otp-enrol.png"), full_page=True)
    violations.collect(page, "enrolment")
    assert len(visited) > 20
    assert violations.found == []
    # The collector itself works: an inline style set now is refused and reported.
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    violations.collect(page, "self-test")
    assert any("style-src" in item for item in violations.found), violations.found
