"""The whole settlement path in the browser, citizen and clerk (issue 4).

A citizen self-checks, applies with a spouse, a child and a parent and
consents; a clerk of that county asks for a missing document, the citizen
supplies it, the clerk approves and registers; the registry shows the new
household; the QR page verifies the notice; a clerk of another county
cannot see the case by list, search, URL or API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from luohu.accounts.tests.factories import all_personas
from luohu.casework.models import SettlementApplication
from luohu.common.citizen_id import make_citizen_id
from luohu.registry.household_selectors import household_members

from .test_roles_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("divisions")]

CITIZEN_ID = "41052619880506011X"
MEMBERS = [
    ("spouse", "1989-02-03", "钱配偶", "yes"),
    ("child", "2015-08-09", "赵小宝", None),
    ("parent", "1960-11-12", "孙母亲", "yes"),
]


def small_pdf() -> bytes:
    """A minimal one-page PDF, generated for the test."""
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
        b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )


@pytest.fixture(autouse=True)
def _citizen_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CASEWORK_UPLOAD_MAX_BYTES = 1024 * 1024


def _answer(page: Page, name: str, value: str) -> None:
    page.check(f'input[name="{name}"][value="{value}"]')


@pytest.mark.django_db(transaction=True)
def test_citizen_self_checks_applies_with_family_and_sees_the_case(
    page: Page, live_server: object, artifacts_dir: Path
) -> None:
    all_personas()
    base_url = str(live_server)
    shots = artifacts_dir / "citizen"
    shots.mkdir(exist_ok=True)

    log_in(page, base_url, "applicant_zhao")
    page.goto(f"{base_url}/self-check/")
    page.fill("#id_citizen_id", CITIZEN_ID)
    page.select_option("#id_hukou_place", "410581")
    _answer(page, "hukou_nature", "rural")
    page.select_option("#id_destination_county", "410526")
    page.select_option("#id_destination", "410526102")
    _answer(page, "employed", "yes")
    page.select_option("#id_work_place", "410526")
    _answer(page, "work_legal_stable", "yes")
    page.select_option("#id_home_place", "destination")
    _answer(page, "home_legal_stable", "yes")
    page.select_option("#id_home_tenure", "rented")
    page.fill("#id_insurance_months", "6")
    page.fill("#id_years_in_town", "6")
    _answer(page, "whole_family", "yes")
    page.click('[data-add="members"]')
    page.click('[data-add="members"]')
    for i, (relation, birth, _name, consent) in enumerate(MEMBERS):
        page.select_option(f"#id_members-{i}-relation", relation)
        page.fill(f"#id_members-{i}-birth_date", birth)
        _answer(page, f"members-{i}-co_residing", "yes")
        if consent:
            _answer(page, f"members-{i}-consent", consent)
    _answer(page, "consent", "yes")
    page.click("[data-check]")
    result = page.locator('[data-result="eligible"]')
    expect(result).to_be_visible()
    expect(result).to_contain_text("AY2018-19:2.3")
    expect(page.locator('[data-member-decision="admitted"]')).to_have_count(3)
    page.screenshot(path=str(shots / "1-self-check-answer.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "1b-self-check-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 800})

    page.click("[data-apply]")
    expect(page.locator("#id_citizen_id")).to_have_value(CITIZEN_ID)
    page.fill("#id_applicant_name", "赵申请")
    for i, (_relation, _birth, name, _consent) in enumerate(MEMBERS):
        page.fill(f"#id_members-{i}-name", name)
    for i, (_relation, birth, _name, _consent) in enumerate(MEMBERS):
        member_id = make_citizen_id("410581", _date(birth), 2 * i + 2)
        page.fill(f"#id_members-{i}-citizen_id", member_id)
    pdf = {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}
    page.select_option("#id_documents-0-document_type", "resident_id_card")
    page.set_input_files("#id_documents-0-file", files=[pdf])
    page.select_option("#id_documents-1-document_type", "relationship_proof")
    page.select_option("#id_documents-1-member", "0")
    page.set_input_files("#id_documents-1-file", files=[pdf])
    page.check("#id_declaration")
    page.screenshot(path=str(shots / "2-application.png"), full_page=True)
    page.click("[data-submit]")
    page.wait_for_load_state()
    errors = page.locator(".error").all_inner_texts()
    assert not errors, errors

    expect(page).to_have_url(f"{base_url}/my/applications/")
    application = SettlementApplication.objects.get()
    expect(page.locator(f'article[data-case="{application.number}"]')).to_be_visible()
    expect(page.locator("p.message")).to_contain_text(application.number)
    page.screenshot(path=str(shots / "3-my-applications.png"), full_page=True)
    assert [m.name for m in application.members.all()] == [m[2] for m in MEMBERS]
    assert application.documents.count() == 2

    page.goto(f"{base_url}/progress/")
    page.fill("#id_number", application.number)
    page.fill("#id_id_tail", CITIZEN_ID[-6:])
    page.click("button.primary")
    expect(page.locator('[data-progress="submitted"]')).to_be_visible()
    page.screenshot(path=str(shots / "4-progress.png"), full_page=True)
    page.goto(f"{base_url}/")
    page.click("nav.mainnav button.link")

    # The 滑县 clerk accepts and asks for the missing rental contract.
    log_in(page, base_url, "clerk_li_huaxian")
    page.click('[data-nav="cases"]')
    page.locator(f'tr[data-case="{application.number}"] a').click()
    page.click('[data-action="accept"]')
    page.fill("#id_note", "请补充租赁合同")
    page.click('[data-action="request_materials"]')
    expect(page.locator("[data-status]").first).to_have_attribute(
        "data-status", "materials_requested"
    )
    page.click("nav.mainnav button.link")

    # The citizen reads the one notice and hands the contract in.
    log_in(page, base_url, "applicant_zhao")
    page.click('[data-nav="my_applications"]')
    case = page.locator(f'article[data-case="{application.number}"]')
    expect(case.locator("[data-notice]")).to_contain_text("请补充租赁合同")
    case.locator("#id_supply-0-document_type").select_option("residence_proof")
    case.locator("#id_supply-0-file").set_input_files(files=[pdf])
    page.screenshot(path=str(shots / "5-supply.png"), full_page=True)
    case.locator('[data-action="supply_materials"]').click()
    expect(page.locator(f'article[data-case="{application.number}"]')).to_have_attribute(
        "data-status", "accepted"
    )
    assert application.documents.count() == 3
    page.click("nav.mainnav button.link")

    # The clerk approves on the engine's evaluation and registers.
    log_in(page, base_url, "clerk_li_huaxian")
    page.goto(f"{base_url}/cases/{application.number}/")
    page.click('[data-action="approve"]')
    expect(page.locator('[data-decision="approved"]')).to_be_visible()
    page.click('[data-action="register"]')
    household = page.locator("[data-household]")
    expect(household).to_be_visible()
    members = household_members(str(household.get_attribute("data-household")))
    assert sorted(m.relation_to_head for m in members) == ["child", "head", "parent", "spouse"]
    page.screenshot(path=str(shots / "6-registered.png"), full_page=True)
    verify_url = page.locator("[data-verify]").get_attribute("href")
    page.click("nav.mainnav button.link")

    # Anyone can verify the notice by its QR address, without logging in.
    page.goto(f"{base_url}{verify_url}")
    expect(page.locator("body")).to_contain_text("赵**")
    expect(page.locator("body")).to_contain_text("有效")
    assert CITIZEN_ID not in page.content()
    page.screenshot(path=str(shots / "7-verification.png"), full_page=True)

    # A 林州 clerk finds nothing: not in the list, not by search, URL or API.
    log_in(page, base_url, "clerk_wang_linzhou")
    for status in ("submitted", "accepted", "registered"):
        page.goto(f"{base_url}/cases/?status={status}")
        expect(page.locator(f'tr[data-case="{application.number}"]')).to_have_count(0)
    page.goto(f"{base_url}/cases/?status=registered&q={application.number}")
    expect(page.locator(f'tr[data-case="{application.number}"]')).to_have_count(0)
    response = page.goto(f"{base_url}/cases/{application.number}/")
    assert response is not None and response.status == 404
    api = page.request.get(f"{base_url}/api/v1/casework/applications/{application.number}")
    assert api.status == 404
    listing = page.request.get(f"{base_url}/api/v1/casework/applications")
    assert application.number not in listing.text()


def _date(value: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(value)
