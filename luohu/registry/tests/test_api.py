from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from ninja.testing import TestClient

from luohu.registry.api import router
from luohu.registry.services import LoadResult


@pytest.fixture
def client() -> TestClient:
    return TestClient(router)


SHUIYE_2023 = {
    "code": "410505101",
    "name": "水冶镇",
    "level": "town",
    "parent_code": "410505",
    "lineage": "410522101",
    "valid_from": "2021-09-18",
    "valid_to": None,
    "is_town": True,
    "is_county_seat": None,
}


def _without_source(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in {"source", "vintage"}}


class TestDivisionDetailApi:
    def test_version_in_force(self, reference_divisions: LoadResult, client: TestClient) -> None:
        """水冶镇's 2023 code returns the 殷都区 version on the day of the move."""
        response = client.get("/divisions/410505101?on=2021-09-18")
        assert response.status_code == 200
        body = response.json()
        assert _without_source(body) == SHUIYE_2023
        assert body["vintage"] == "2023"
        assert "安政文〔2021〕66号" in body["source"]

    def test_old_code_on_the_day_before(
        self, reference_divisions: LoadResult, client: TestClient
    ) -> None:
        response = client.get("/divisions/410522101?on=2021-09-17")
        assert response.status_code == 200
        assert _without_source(response.json()) == {
            "code": "410522101",
            "name": "水冶镇",
            "level": "town",
            "parent_code": "410522",
            "lineage": "410522101",
            "valid_from": None,
            "valid_to": "2021-09-18",
            "is_town": True,
            "is_county_seat": False,
        }

    def test_unknown_code_is_404(self, reference_divisions: LoadResult, client: TestClient) -> None:
        response = client.get("/divisions/410599999?on=2021-09-18")
        assert response.status_code == 404
        assert response.json() == {
            "errors": [
                {
                    "field": "division_code",
                    "code": "division_code_unknown",
                    "message_zh": "参考区划中没有这个代码",
                    "message_en": "this code is not in the reference divisions",
                }
            ]
        }

    def test_code_not_in_force_is_404(
        self, reference_divisions: LoadResult, client: TestClient
    ) -> None:
        response = client.get("/divisions/410522101?on=2021-09-18")
        assert response.status_code == 404
        assert response.json() == {
            "errors": [
                {
                    "field": "division_code",
                    "code": "division_code_not_in_force",
                    "message_zh": "该区划代码在所给日期不在使用中",
                    "message_en": "this division code exists but was not in force on the given date",
                }
            ]
        }

    def test_bad_date_is_422(self, reference_divisions: LoadResult, client: TestClient) -> None:
        for query in [
            "?on=2021-02-30",
            "?on=20210918",
            "?on=yesterday",
            "?on=2021-9-18",
            "?on=2021-W37-6",
            "?on=２０２１-09-18",
        ]:
            response = client.get(f"/divisions/410526{query}")
            assert response.status_code == 422, query
            assert response.json() == {
                "errors": [
                    {
                        "field": "on",
                        "code": "date_invalid",
                        "message_zh": "日期无效，应为 YYYY-MM-DD",
                        "message_en": "not a valid date; use YYYY-MM-DD",
                    }
                ]
            }, query

    def test_missing_date_is_422(self, reference_divisions: LoadResult, client: TestClient) -> None:
        response = client.get("/divisions/410526")
        assert response.status_code == 422
        assert response.json() == {
            "errors": [
                {
                    "field": "on",
                    "code": "date_required",
                    "message_zh": "缺少日期",
                    "message_en": "the date is required (YYYY-MM-DD)",
                }
            ]
        }


class TestDivisionListApi:
    def test_children_of_a_county(
        self, reference_divisions: LoadResult, client: TestClient
    ) -> None:
        """滑县's 23 township-level divisions on 2023-06-30, by code."""
        response = client.get("/divisions?on=2023-06-30&parent=410526")
        assert response.status_code == 200
        body = response.json()
        assert [row["code"] for row in body][:4] == [
            "410526001",
            "410526002",
            "410526003",
            "410526102",
        ]
        assert len(body) == 23
        assert {row["parent_code"] for row in body} == {"410526"}

    def test_move_changes_the_list(
        self, reference_divisions: LoadResult, client: TestClient
    ) -> None:
        """水冶镇 is listed under 安阳县 on 2021-09-17 and under 殷都区 on 2021-09-18."""

        def names(parent: str, on: str) -> set[str]:
            return {row["name"] for row in client.get(f"/divisions?on={on}&parent={parent}").json()}

        assert "水冶镇" in names("410522", "2021-09-17")
        assert "水冶镇" not in names("410505", "2021-09-17")
        assert "水冶镇" in names("410505", "2021-09-18")
        assert "水冶镇" not in names("410522", "2021-09-18")

    def test_all_divisions_on_a_date(
        self, reference_divisions: LoadResult, client: TestClient
    ) -> None:
        """Without a parent, every division in force: 148 rows on each cut-off date."""
        assert len(client.get("/divisions?on=2018-10-31").json()) == 148
        assert len(client.get("/divisions?on=2023-06-30").json()) == 148

    def test_versions_without_code(
        self, reference_divisions: LoadResult, client: TestClient
    ) -> None:
        """安阳县 in 2016 lists 柏庄镇, 善应镇 and 马家乡 last, with a null code."""
        body = client.get("/divisions?on=2016-06-30&parent=410522").json()
        assert len(body) == 21
        assert [(row["code"], row["name"], row["valid_to"]) for row in body[-3:]] == [
            (None, "柏庄镇", "2017-01-01"),
            (None, "善应镇", "2017-01-01"),
            (None, "马家乡", "2017-01-01"),
        ]

    def test_unknown_parent_is_422(
        self, reference_divisions: LoadResult, client: TestClient
    ) -> None:
        response = client.get("/divisions?on=2023-06-30&parent=410599")
        assert response.status_code == 422
        assert response.json() == {
            "errors": [
                {
                    "field": "parent",
                    "code": "division_code_unknown",
                    "message_zh": "参考区划中没有这个代码",
                    "message_en": "this code is not in the reference divisions",
                }
            ]
        }

    def test_bad_date_is_422(self, db: Any, client: TestClient) -> None:
        response = client.get("/divisions?on=2023-13-01")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "on"
        assert response.json()["errors"][0]["code"] == "date_invalid"


class TestMountedApi:
    def test_public_without_login(self, reference_divisions: LoadResult) -> None:
        """The mounted endpoint answers an anonymous request at /api/v1/registry/."""
        response = Client().get("/api/v1/registry/divisions/410526?on=2023-06-30")
        assert response.status_code == 200
        assert response.json()["name"] == "滑县"
