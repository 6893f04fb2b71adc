"""我能享受什么 in Chromium: answer a few questions, read each service with its clause."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_a_permit_holder_reads_entitlements_without_logging_in(
    page: Page, live_server: object, artifacts_dir: Path
) -> None:
    shots = artifacts_dir / "entitlements"
    shots.mkdir(exist_ok=True)
    page.goto(f"{live_server}/entitlements/")
    page.select_option('select[name="county"]', "410526")
    page.check('input[name="residence_status"][value="permit_holder"]')
    page.fill('input[name="income"]', "300")
    page.check('input[name="dibao_assets"][value="yes"]')
    page.click("[data-check]")
    dibao = page.locator('[data-service="minimum_living_allowance"]')
    expect(dibao).to_have_attribute("data-entitled", "yes")
    expect(dibao).to_contain_text("AY2018-19:3.8")
    housing = page.locator('[data-service="housing_security"]')
    expect(housing).to_have_attribute("data-entitled", "no")
    page.screenshot(path=str(shots / "entitlements-permit-holder.png"), full_page=True)
    page.goto(f"{live_server}/same-treatment/?on=2020-01-01")
    expect(page.locator('[data-county="410526"] [data-share]')).to_have_text("84.6%")
    page.screenshot(path=str(shots / "same-treatment.png"), full_page=True)
