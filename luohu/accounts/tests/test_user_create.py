from __future__ import annotations

import pytest
from django.db import IntegrityError

from luohu.accounts.models import User
from luohu.accounts.roles import CITY_CODE, Role
from luohu.accounts.selectors import user_can_reach_county, user_county_codes
from luohu.accounts.services import (
    USER_JURISDICTION_FORBIDDEN,
    USER_JURISDICTION_NOT_COUNTY,
    USER_JURISDICTION_REQUIRED,
    USER_ROLE_UNKNOWN,
    user_create,
)
from luohu.common.errors import FieldError

pytestmark = pytest.mark.usefixtures("divisions")


def create(role: str, code: str = "") -> User:
    return user_create(
        username=f"u_{role}_{code}", password="x-Password-1", role=role, jurisdiction_code=code
    )


def test_clerk_gets_the_county_given() -> None:
    """A clerk's jurisdiction is the county-level unit named at creation."""
    user = create(Role.CLERK, "410526")
    assert user.jurisdiction_code == "410526"
    assert user_county_codes(user) == frozenset({"410526"})
    assert user_can_reach_county(user, "410526") is True
    assert user_can_reach_county(user, "410581") is False


def test_city_roles_reach_the_whole_city() -> None:
    """City roles are given the city code whatever was passed, and reach every county."""
    for role in (
        Role.CITY_NDRC,
        Role.STATISTICS,
        Role.AUDITOR,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
    ):
        user = create(role)
        assert user.jurisdiction_code == CITY_CODE
        assert user_county_codes(user) is None
        assert user_can_reach_county(user, "410581") is True


def test_applicant_reaches_no_county() -> None:
    """An applicant reaches only their own records, no county."""
    user = create(Role.APPLICANT)
    assert user_county_codes(user) == frozenset()
    assert user_can_reach_county(user, "410526") is False


@pytest.mark.parametrize(
    ("role", "code", "expected"),
    [
        (Role.CLERK, "", USER_JURISDICTION_REQUIRED),
        (Role.CLERK, "410526001", USER_JURISDICTION_NOT_COUNTY),
        (Role.COUNTY_OFFICIAL, "410500", USER_JURISDICTION_NOT_COUNTY),
        (Role.APPLICANT, "410526", USER_JURISDICTION_FORBIDDEN),
        ("mayor", "", USER_ROLE_UNKNOWN),
    ],
)
def test_bad_jurisdiction_is_refused_with_field_and_reason(
    role: str, code: str, expected: tuple[str, str, str]
) -> None:
    """A jurisdiction that does not fit the role is refused, naming the field, in zh and en."""
    with pytest.raises(FieldError) as caught:
        create(role, code)
    problem = caught.value.problems[0]
    assert (problem.code, problem.message_zh, problem.message_en) == expected
    assert User.objects.count() == 0


def test_unknown_county_code_is_refused() -> None:
    """A county code that is not in the reference divisions is refused on jurisdiction_code."""
    with pytest.raises(FieldError) as caught:
        create(Role.CLERK, "410599")
    assert caught.value.problems[0].field == "jurisdiction_code"
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_database_refuses_a_clerk_without_county() -> None:
    """The role–jurisdiction invariant holds in the database itself, not only in the service."""
    with pytest.raises(IntegrityError):
        User.objects.create(username="raw", role=Role.CLERK, jurisdiction_code="")


@pytest.mark.parametrize(
    ("password", "fragment_en"),
    [
        ("Short-1", "too short"),
        ("1234567890123", "entirely numeric"),
        ("password1234", "too common"),
    ],
)
def test_weak_password_is_refused_in_both_languages(password: str, fragment_en: str) -> None:
    """The password rules of base.py apply to every account made by the service (等保 8.1.4.1 a)."""
    with pytest.raises(FieldError) as caught:
        user_create(username="u_weak", password=password, role=Role.APPLICANT)
    problem = caught.value.problems[0]
    assert (problem.field, problem.code) == ("password", "password_weak")
    assert fragment_en in problem.message_en
    assert problem.message_zh and problem.message_zh != problem.message_en
    assert User.objects.count() == 0
