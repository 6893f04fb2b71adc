"""The declared permission matrix (permissions.yaml): role × endpoint × scope.

One file says, for every page, export and API operation of the urlconf,
which scope each role may reach: ``none`` (the endpoint does not exist for
the role: 403/404), ``self`` (the applicant's own records), ``county`` (one
county-level unit), ``city`` (the whole city) or ``public`` (anyone, signed
in or not, no personal records). ``luohu/accounts/tests/test_permission_matrix.py``
requests every cell against the real views; navigation is checked against it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from luohu.accounts.roles import ROLE_NAVIGATION, Role

MATRIX_PATH = Path(__file__).with_name("permissions.yaml")
ANONYMOUS = "anonymous"
SCOPES = ("none", "self", "county", "city", "public")
ROLES: tuple[str, ...] = (ANONYMOUS, *[str(r) for r in Role.values])


@cache
def permission_matrix() -> dict[str, dict[str, Any]]:
    """Endpoint key → {"scope": {role: scope}, plus probe hints}, defaults filled in."""
    raw = yaml.safe_load(MATRIX_PATH.read_text(encoding="utf-8"))
    matrix: dict[str, dict[str, Any]] = {}
    for key, row in raw["endpoints"].items():
        row = dict(row or {})
        default = row.pop("all", "none")
        scopes = {role: row.pop(role, default) for role in ROLES}
        for role, scope in scopes.items():
            if scope not in SCOPES:
                raise ValueError(f"{key}: {role}: unknown scope {scope!r}")
        unknown = set(row) - {"method", "note", "probe"}
        if unknown:
            raise ValueError(f"{key}: unknown roles or fields {sorted(unknown)}")
        matrix[key] = {"scope": scopes, **row}
    return matrix


def matrix_row(key: str) -> dict[str, Any] | None:
    """The row of an endpoint key, or of its namespace's wildcard ("admin:*")."""
    matrix = permission_matrix()
    if key in matrix:
        return matrix[key]
    if ":" in key and not key.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
        return matrix.get(key.split(":", 1)[0] + ":*")
    return None


def endpoint_scope(key: str, role: str) -> str:
    row = matrix_row(key)
    return "none" if row is None else str(row["scope"][role])


def navigation_problems() -> list[str]:
    """Every navigation item of a role must be a page the matrix lets that role reach."""
    problems = []
    for role, items in ROLE_NAVIGATION.items():
        for item in items:
            scope = endpoint_scope(item.url_name, str(role))
            if scope == "none":
                problems.append(
                    f"navigation of {role} shows {item.url_name}, "
                    f"which permissions.yaml declares none for {role}"
                )
    return problems
