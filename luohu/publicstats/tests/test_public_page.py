"""The public progress page and the bulletin: no sign-in, no personal data, numbers as computed."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luohu.analytics.indicators import indicators
from luohu.analytics.population import generate_population, snapshot_path
from luohu.publicstats.bulletin import SHEET_CITY, SHEET_COUNTIES, SHEET_NOTES, SUPPRESSED

SCALE = 0.002
YEAR = 2020
SMALL_COUNTY = "410571"  # 高新区: given 3 transfers below
CITIZEN_ID = re.compile(r"\b\d{17}[\dX]\b")


@pytest.fixture
def published(divisions: Any, tmp_path: Path) -> Path:
    """Synthetic population 2015-2020, figures stored by `luohu bulletin --source`, transfers set."""
    from luohu.monitoring.models import IndicatorFigures

    source = tmp_path / "population"
    generate_population(SCALE, source, seed=7, progress=False)
    call_command(
        "bulletin", "--year", str(YEAR), "--out", str(tmp_path / "out"), "--source", str(source)
    )
    # Known transfers, one of them small (the stored files have none of their own here).
    for index, row in enumerate(
        IndicatorFigures.objects.filter(year=YEAR).exclude(division_code="410500")
    ):
        row.hukou_transfers = 3 if row.division_code == SMALL_COUNTY else 20 + 5 * index
        row.save(update_fields=["hukou_transfers"])
    return source


def _cells(html: str, code: str) -> dict[str, str]:
    row = re.search(rf'<tr data-code="{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, code
    return dict(re.findall(r'<td data-column="([a-z_]+)">([^<]*)</td>', row.group(1)))


@pytest.mark.django_db
def test_the_page_needs_no_sign_in_and_shows_the_computed_figures(
    published: Path, client: Client
) -> None:
    response = client.get(reverse("publicstats:progress"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    expected = indicators(snapshot_path(published, YEAR), year=YEAR)
    for row in expected.iter_rows(named=True):
        cells = _cells(html, row["division_code"])
        if cells["residents"] != SUPPRESSED:
            assert cells["residents"] == f"{row['residents']:,}"
        if cells["resident_urbanization_rate"] != SUPPRESSED:
            assert cells["resident_urbanization_rate"] == f"{row['resident_urbanization_rate']:.2f}"
    city = _cells(html, "410500")
    assert city["hukou_urbanization_rate"] == f"{expected[-1, 'hukou_urbanization_rate']:.2f}"
    # The small transfer count and exactly one complementary cell are hidden.
    assert _cells(html, SMALL_COUNTY)["hukou_transfers"] == SUPPRESSED
    hidden = [
        code
        for code in expected["division_code"].to_list()
        if _cells(html, code)["hukou_transfers"] == SUPPRESSED
    ]
    assert len(hidden) == 2
    assert "410500" not in hidden
    assert not CITIZEN_ID.search(html)
    assert 'data-download="xlsx"' in html and 'data-download="pdf"' in html
    assert "<script>" not in html  # CSP: data by json_script, code in static files


@pytest.mark.django_db
def test_without_figures_the_page_says_so(client: Client) -> None:
    response = client.get(reverse("publicstats:progress"))
    assert response.status_code == 200
    assert b'data-empty="true"' in response.content


@pytest.mark.django_db
def test_bulletin_tables_match_the_indicators_and_the_page(published: Path, client: Client) -> None:
    response = client.get(reverse("publicstats:bulletin_xlsx", args=[YEAR]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [SHEET_COUNTIES, SHEET_CITY, SHEET_NOTES]
    sheet = book[SHEET_COUNTIES]
    header = [c.value for c in sheet[2]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=3, values_only=True)
    }
    expected = indicators(snapshot_path(published, YEAR), year=YEAR)
    for row in expected.iter_rows(named=True):
        got = rows[row["division_code"]]
        if got["常住人口 Residents"] != SUPPRESSED:
            assert got["常住人口 Residents"] == row["residents"]
        if got["户籍人口城镇化率 Hukou urbanisation rate (%)"] != SUPPRESSED:
            assert (
                got["户籍人口城镇化率 Hukou urbanisation rate (%)"]
                == row["hukou_urbanization_rate"]
            )
    assert rows[SMALL_COUNTY]["转户人数 Hukou transfers"] == SUPPRESSED
    assert sum(r["转户人数 Hukou transfers"] == SUPPRESSED for r in rows.values()) == 2
    city_by_year = list(book[SHEET_CITY].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in city_by_year] == list(range(2015, YEAR + 1))
    notes = [r for r in book[SHEET_NOTES].iter_rows(min_row=2, values_only=True)]
    kinds = {r[0] for r in notes}
    assert {"definition", "source", "suppression", "假设 assumption"} <= kinds
    assert any(r[1] == "hukou_urban_share_before_settlement" for r in notes)

    pdf = client.get(reverse("publicstats:bulletin_pdf", args=[YEAR]))
    assert pdf.status_code == 200
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    city = expected.filter(pl.col("division_code") == "410500").row(0, named=True)
    assert f"{city['residents']:,}" in text
    assert f"{city['resident_urbanization_rate']:.2f}" in text
    fonts: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf.content)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    assert any("CJK" in f for f in fonts), fonts


@pytest.mark.django_db
def test_bulletin_command_writes_both_files(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (out / f"anyang-bulletin-{YEAR}.xlsx").stat().st_size > 0
    assert (out / f"anyang-bulletin-{YEAR}.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="no figures for 2014|2015"):
        call_command("bulletin", "--year", "2014", "--out", str(out))


@pytest.mark.django_db
def test_an_unknown_year_is_404(published: Path, client: Client) -> None:
    assert client.get(reverse("publicstats:bulletin_xlsx", args=[2030])).status_code == 404
