"""A citizen self-checks, applies with spouse, child and parent, and sees the case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import include, path
from playwright.sync_api import Page, expect

from luohu.accounts.tests.factories import all_personas
from luohu.casework.models import SettlementApplication
from luohu.common.citizen_id import make_citizen_id
from luohu.config import urls as root_urls

from .test_roles_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("divisions")]

# The site includes the citizen pages at its root; until it does, so does the test.
urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(p, "app_name", None) == "citizen" for p in urlpatterns):
    urlpatterns.insert(0, path("", include("luohu.casework.citizen_urls")))

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
    settings.ROOT_URLCONF = __name__
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
    page.fill("#id_members-0-citizen_id", make_citizen_id("410581", _date("1989-02-03"), 2))
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


def _date(value: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(value)
