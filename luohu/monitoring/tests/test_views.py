"""The monitoring pages: who sees what, data for the charts, forms and their errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

from luohu.accounts.tests.factories import persona
from luohu.monitoring.models import CountyTarget, FiguresStatus, YearFigures

pytestmark = pytest.mark.django_db

PAGES = ("overview", "counties", "casework/", "figures/", "targets/", "whatif/")


def url(page: str) -> str:
    return "/monitoring/" if page == "overview" else f"/monitoring/{page.rstrip('/')}/"


def chart_data(html: str) -> dict:
    found = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "no json_script data"
    return json.loads(found.group(1))


def no_inline_code(html: str) -> None:
    """CSP script-src 'self': scripts only by src or as JSON data; no on* or style attributes."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r'\sstyle="', html)


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("ndrc_chen", PAGES),
        ("stats_sun", ("overview", "counties", "casework/", "figures/", "targets/")),
        ("county_liu_huaxian", ("overview", "casework/", "figures/", "targets/", "whatif/")),
        ("clerk_li_huaxian", ()),
        ("applicant_zhao", ()),
        ("auditor_zhou", ()),
    ],
)
def test_each_role_reaches_exactly_its_pages(
    client: Client, computed: Path, username: str, allowed: tuple[str, ...]
) -> None:
    client.force_login(persona(username))
    for page in PAGES:
        response = client.get(url(page))
        expected = 200 if page in allowed else 404
        assert response.status_code == expected, (username, page)
        if expected == 200:
            no_inline_code(response.content.decode())


def test_city_overview_has_both_rates_the_targets_and_a_table(
    client: Client, computed: Path
) -> None:
    client.force_login(persona("ndrc_chen"))
    html = client.get("/monitoring/").content.decode()
    data = chart_data(html)
    assert data["kind"] == "overview" and data["years"] == [2015, 2020]
    assert data["hukou_rate_target"] == 40.0 and data["yearly_transfers_target"] == 100000
    assert (
        data["rows"][1]["resident_urbanization_rate"] > data["rows"][1]["hukou_urbanization_rate"]
    )
    assert 'data-chart="rates"' in html and 'table data-table="rates"' in html
    assert html.count("<tr data-year=") == 2
    assert "vendor/echarts/echarts.min.js" in html and "monitoring/dashboard.js" in html


def test_county_official_sees_only_their_county(client: Client, computed: Path) -> None:
    client.force_login(persona("county_liu_huaxian"))
    response = client.get("/monitoring/")
    assert chart_data(response.content.decode())["rows"][0]["division_code"] == "410526"
    assert client.get("/monitoring/?county=410581").status_code == 404
    assert client.get("/monitoring/?county=410500").status_code == 404
    figures = client.get("/monitoring/figures/").content.decode()
    assert set(re.findall(r'data-figures="(\d{6})-', figures)) == {"410526"}


def test_counties_page_lays_out_ten_tiles(client: Client, computed: Path) -> None:
    client.force_login(persona("stats_sun"))
    html = client.get("/monitoring/counties/").content.decode()
    data = chart_data(html)
    tiles = [c["tile"] for c in data["counties"]]
    assert len(tiles) == 10 and len({tuple(t) for t in tiles}) == 10
    # The same-treatment index of luohu.analytics.same_treatment (1.2.a), chart and table.
    assert data["same_treatment"] and all(0 <= r["value"] <= 100 for r in data["same_treatment"])
    table = html.split('data-table="same-treatment"')[1]
    assert table.count("<tr data-county=") == len(data["same_treatment"])


def test_approval_through_the_page(client: Client, computed: Path) -> None:
    county, ndrc = Client(), Client()
    county.force_login(persona("county_liu_huaxian"))
    ndrc.force_login(persona("ndrc_chen"))
    county.post(
        "/monitoring/figures/", {"action": "submit", "county_code": "410526", "year": "2020"}
    )
    ndrc.post(
        "/monitoring/figures/", {"action": "approve", "county_code": "410526", "year": "2020"}
    )
    assert YearFigures.objects.get().status == FiguresStatus.LOCKED
    response = ndrc.post(
        "/monitoring/figures/",
        {"action": "reopen", "county_code": "410526", "year": "2020", "reason": ""},
        follow=True,
    )
    assert "reason" in response.content.decode()
    assert YearFigures.objects.get().status == FiguresStatus.LOCKED
    assert chart_data(ndrc.get("/monitoring/?county=410526").content.decode())["rows"][1]["locked"]


def test_targets_form_shows_the_bilingual_refusal(client: Client, computed: Path) -> None:
    client.force_login(persona("ndrc_chen"))
    codes = (
        "410502",
        "410503",
        "410505",
        "410506",
        "410522",
        "410523",
        "410526",
        "410527",
        "410571",
        "410581",
    )
    form = {f"rate_{c}": "40" for c in codes} | {f"transfers_{c}": "9000" for c in codes}
    html = client.post("/monitoring/targets/", form).content.decode()
    assert 'data-field="yearly_hukou_transfers"' in html
    assert "90,000" in html and "short of the city" in html
    assert not CountyTarget.objects.exists()
    form |= {f"transfers_{c}": "10000" for c in codes}
    assert client.post("/monitoring/targets/", form).status_code == 302
    assert CountyTarget.objects.count() == 10
    client.force_login(persona("county_liu_huaxian"))
    assert client.post("/monitoring/targets/", form).status_code == 404


def test_whatif_page_runs_and_refuses(
    client: Client, divisions: None, population_dir: Path
) -> None:
    client.force_login(persona("ndrc_chen"))
    with override_settings(MONITORING_POPULATION_DIR=str(population_dir)):
        form = {
            "county_code": "410502",
            "parameter": "settlement/city_worker/urban_insurance_months_required",
            "value": "6",
            "run": "1",
        }
        html = client.post("/monitoring/whatif/", form).content.decode()
        data = chart_data(html)
        assert data["result"]["newly_eligible"] > 0
        assert 'data-result="newly_eligible"' in html
        no_inline_code(html)
        refused = client.post("/monitoring/whatif/", form | {"value": "24"}).content.decode()
        assert 'data-error="value"' in refused and "AY2018-19:2.2" in refused
