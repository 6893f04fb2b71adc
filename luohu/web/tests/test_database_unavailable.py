from __future__ import annotations

from django.db.utils import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from luohu.web.middleware import DatabaseUnavailableMiddleware


def test_lost_database_gives_a_bilingual_503_not_a_traceback() -> None:
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/cases/")
    response = middleware.process_exception(request, OperationalError("server closed"))
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "暂时无法访问数据库" in body and "The database is unavailable" in body
    assert "server closed" not in body


def test_other_errors_are_left_to_django() -> None:
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, ValueError("x")) is None
