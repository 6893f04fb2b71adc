"""The permission matrix (luohu/accounts/permissions.yaml) against the real views.

Generated from the matrix: for EVERY role (and anonymous) × EVERY endpoint of
the urlconf (pages, exports, API operations, the admin site) × an object of
the user's own county (or own record) and one of another county (or another
applicant), one request through the real middleware, views and selectors on
a real database, and the declared outcome asserted:

- allowed (self/county/city/public) on an own object or a page → reached:
  GET answers 200 (after a non-login redirect); POST is not refused as out of
  reach (not 401/404, not sent to the login page; the workflow may still
  refuse the action itself with a message, 403 or 409);
- an object outside a self/county scope → exactly 404, never 200;
- none → 401/403/404 or the login page.

A second test fails for every endpoint of the urlconf without a row, so a new
page cannot be added without declaring who may reach it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from luohu.accounts.permissions import ANONYMOUS, ROLES, matrix_row, permission_matrix
from luohu.accounts.roles import ROLE_NAVIGATION, Role, page_allowed

# One persona per role; the county roles are of 滑县 (410526).
ROLE_PERSONA: dict[str, str | None] = {
    ANONYMOUS: None,
    Role.APPLICANT: "applicant_zhao",
    Role.CLERK: "clerk_li_huaxian",
    Role.COUNTY_OFFICIAL: "county_liu_huaxian",
    Role.CITY_NDRC: "ndrc_chen",
    Role.STATISTICS: "stats_sun",
    Role.AUDITOR: "auditor_zhou",
    Role.SYSTEM_ADMIN: "admin_wu",
    Role.SECURITY_ADMIN: "security_xu",
}
OWN_COUNTY, OTHER_COUNTY = "410526", "410581"
API_PREFIX = "/api/v1"
API_METHODS = ("get", "post", "put", "patch", "delete")
# Representative pages of the admin site for its wildcard row.
ADMIN_PATHS = ("/admin/", "/admin/accounts/user/", "/admin/registry/division/")
DENIED = frozenset({401, 403, 404})
POST_REACHED = frozenset({200, 201, 302, 400, 403, 409, 422})


@dataclass(frozen=True)
class Side:
    """The objects of one side (own / other) that URL arguments are filled from."""

    case_number: str
    certificate_number: str
    certificate_token: str
    document_id: int
    county_code: str
    user_id: int
    permit_number: str


@dataclass(frozen=True)
class World:
    own: Side
    other: Side


# ---------------------------------------------------------------- the world

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def _submitted_with_document(applicant: Any, **overrides: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luohu.casework.documents import DocumentUpload, application_submit_with_documents
    from luohu.casework.tests.factories import submit_in

    upload = DocumentUpload(
        field="documents-0-file",
        document_type="resident_id_card",
        member_position=None,
        file=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
    )
    application, _ = application_submit_with_documents(
        acting_user=applicant, data=submit_in(**overrides), uploads=[upload]
    )
    return application


def _permits_of_both_counties(personas: dict[str, Any]) -> tuple[Any, Any]:
    """A residence permit applied for in 滑县 and one in 林州, each by its county's clerk."""
    from luohu.common.citizen_id import make_citizen_id
    from luohu.permits.services import permit_apply
    from luohu.permits.tests.factories import holder

    living_since = dt.date.today() - dt.timedelta(days=2 * 365)
    permits = []
    for sequence, (clerk, hukou_code, residence_code) in enumerate(
        (
            ("clerk_li_huaxian", "410581001", "410526001"),
            ("clerk_wang_linzhou", "410526001", "410581001"),
        )
    ):
        birth_date = dt.date(1991, 5, 6)
        # Odd sequence digits make men, as holder() registers the person.
        citizen_id = make_citizen_id(hukou_code[:6], birth_date, 31 + 2 * sequence)
        name = f"矩阵持证{sequence}"
        holder(
            citizen_id=citizen_id,
            name=name,
            birth_date=birth_date,
            hukou_code=hukou_code,
            residence_code=residence_code,
            living_since=living_since,
        )
        permits.append(
            permit_apply(
                acting_user=personas[clerk],
                citizen_id=citizen_id,
                name=name,
                residence_division_code=residence_code,
                basis="employment",
            )
        )
    return permits[0], permits[1]


