"""Production settings: `check --deploy` is clean, and unsafe settings refuse to start."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from luohu.config.env import (
    MSG_DEBUG_IN_PRODUCTION,
    MSG_MISSING_ALLOWED_HOSTS,
    MSG_MISSING_SECRET,
)

ROOT = Path(__file__).resolve().parents[3]


def field_keys() -> str:
    from luohu.common.crypto import generate_spec

    return generate_spec()


def run_production(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "LUOHU_"))
    }
    good = {
        "DJANGO_SETTINGS_MODULE": "luohu.config.django.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "luohu.anyang.example",
        "LUOHU_FIELD_KEYS": field_keys(),
        "LUOHU_VAR_DIR": str(tmp_path),
    }
    merged = {**base, **good, **env}
    merged = {k: v for k, v in merged.items() if v is not None and v != "<unset>"}
    return subprocess.run(
        [sys.executable, "-m", "luohu", *args],
        cwd=ROOT,
        env=merged,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_prints_no_warning(tmp_path: Path) -> None:
    """With the required variables set, Django's deployment checklist has nothing to say."""
    result = run_production(tmp_path, "check", "--deploy")
    output = result.stdout + result.stderr
    assert "WARNINGS" not in output, output
    assert "System check identified no issues" in output, output
    assert result.returncode == 0, output


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_SECRET_KEY": "<unset>"}, MSG_MISSING_SECRET),
        ({"DJANGO_DEBUG": "1"}, MSG_DEBUG_IN_PRODUCTION),
        ({"DJANGO_ALLOWED_HOSTS": "<unset>"}, MSG_MISSING_ALLOWED_HOSTS),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, MSG_MISSING_ALLOWED_HOSTS),
    ],
)
def test_unsafe_production_refuses_to_start(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    """No secret, debug on, or no allowed hosts: one bilingual sentence and exit status 2."""
    result = run_production(tmp_path, "check", **env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_production_security_settings() -> None:
    """Secure cookies, HSTS for a year with subdomains, SSL redirect, no trusted test backend."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; import django; django.setup(); "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
            "s.LUOHU_SECOND_FACTOR_TRUSTED_BACKENDS, s.AUTHENTICATION_BACKENDS[0], "
            "s.LUOHU_STAFF_IDLE_SECONDS, s.SESSION_COOKIE_HTTPONLY)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LUOHU_"))},
            "DJANGO_SETTINGS_MODULE": "luohu.config.django.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "luohu.anyang.example",
            "LUOHU_FIELD_KEYS": field_keys(),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "()",
        "axes.backends.AxesStandaloneBackend",
        "1800",
        "True",
    ]
