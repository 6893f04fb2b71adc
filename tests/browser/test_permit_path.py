"""A residence permit in the browser, from the counter to settlement (issue 6).

A 滑县 clerk takes a 林州 resident's application at the counter, checks and
issues the permit; the public QR page shows the e-permit valid. Eleven
months later (the clock moved for server and browser alike) the clerk makes
the yearly endorsement in its window and the QR page shows the new end date.
The holder then settles in 滑县: registering the settlement closes the
permit, and the QR page says the e-permit no longer stands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from luohu.accounts.tests.factories import all_personas
from luohu.casework.services import application_act
from luohu.casework.tests.factories import submitted
from luohu.casework.workflow import Action
from luohu.permits.models import ResidencePermit
from luohu.permits.selectors import add_years
from luohu.permits.tests.factories import DAOKOU_SUBDISTRICT, HOLDER_ID, HOLDER_NAME, holder

from .test_roles_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("divisions")]


def _log_out(page: Page) -> None:
    page.click("nav.mainnav button.link")


@pytest.mark.django_db(transaction=True)
def test_clerk_issues_endorses_and_settlement_closes_the_permit(
    page: Page, live_server: object, artifacts_dir: Path
) -> None:
    people = all_personas()
    base_url = str(live_server)
    shots = artifacts_dir / "permit"
    shots.mkdir(exist_ok=True)
    issue_day = timezone.localdate()
    holder(living_since=issue_day - dt.timedelta(days=300))

    # The counter: application, check, issue.
    log_in(page, base_url, "clerk_li_huaxian")
    page.click('[data-nav="cases"]')
    page.click('[data-workbench-tab="permits"]')
    page.click("[data-new-permit]")
    page.fill("#id_citizen_id", HOLDER_ID)
    page.fill("#id_name", HOLDER_NAME)
    page.select_option("#id_residence_division_code", DAOKOU_SUBDISTRICT)
    page.check('input[name="basis"][value="employment"]')
    page.screenshot(path=str(shots / "1-counter-application.png"), full_page=True)
    page.click("[data-submit]")
    permit = ResidencePermit.objects.get()
    card = page.locator(f'section[data-permit="{permit.number}"]')
    expect(card).to_have_attribute("data-status", "applied")
    expect(page.locator("[data-holder]")).to_have_text("钱**")
    assert HOLDER_ID not in page.content()
    page.click('[data-action="check"]')
    expect(page.locator('[data-eligibility="true"]')).to_be_visible()
    expect(page.locator("[data-eligibility]")).to_contain_text("SC663:2")
    page.click('[data-action="issue"]')
    expect(card).to_have_attribute("data-status", "valid")
    first_last_day = add_years(issue_day, 1) - dt.timedelta(days=1)
    expect(page.locator("[data-valid-until]")).to_have_text(f"{first_last_day:%Y-%m-%d}")
    page.screenshot(path=str(shots / "2-issued.png"), full_page=True)
    verify_url = str(page.locator("[data-verify]").get_attribute("href"))

    # The workbench list shows it in the county's valid permits.
    page.goto(f"{base_url}/permits/?status=valid")
    expect(page.locator(f'tr[data-permit="{permit.number}"]')).to_be_visible()
    page.screenshot(path=str(shots / "3-permits-tab.png"), full_page=True)
    _log_out(page)

    # Anyone verifies the e-permit by its QR address, without logging in.
    page.goto(f"{base_url}{verify_url}")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "valid")
    expect(page.locator('[data-line="holder"]')).to_have_text("钱**")
    expect(page.locator('[data-line="valid_until"]')).to_have_text(f"{first_last_day:%Y-%m-%d}")
    assert HOLDER_ID not in page.content()
    page.screenshot(path=str(shots / "4-verify-valid.png"), full_page=True)

    # Eleven months and more later, inside the month before the anniversary.
    anniversary = add_years(issue_day, 1)
    endorse_day = anniversary - dt.timedelta(days=10)
    with time_machine.travel(
        dt.datetime.combine(endorse_day, dt.time(10), tzinfo=timezone.get_current_timezone())
    ):
        log_in(page, base_url, "clerk_li_huaxian")
        page.goto(f"{base_url}/permits/{permit.number}/")
        page.click('[data-action="endorse"]')
        second_last_day = add_years(anniversary, 1) - dt.timedelta(days=1)
        expect(page.locator("[data-valid-until]")).to_have_text(f"{second_last_day:%Y-%m-%d}")
        expect(page.locator('tr[data-period="2"]')).to_have_attribute("data-late", "false")
        page.screenshot(path=str(shots / "5-endorsed.png"), full_page=True)
        _log_out(page)
        page.goto(f"{base_url}{verify_url}")
        expect(page.locator("[data-status]")).to_have_attribute("data-status", "valid")
        expect(page.locator('[data-line="valid_until"]')).to_have_text(
            f"{second_last_day:%Y-%m-%d}"
        )
        page.screenshot(path=str(shots / "6-verify-endorsed.png"), full_page=True)

        # The holder settles in 滑县: accepted and approved, then registered
        # by the clerk on the case page.
        clerk = people["clerk_li_huaxian"]
        application = submitted(
            people["applicant_zhao"], applicant_name=HOLDER_NAME, facts={"citizen_id": HOLDER_ID}
        )
        version = application.version
        for action in (Action.ACCEPT, Action.APPROVE):
            version = application_act(
                acting_user=clerk,
                number=application.number,
                action=action,
                expected_version=version,
            ).version
        log_in(page, base_url, "clerk_li_huaxian")
        page.goto(f"{base_url}/cases/{application.number}/")
        page.click('[data-action="register"]')
        expect(page.locator("[data-household]")).to_be_visible()
        page.goto(f"{base_url}/permits/{permit.number}/")
        card = page.locator(f'section[data-permit="{permit.number}"]')
        expect(card).to_have_attribute("data-status", "closed_by_settlement")
        expect(page.locator('[data-history="closed_by_settlement"]')).to_contain_text(
            application.number
        )
        expect(page.locator("[data-revoked]")).to_be_visible()
        page.screenshot(path=str(shots / "7-closed-by-settlement.png"), full_page=True)
        _log_out(page)

        page.goto(f"{base_url}{verify_url}")
        expect(page.locator("[data-status]")).to_have_attribute("data-status", "revoked")
        expect(page.locator('[data-line="revoked_reason"]')).to_be_visible()
        assert HOLDER_ID not in page.content()
        page.screenshot(path=str(shots / "8-verify-closed.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_citizen_applies_online_and_sees_the_status(
    page: Page, live_server: object, artifacts_dir: Path
) -> None:
    """A citizen applies at their place of residence and follows the application."""
    all_personas()
    base_url = str(live_server)
    shots = artifacts_dir / "permit"
    shots.mkdir(exist_ok=True)
    holder(living_since=timezone.localdate() - dt.timedelta(days=300))
    log_in(page, base_url, "applicant_zhao")
    page.goto(f"{base_url}/my/permits/")
    page.click("[data-apply-permit]")
    page.fill("#id_citizen_id", HOLDER_ID)
    page.fill("#id_name", HOLDER_NAME)
    page.select_option("#id_residence_division_code", DAOKOU_SUBDISTRICT)
    page.check('input[name="basis"][value="residence"]')
    page.screenshot(path=str(shots / "9-citizen-apply.png"), full_page=True)
    page.click("[data-submit]")
    permit = ResidencePermit.objects.get()
    article = page.locator(f'article[data-permit="{permit.number}"]')
    expect(article).to_have_attribute("data-status", "applied")
    assert HOLDER_ID not in page.content()
    page.screenshot(path=str(shots / "10-citizen-permits.png"), full_page=True)
