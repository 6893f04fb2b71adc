"""`luohu demo_accounts`: usable accounts for every role, staff with a printed TOTP key."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from luohu.accounts.demo import DEMO_ACCOUNTS
from luohu.accounts.roles import Role
from luohu.accounts.tests.factories import totp_code_now

pytestmark = pytest.mark.usefixtures("divisions")


def test_demo_staff_sign_in_with_the_printed_password_and_key(
    settings: Any, tmp_path: Path
) -> None:
    """A person with the printout alone signs every demo account in, staff through TOTP."""
    from base64 import b32decode
    from binascii import hexlify

    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert (tmp_path / "demo-accounts.txt").read_text() == text
    assert (tmp_path / "demo-accounts.txt").stat().st_mode & 0o077 == 0
    roles = {a.role for a in DEMO_ACCOUNTS}
    assert {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR} <= roles
    for account in DEMO_ACCOUNTS:
        line = next(li for li in text.splitlines() if li.split()[:1] == [account.username])
        _, password, role, _, key = line.split()
        assert role == account.role
        client = Client()
        response = client.post("/login/", {"username": account.username, "password": password})
        assert response.status_code == 302, account.username
        if account.role == Role.APPLICANT:
            assert key == "-"
            assert response["Location"] == "/"
            continue
        assert re.fullmatch(r"[A-Z2-7]{32}", key), key
        assert "otpauth://totp/" in text
        assert response["Location"].startswith("/login/code/")
        key_hex = hexlify(b32decode(key)).decode()
        verified = client.post("/login/code/", {"code": totp_code_now(key_hex)})
        assert verified["Location"] == "/", account.username
        assert client.get("/").status_code == 200