def _build_world(media_root: Path) -> World:
    from luohu.accounts.services import user_create
    from luohu.accounts.tests.factories import all_personas
    from luohu.certificates.tests.factories import issued_notice
    from luohu.common.citizen_id import make_citizen_id
    from luohu.registry.testing import load_reference_divisions

    load_reference_divisions()
    personas = all_personas()
    other_applicant = user_create(
        username="applicant_qian", password="Persona-pass-2018", role=Role.APPLICANT
    )
    own_case = _submitted_with_document(personas["applicant_zhao"])
    other_case = _submitted_with_document(
        other_applicant,
        facts={
            "citizen_id": make_citizen_id("410526", dt.date(1990, 1, 1), 19),
            "hukou": {
                "division_code": "410526",
                "nature": "rural",
                "registered_at_destination": False,
            },
            "destination": {"division_code": "410581101", "kind": "established_town"},
            "employment": {"employed": True, "division_code": "410581", "legal_stable": True},
            "residence": {
                "division_code": "410581101",
                "legal_stable": True,
                "tenure": "rented",
            },
        },
    )
    assert (own_case.county_code, other_case.county_code) == (OWN_COUNTY, OTHER_COUNTY)
    permits = _permits_of_both_counties(personas)
    sides = []
    for case, clerk, permit in (
        (own_case, personas["clerk_li_huaxian"], permits[0]),
        (other_case, personas["clerk_wang_linzhou"], permits[1]),
    ):
        notice = issued_notice(clerk, subject_ref=case.number, county_code=case.county_code)
        document = case.documents.get()
        sides.append(
            Side(
                case_number=case.number,
                certificate_number=notice.number,
                certificate_token=notice.token,
                document_id=document.pk,
                county_code=case.county_code,
                user_id=clerk.pk,
                permit_number=permit.number,
            )
        )
    return World(own=sides[0], other=sides[1])


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at the end."""
    media_root = tmp_path_factory.mktemp("matrix-media")
    with override_settings(MEDIA_ROOT=media_root), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world(media_root)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ------------------------------------------------------- endpoints and probes


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), full)
        elif isinstance(pattern, URLPattern):
            label = pattern.name or f"<unnamed {prefix}{pattern.pattern}>"
            name = f"{namespace}:{label}" if namespace else label
            yield (name, prefix + str(pattern.pattern))


def _api_operations() -> list[str]:
    from luohu.config.api import api

    schema = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in API_METHODS
    )


def urlconf_endpoints() -> list[str]:
    """Every endpoint key of the urlconf: URL names, and API operations one by one."""
    keys: set[str] = set(_api_operations())
    for name, _route in _walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            keys.add("admin:*")
        elif name.startswith("api-1:") and name not in {
            "api-1:api-root",
            "api-1:openapi-json",
            "api-1:openapi-view",
        }:
            continue  # operations are listed from the OpenAPI description
        else:
            keys.add(name)
    return sorted(keys)


def _probed_endpoints() -> list[str]:
    return [key for key, row in permission_matrix().items() if row.get("probe", True)]


_KWARG_SOURCES = {
    "county_code": "county_code",
    "code": "county_code",
    "token": "certificate_token",
    "document_id": "document_id",
    "user_id": "user_id",
}


def _kwargs_for(key: str, names: list[str], side: Side) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name in names:
        if name == "number":
            if key.startswith("certificates:"):
                kwargs[name] = side.certificate_number
            elif key.startswith("permits:"):
                kwargs[name] = side.permit_number
            else:
                kwargs[name] = side.case_number
        elif name == "year":
            kwargs[name] = 2020
        elif name == "position":
            kwargs[name] = 1
        elif name in _KWARG_SOURCES:
            kwargs[name] = getattr(side, _KWARG_SOURCES[name])
        else:
            raise AssertionError(f"{key}: no probe object for URL argument {name!r}")
    return kwargs


def _url_arguments(key: str) -> list[str]:
    if " " in key:
        return re.findall(r"{(\w+)}", key.split(" ", 1)[1])
    resolver = get_resolver()
    possibilities = resolver.reverse_dict.getlist(key.split(":")[-1])
    for name, route in _walk(resolver.url_patterns):
        if name == key:
            return re.findall(r"<(?:\w+:)?(\w+)>", route)
    raise AssertionError(f"{key}: in the matrix but not in the urlconf ({possibilities})")


def _paths(key: str, side: Side | None) -> list[tuple[str, str]]:
    """(method, path) pairs probing ``key`` with the objects of ``side``."""
    if key == "admin:*":
        return [("GET", path) for path in ADMIN_PATHS]
    names = _url_arguments(key)
    kwargs = _kwargs_for(key, names, side) if side is not None and names else {}
    if " " in key:
        method, template = key.split(" ", 1)
        return [(method, re.sub(r"{(\w+)}", lambda m: str(kwargs[m.group(1)]), template))]
    method = str(permission_matrix()[key].get("method", "GET"))
    return [(method, reverse(key, kwargs=kwargs or None))]


def _post_data(key: str, world_side: Side | None) -> dict[str, Any]:
    return {
        "casework:act": {"action": "accept", "expected_version": "999"},
        "casework:export": {"status": "submitted", "reason": "permission matrix test"},
        "casework:member_consent": {"consent": "give"},
        "casework:duplicate_review": {"other": "", "verdict": ""},
        "permits:act": {"action": "check", "expected_version": "999"},
        "citizen:supply": {
            "expected_version": "999",
            "supply-TOTAL_FORMS": "0",
            "supply-INITIAL_FORMS": "0",
        },
        "certificates:revoke": {"reason": "", "next": "/"},
        "set_language": {"language": "zh-hans", "next": "/"},
    }.get(key, {})


def _submission() -> dict[str, Any]:
    from luohu.casework.tests.factories import submit_in

    return json.loads(submit_in(submission_key="matrix-probe").model_dump_json())


_API_BODIES: dict[str, Any] = {
    "POST /api/v1/casework/applications": _submission,
    "POST /api/v1/casework/applications/{number}/actions": {
        "action": "accept",
        "expected_version": 999,
    },
}


def _api_body(key: str) -> Any:
    body = _API_BODIES.get(key, {})
    return body() if callable(body) else body


def _request(client: Client, key: str, method: str, path: str, side: Side | None) -> Any:
    if method == "GET":
        return client.get(path)
    if key.startswith(("POST ", "PUT ", "PATCH ", "DELETE ")):
        return client.generic(
            method,
            path,
            data=json.dumps(_api_body(key)),
            content_type="application/json",
        )
    return client.post(path, _post_data(key, side))


def _is_login(response: Any) -> bool:
    return response.status_code == 302 and "login/" in response["Location"]


def _reached(client: Client, method: str, response: Any) -> bool:
    if _is_login(response):
        return False
    if method == "GET":
        if response.status_code in (301, 302):
            response = client.get(response["Location"])
        return bool(response.status_code == 200)
    return response.status_code in POST_REACHED


def _denied(response: Any) -> bool:
    return _is_login(response) or response.status_code in DENIED


# --------------------------------------------------------- list contents


# Query strings a probe needs to be a well-formed request.
PROBE_QUERY: dict[str, str] = {
    "GET /api/v1/registry/divisions": "?on=2024-01-01",
    "GET /api/v1/registry/divisions/{code}": "?on=2024-01-01",
}

LIST_MARKERS: dict[str, str] = {
    "casework:queue": "?status=submitted",
    "casework:mine": "",
    "GET /api/v1/casework/applications": "",
}


def _list_text(key: str, response: Any) -> str:
    if key == "casework:export" and response.status_code == 200:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return str(response.content.decode(errors="replace"))


# -------------------------------------------------------------- the tests

CASES = [(role, key) for role in ROLES for key in _probed_endpoints()]


@pytest.mark.parametrize(("role", "key"), CASES, ids=[f"{r}-{k}" for r, k in CASES])
def test_matrix_cell(role: str, key: str, world: World, db: Any) -> None:
    """One role × one endpoint × own and other objects: the declared outcome, nothing more."""
    from luohu.accounts.tests.factories import persona

    row = matrix_row(key)
    assert row is not None
    scope = row["scope"][role]
    client = Client()
    username = ROLE_PERSONA[role]
    if username is not None:
        client.force_login(persona(username))
    has_objects = key == "admin:*" or bool(_url_arguments(key))
    sides: list[tuple[str, Side | None]] = (
        [("own", world.own), ("other", world.other)] if has_objects else [("page", None)]
    )
    for label, side in sides:
        for method, path in _paths(key, side):
            path += LIST_MARKERS.get(key, "") + PROBE_QUERY.get(key, "")
            response = _request(client, key, method, path, side)
            where = f"{role} {method} {path} ({label}, declared {scope})"
            if scope == "none":
                assert _denied(response), f"LEAK? {where} answered {response.status_code}"
            elif label == "other" and scope in ("self", "county"):
                assert response.status_code == 404, f"LEAK: {where} answered {response.status_code}"
            else:
                assert _reached(client, method, response), (
                    f"{where} answered {response.status_code}, expected to be reached"
                )
                if key in LIST_MARKERS or key == "casework:export":
                    text = _list_text(key, response)
                    if scope in ("self", "county"):
                        assert world.own.case_number in text, f"{where}: own case missing"
                        assert world.other.case_number not in text, f"LEAK: {where} lists it"
                    elif scope == "city":
                        assert world.other.case_number in text, f"{where}: city list incomplete"


def test_every_endpoint_of_the_urlconf_has_a_row() -> None:
    """A page, export or API operation without a declared row fails here."""
    missing = [key for key in urlconf_endpoints() if matrix_row(key) is None]
    assert not missing, "endpoints without a row in luohu/accounts/permissions.yaml: " + ", ".join(
        missing
    )


def test_every_row_is_an_endpoint_of_the_urlconf() -> None:
    """No stale rows: each declared endpoint exists."""
    present = set(urlconf_endpoints())
    stale = [key for key in permission_matrix() if key not in present]
    assert not stale, f"rows for endpoints that do not exist: {stale}"


def test_navigation_shows_only_pages_the_matrix_allows() -> None:
    """ROLE_NAVIGATION and page_allowed agree with the matrix: one truth."""
    from luohu.accounts.permissions import endpoint_scope, navigation_problems

    assert navigation_problems() == []
    for role, items in ROLE_NAVIGATION.items():
        for item in items:
            assert page_allowed(role, item.key)
            assert endpoint_scope(item.url_name, str(role)) != "none"
