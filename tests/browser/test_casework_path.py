"""A clerk and a citizen work one family application through the real pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from luohu.accounts.tests.factories import all_personas
from luohu.casework.models import Decision
from luohu.casework.tests.factories import submitted
from luohu.registry.household_selectors import household_members

from .test_roles_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("divisions")]


@pytest.mark.django_db(transaction=True)
def test_clerk_asks_for_materials_citizen_supplies_clerk_approves(
    page: Page, live_server: object, artifacts_dir: Path
) -> None:
    """Accept, ask for a missing document, the citizen supplies it, the clerk approves."""
    personas = all_personas()
    application = submitted(personas["applicant_zhao"])
    base_url = str(live_server)
    shots = artifacts_dir / "casework"
    shots.mkdir(exist_ok=True)

    log_in(page, base_url, "clerk_li_huaxian")
    page.click('[data-nav="cases"]')
    row = page.locator(f'tr[data-case="{application.number}"]')
    expect(row).to_contain_text("赵**")
    page.screenshot(path=str(shots / "1-queue.png"), full_page=True)
    row.locator("a").click()
    page.click('[data-action="accept"]')
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "accepted")
    page.fill("#id_note", "请补充租赁合同")
    page.click('[data-action="request_materials"]')
    expect(page.locator("[data-status]").first).to_have_attribute(
        "data-status", "materials_requested"
    )
    page.click("nav.mainnav button.link")

    log_in(page, base_url, "applicant_zhao")
    page.click('[data-nav="my_applications"]')
    case = page.locator(f'article[data-case="{application.number}"]')
    expect(case.locator("[data-notice]")).to_contain_text("请补充租赁合同")
    page.screenshot(path=str(shots / "2-citizen-notice.png"), full_page=True)
    case.locator('[data-action="supply_materials"]').click()
    expect(page.locator(f'article[data-case="{application.number}"]')).to_have_attribute(
        "data-status", "accepted"
    )
    page.click("nav.mainnav button.link")

    log_in(page, base_url, "clerk_li_huaxian")
    page.goto(f"{base_url}/cases/{application.number}/")
    page.click('[data-action="approve"]')
    expect(page.locator('[data-decision="approved"]')).to_be_visible()
    page.locator("details summary").first.click()
    expect(page.locator('table[data-table="trace"]')).to_contain_text("AY2018-19:1.2.d")
    page.screenshot(path=str(shots / "3-approved-with-trace.png"), full_page=True)
    assert Decision.objects.get(application=application).evaluation["eligible"] is True
    page.click('[data-action="register"]')
    household = page.locator("[data-household]")
    expect(household).to_be_visible()
    number = household.get_attribute("data-household")
    members = household_members(str(number))
    assert sorted(m.relation_to_head for m in members) == ["child", "head", "parent", "spouse"]
    page.screenshot(path=str(shots / "4-registered.png"), full_page=True)

    # The QR of the notice opens a public page: no login, masked holder, still valid.
    verify_url = page.locator("[data-verify]").get_attribute("href")
    public = page.context.browser.new_context(locale="zh-CN")  # type: ignore[union-attr]
    anonymous = public.new_page()
    anonymous.goto(f"{base_url}{verify_url}")
    expect(anonymous.locator("body")).to_contain_text("赵**")
    expect(anonymous.locator("body")).to_contain_text("有效")
    assert application.citizen_id not in anonymous.content()
    anonymous.screenshot(path=str(shots / "5-public-verification.png"), full_page=True)
    public.close()

    page.goto(f"{base_url}/login/")
    page.click("nav.mainnav button.link")
    log_in(page, base_url, "clerk_wang_linzhou")
    response = page.goto(f"{base_url}/cases/{application.number}/")
    assert response is not None and response.status == 404
