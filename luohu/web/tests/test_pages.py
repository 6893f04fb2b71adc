from __future__ import annotations

import re

import pytest
from django.test import Client

from luohu.accounts.roles import ROLE_NAVIGATION
from luohu.accounts.tests.factories import all_personas

pytestmark = pytest.mark.usefixtures("divisions")


def nav_keys(html: str) -> list[str]:
    return re.findall(r'data-nav="([a-z_]+)"', html)


def test_each_role_sees_exactly_its_own_navigation(client: Client) -> None:
    """The navigation rendered for each role is the one declared in ROLE_NAVIGATION."""
    for username, user in all_personas().items():
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 200, username
        expected = [item.key for item in ROLE_NAVIGATION[user.role]]
        assert nav_keys(response.content.decode()) == expected, username
        assert f'data-home="{user.role}"' in response.content.decode()


def test_clerk_sees_own_county_and_not_another(client: Client) -> None:
    """A 滑县 clerk lists 滑县's townships; 林州's page does not exist for them."""
    personas = all_personas()
    client.force_login(personas["clerk_li_huaxian"])
    overview = client.get("/divisions/")
    assert overview.status_code == 302
    assert overview["Location"] == "/divisions/410526/"
    own = client.get("/divisions/410526/").content.decode()
    assert 'data-division="410526' in own
    assert 'data-division="410581' not in own
    assert client.get("/divisions/410581/").status_code == 404


def test_city_official_lists_every_county(client: Client) -> None:
    """The city commission sees all ten county-level units and can open any of them."""
    client.force_login(all_personas()["ndrc_chen"])
    html = client.get("/divisions/").content.decode()
    counties = re.findall(r'data-county="(\d{6})"', html)
    assert len(counties) == 10
    assert client.get("/divisions/410581/").status_code == 200


def test_applicant_has_no_divisions_page(client: Client) -> None:
    """Pages outside a role's navigation answer 404, not an empty page."""
    client.force_login(all_personas()["applicant_zhao"])
    assert client.get("/divisions/").status_code == 404
    assert client.get("/divisions/410526/").status_code == 404


def test_anonymous_user_is_sent_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_is_chinese_first_and_switches_to_english(client: Client) -> None:
    """The default language is zh-Hans; the language switch gives English."""
    assert "登录" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in" in client.get("/login/").content.decode()
