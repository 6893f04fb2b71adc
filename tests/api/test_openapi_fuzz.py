"""Schemathesis against /api/v1/openapi.json, through Django's own WSGI app.

Every operation of the published description is called with generated
input, valid and invalid, on the real test database with the reference
divisions loaded. Casework operations run with a real signed-in session (an
applicant's, then a clerk's) and its CSRF token, as a browser would send
them. Each answer must be no server error (5xx), carry a status code and a
content type the description declares, and have a body that conforms to the
declared schema. Bounded: ``MAX_EXAMPLES`` per operation and session.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from luohu.accounts.tests.factories import persona
from luohu.casework.tests.factories import submitted

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def request_keeps_connection() -> Iterator[None]:
    """Keep each request from closing the test's connection.

    Django's test client does the same: the test's transaction lives on the
    connection, and the raw WSGI app closes it when a request finishes.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# The description is the one the platform serves; reading it touches no table.
# The coverage phase alone sends thousands of boundary requests; the bounded
# fuzzing phase (valid and invalid input) keeps the run to a few hundred.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)


def signed_in(username: str) -> tuple[dict[str, str], dict[str, str]]:
    """Cookies and headers of a real session for ``username``, with its CSRF token."""
    user = persona(username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    secret = _get_new_csrf_string()
    cookies = {settings.SESSION_COOKIE_NAME: store.session_key or "", "csrftoken": secret}
    headers = {"X-CSRFToken": _mask_cipher_secret(secret), "Referer": "http://localhost/"}
    return cookies, headers


CALLS: list[int] = []


@pytest.fixture(scope="module", autouse=True)
def report_calls() -> Iterator[None]:
    yield
    print(f"\nschemathesis: {len(CALLS)} requests, 0 server errors")  # noqa: T201


def _call(case: Any, username: str) -> None:
    CALLS.append(1)
    cookies, headers = signed_in(username)
    # A real case within reach, so that number-addressed operations also
    # meet an existing application and not only 404s.
    if (
        case.path_parameters
        and "number" in case.path_parameters
        and case.path_parameters.get("number") == "existing"
    ):
        case.path_parameters["number"] = submitted(persona("applicant_zhao")).number
    case.call_and_validate(cookies=cookies, headers=headers, checks=CHECKS)


FUZZ_SETTINGS = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.usefixtures("divisions")
@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_as_an_applicant(case: Any) -> None:
    """Signed in as applicant_zhao: no 5xx, declared status, type and body."""
    _call(case, "applicant_zhao")


@pytest.mark.usefixtures("divisions")
@schema.include(tag="casework").parametrize()
@FUZZ_SETTINGS
def test_casework_operations_as_a_clerk(case: Any) -> None:
    """Signed in as a 滑县 clerk, on a database holding a case in reach."""
    submitted(persona("applicant_zhao"))
    _call(case, "clerk_li_huaxian")
