"""Residence-permit coverage (AY2018-19:3.10) on the county comparison page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from luohu.accounts.tests.factories import all_personas, persona
from luohu.common.citizen_id import make_citizen_id
from luohu.permits.tests.factories import D, holder, issued

pytestmark = pytest.mark.usefixtures("divisions")


def coverage_rows(html: str) -> dict[str, list[str]]:
    section = html.split('data-table="permit-coverage"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for code, cells in re.findall(r'<tr data-county="(\d+)">(.*?)</tr>', section, re.S):
        rows[code] = re.findall(r"<td>(.*?)</td>", cells)
    return rows


def one_holder_and_one_without() -> None:
    """Two people of 林州 live in 滑县 (urban) since 2023; one gets a permit in 2024."""
    clerk = all_personas()["clerk_li_huaxian"]
    with_permit = make_citizen_id("410581", D(1990, 1, 1), 11)
    without = make_citizen_id("410581", D(1990, 1, 1), 13)
    for citizen_id, name in ((with_permit, "甲一"), (without, "乙二")):
        holder(
            citizen_id=citizen_id, name=name, birth_date=D(1990, 1, 1), living_since=D(2023, 1, 1)
        )
    day = dt.datetime(2024, 3, 11, 4, tzinfo=dt.UTC)
    with time_machine.travel(day, tick=False):
        issued(clerk, citizen_id=with_permit, name="甲一")


def test_city_roles_see_each_county_and_the_city(client: Client) -> None:
    one_holder_and_one_without()
    client.force_login(persona("stats_sun"))
    html = client.get(reverse("monitoring:counties") + "?coverage_year=2024").content.decode()
    rows = coverage_rows(html)
    assert rows["410526"][1:] == ["2", "1", "50.0"]
    assert rows["410500"][1:] == ["2", "1", "50.0"]


def test_a_year_before_any_permit_shows_nobody_covered(client: Client) -> None:
    one_holder_and_one_without()
    client.force_login(persona("ndrc_chen"))
    html = client.get(reverse("monitoring:counties") + "?coverage_year=2023").content.decode()
    assert coverage_rows(html)["410526"][1:] == ["2", "0", "0.0"]
