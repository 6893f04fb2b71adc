"""Evidence for docs/security.md: platform controls that have no test of their own yet.

These check settings owned by luohu/config; they live here because the
security table must point at a test for each control. Move them beside the
settings when luohu/web or luohu/config grows a security test module.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client, override_settings

from luohu.accounts.tests.factories import PERSONA_PASSWORD, persona
from luohu.config.django import base


def test_passwords_are_hashed_with_argon2() -> None:
    """Outside tests, new passwords are stored as argon2 hashes (等保 8.1.4.8 b)."""
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("Correct-horse-2018")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert encoded.startswith("argon2$argon2id$")
        assert check_password("Correct-horse-2018", encoded) is True
        assert check_password("Correct-horse-2019", encoded) is False


@pytest.mark.django_db
def test_form_posts_without_a_csrf_token_are_refused() -> None:
    """A sign-in form posted without the CSRF token is refused with 403."""
    persona("applicant_zhao")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "applicant_zhao", "password": PERSONA_PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_form_posts_with_the_csrf_token_are_accepted() -> None:
    """The same post carrying the token from the form signs in."""
    persona("applicant_zhao")
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/",
        {"username": "applicant_zhao", "password": PERSONA_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
