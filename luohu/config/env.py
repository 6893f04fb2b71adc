"""Read the environment. The only module outside settings that touches os.environ."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]

SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")

MSG_BAD_DATABASE_URL = (
    "DATABASE_URL 无效：{reason}。 DATABASE_URL is not valid: {reason_en}. "
    "Expected e.g. postgres://user@127.0.0.1:5432/luohu or sqlite:////abs/path/db.sqlite3."
)
MSG_MISSING_SECRET = (
    "生产环境必须设置 DJANGO_SECRET_KEY。 "  # noqa: S105 (a message, not a secret)
    "Production settings refuse to start without DJANGO_SECRET_KEY."
)


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def var_dir() -> Path:
    """Return the folder for local state (database, secrets, uploads)."""
    path = Path(os.environ.get("LUOHU_VAR_DIR", BASE_DIR / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def development_secret_key() -> str:
    """Return the development secret, generating it under var/ on first run."""
    path = var_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def development_field_keys() -> str:
    """Return the development field keys, generating them under var/ (0600) on first run.

    Losing this file loses every encrypted citizen id and name in the local
    database; production reads LUOHU_FIELD_KEYS instead.
    """
    from luohu.common.crypto import generate_spec, parse_keys

    path = var_dir() / "field_keys"
    if not path.exists():
        # Written aside and linked into place, so parallel first runs (test
        # workers) never read a half-written file and all end with one key set.
        draft = path.with_name(f"field_keys.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(generate_spec())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    spec = path.read_text().strip()
    parse_keys(spec)
    return spec


def mandatory_field_keys() -> str:
    """Return LUOHU_FIELD_KEYS, or refuse to start when it is missing or malformed."""
    from luohu.common.crypto import KeyConfigurationError, parse_keys

    spec = os.environ.get("LUOHU_FIELD_KEYS", "")
    try:
        parse_keys(spec)
    except KeyConfigurationError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    return spec


def mandatory_secret(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(MSG_MISSING_SECRET)
    return value


def database_config(default_sqlite_path: Path) -> dict[str, Any]:
    """Return Django's DATABASES['default'] from DATABASE_URL or SQLite under var/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return sqlite_config(default_sqlite_path)
    scheme = urlsplit(url).scheme
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            MSG_BAD_DATABASE_URL.format(
                reason=f"不支持的协议“{scheme or '（空）'}”",
                reason_en=f"unsupported scheme '{scheme or '(empty)'}'",
            )
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(
            MSG_BAD_DATABASE_URL.format(reason="无法解析", reason_en=str(exc))
        ) from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite_config(Path(config["NAME"]))
    if not config.get("NAME"):
        raise ImproperlyConfigured(
            MSG_BAD_DATABASE_URL.format(reason="缺少数据库名", reason_en="no database name")
        )
    config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config


def sqlite_config(path: Path) -> dict[str, Any]:
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock
    # at BEGIN so concurrent writers queue instead of failing mid-transaction.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        },
    }


MSG_BAD_CACHE_URL = (
    "LUOHU_CACHE_URL 无效，应为 redis://host:6379/0。 "
    "LUOHU_CACHE_URL is not valid; expected e.g. redis://127.0.0.1:6379/0."
)


def cache_config() -> dict[str, Any]:
    """Return Django's CACHES['default']: Redis from LUOHU_CACHE_URL, else local memory."""
    url = os.environ.get("LUOHU_CACHE_URL", "").strip()
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "luohu"}
    if urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(MSG_BAD_CACHE_URL)
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


MSG_DEBUG_IN_PRODUCTION = (
    "生产环境不得开启 DJANGO_DEBUG。 "
    "Production settings refuse to start with DJANGO_DEBUG on: it shows stack traces and settings."
)
MSG_MISSING_ALLOWED_HOSTS = (
    "生产环境必须设置 DJANGO_ALLOWED_HOSTS（以逗号分隔的主机名）。 "
    "Production settings refuse to start without DJANGO_ALLOWED_HOSTS (comma-separated host names)."
)
MSG_TEST_BACKEND_IN_PRODUCTION = (
    "生产环境不得使用测试登录后端。 "
    "Production settings refuse to start with a test-only authentication backend."
)


def refuse_debug() -> bool:
    """Return False, or refuse to start when DJANGO_DEBUG asks for debug mode."""
    if env_bool("DJANGO_DEBUG", default=False):
        raise ImproperlyConfigured(MSG_DEBUG_IN_PRODUCTION)
    return False


def mandatory_allowed_hosts() -> list[str]:
    hosts = env_list("DJANGO_ALLOWED_HOSTS", [])
    if not hosts or "*" in hosts:
        raise ImproperlyConfigured(MSG_MISSING_ALLOWED_HOSTS)
    return hosts


def refuse_test_backends(backends: list[str]) -> None:
    if any(".testing." in backend for backend in backends):
        raise ImproperlyConfigured(MSG_TEST_BACKEND_IN_PRODUCTION)
