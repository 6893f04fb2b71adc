"""Where the field keys come from: the environment in production, a private file in development."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from luohu.common.crypto import MSG_KEYS_MISSING, generate_spec, parse_keys
from luohu.config import env

ROOT = Path(__file__).resolve().parents[3]


def run_luohu(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "LUOHU_FIELD_KEYS"))
    }
    return subprocess.run(
        [sys.executable, "-m", "luohu", *args],
        cwd=ROOT,
        env={**base, **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_field_keys(tmp_path: Path) -> None:
    result = run_luohu(
        "check",
        DJANGO_SETTINGS_MODULE="luohu.config.django.production",
        DJANGO_SECRET_KEY="x" * 50,
        LUOHU_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert MSG_KEYS_MISSING in result.stderr


def test_production_refuses_malformed_keys_naming_the_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LUOHU_FIELD_KEYS", "index=abc,1=def")
    with pytest.raises(ImproperlyConfigured, match="must be 32 bytes"):
        env.mandatory_field_keys()
    spec = generate_spec()
    monkeypatch.setenv("LUOHU_FIELD_KEYS", spec)
    assert env.mandatory_field_keys() == spec


def test_development_keys_are_generated_once_under_var_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUOHU_VAR_DIR", str(tmp_path))
    first = env.development_field_keys()
    assert env.development_field_keys() == first
    path = tmp_path / "field_keys"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert parse_keys(first).current_key_id == 1
    assert [p.name for p in tmp_path.iterdir()] == ["field_keys"]
