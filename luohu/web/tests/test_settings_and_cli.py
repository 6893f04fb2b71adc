"""The environment-driven settings and the `luohu` console script, run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from luohu.__main__ import MSG_DATABASE_UNREACHABLE
from luohu.config.env import MSG_MISSING_SECRET

ROOT = Path(__file__).resolve().parents[3]


def run_luohu(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "luohu", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unsupported_database_url_gives_one_clear_sentence(tmp_path: Path) -> None:
    """A DATABASE_URL with an unknown scheme is refused in one line, zh and en, no traceback."""
    result = run_luohu("check", DATABASE_URL="mysqlx://db/luohu", LUOHU_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "DATABASE_URL 无效" in result.stderr
    assert "unsupported scheme 'mysqlx'" in result.stderr


def test_unreachable_database_gives_one_clear_sentence(tmp_path: Path) -> None:
    """A database that does not answer is named with host, port and database, no traceback."""
    result = run_luohu(
        "migrate",
        "--check",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/luohu",
        LUOHU_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    prefix = MSG_DATABASE_UNREACHABLE.split("{target}")[0]
    assert result.stderr.startswith(prefix)
    assert "127.0.0.1:9/luohu" in result.stderr


def test_production_refuses_to_start_without_secret(tmp_path: Path) -> None:
    result = run_luohu(
        "check",
        DJANGO_SETTINGS_MODULE="luohu.config.django.production",
        LUOHU_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 2
    assert MSG_MISSING_SECRET in result.stderr


def test_development_secret_is_generated_once_under_var(tmp_path: Path) -> None:
    """The first run writes a private secret under var/; the second reuses it."""
    first = run_luohu(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        LUOHU_VAR_DIR=str(tmp_path),
    )
    second = run_luohu(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        LUOHU_VAR_DIR=str(tmp_path),
    )
    secret_file = tmp_path / "secret_key"
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip() == secret_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50
    assert secret_file.stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    result = run_luohu(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        LUOHU_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"
