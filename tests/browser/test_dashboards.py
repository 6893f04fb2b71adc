"""The city official's dashboards in Chromium: charts drawn by the local ECharts, the what-if."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from playwright.sync_api import Page, expect

from luohu.accounts.tests.factories import persona
from luohu.analytics.population import generate_population

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("divisions")]

ECHARTS = (
    Path(__file__).resolve().parents[2] / "luohu/monitoring/static/vendor/echarts/echarts.min.js"
)
INSURANCE = "settlement/city_worker/urban_insurance_months_required"


def sign_in(page: Page, base_url: str, username: str) -> None:
    """A signed-in session for the persona (force_login counts as past the second factor)."""
    client = Client()
    client.force_login(persona(username))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )


@pytest.fixture
def city_figures(tmp_path: Path) -> Any:
    """A 0.2 % synthetic Anyang (2015, 2020) with its indicators computed."""
    from luohu.monitoring.services import indicators_refresh

    generate_population(0.002, tmp_path, 2018, years=(2015, 2020), progress=False)
    for year in (2015, 2020):
        indicators_refresh(acting_user=None, year=year, source=str(tmp_path))
    with override_settings(MONITORING_POPULATION_DIR=str(tmp_path)):
        yield tmp_path


@pytest.mark.django_db(transaction=True)
def test_city_official_sees_the_dashboards_and_runs_a_what_if(
    page: Page, live_server: Any, artifacts_dir: Path, city_figures: Path
) -> None:
    """Charts are canvases drawn without console errors; a what-if shows newly eligible people."""
    assert ECHARTS.is_file(), "ECharts is installed by `make install` (npm ci)"
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    base_url = str(live_server)
    sign_in(page, base_url, "ndrc_chen")
    shots = artifacts_dir / "dashboards"
    shots.mkdir(exist_ok=True)

    page.goto(f"{base_url}/monitoring/")
    for chart in ("rates", "gap", "transfers"):
        expect(page.locator(f'[data-chart="{chart}"][data-rendered="true"] canvas')).to_have_count(
            1
        )
    expect(page.locator('table[data-table="rates"] tr[data-year]')).to_have_count(2)
    page.screenshot(path=str(shots / "city-overview.png"), full_page=True)

    page.click('[data-nav="county_comparison"]')
    expect(page.locator('[data-chart="tiles"][data-rendered="true"] canvas')).to_have_count(1)
    expect(
        page.locator('[data-chart="same_treatment"][data-rendered="true"] canvas')
    ).to_have_count(1)
    expect(page.locator('table[data-table="counties"] tr[data-county]')).to_have_count(10)
    page.screenshot(path=str(shots / "counties-tile-map.png"), full_page=True)

    page.click('[data-nav="whatif"]')
    page.select_option("#id_county_code", "410502")
    page.select_option("#id_parameter", INSURANCE)
    page.fill("#id_value", "6")
    page.click('button[name="run"]')
    newly = page.locator('[data-result="newly_eligible"]')
    expect(newly).to_be_visible()
    assert int(newly.inner_text()) > 0
    expect(page.locator('[data-chart="whatif"][data-rendered="true"] canvas')).to_have_count(1)
    page.screenshot(path=str(shots / "whatif-result.png"), full_page=True)

    page.fill("#id_value", "18")
    page.click('button[name="run"]')
    expect(page.locator('[data-error="value"]')).to_contain_text("AY2018-19:2.2")
    page.screenshot(path=str(shots / "whatif-refused.png"), full_page=True)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_the_public_progress_page_shows_figures_and_no_personal_data(
    page: Page, live_server: Any, artifacts_dir: Path, city_figures: Path
) -> None:
    """Anyone opens /public/progress/ (4.2): figures and a chart, no name and no id anywhere."""
    from luohu.casework.tests.factories import FAMILY_NAMES, submitted

    application = submitted(persona("applicant_zhao"))
    personal = [application.citizen_id, application.applicant_name, *FAMILY_NAMES]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{live_server}/public/progress/?year=2020")
    # Ten counties and the city.
    expect(page.locator('table[data-table="counties"] tbody tr[data-code]')).to_have_count(11)
    expect(page.locator('table[data-table="counties"] tr[data-code="410500"].city')).to_have_count(
        1
    )
    expect(page.locator('[data-chart="public-trend"][data-rendered="true"] canvas')).to_have_count(
        1
    )
    shots = artifacts_dir / "dashboards"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "public-progress.png"), full_page=True)
    text = page.content()
    for value in personal:
        assert value not in text
    assert not re.search(r"\b\d{17}[\dXx]\b", text), "something shaped like a citizen id"
    assert errors == []
