"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run beside one unless told the loop is not serving requests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def divisions(db: Any) -> None:
    """Load the reference divisions of Anyang (both vintages) into the test database."""
    from luohu.registry.testing import load_reference_divisions

    load_reference_divisions()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Debian's Chromium, not a browser downloaded by Playwright; the flags keep
    # it from reaching for the network this machine does not have.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 800}}


# Tests whose outcome cannot depend on the suite's database: the policy engine
# is pure Python (no Django), the Spark comparison reads only the reference
# divisions, and the kill -9 fault test starts servers on databases of its own (one
# SQLite, one PostgreSQL, whatever DATABASE_URL says). `make test-postgres`
# leaves them out (-m "not database_independent"), so they run once, in the
# SQLite pass.
DATABASE_INDEPENDENT = (
    "luohu/policy/tests/",
    "luohu/analytics/tests/test_spark_indicators.py",
    "tests/faults/test_kill_server.py",
    # Parsers, encryption and the same-treatment index: no database access at all
    # (pytest-django would refuse it without a django_db mark).
    "luohu/common/tests/test_parsers_hypothesis.py",
    "luohu/common/tests/test_crypto.py",
    "luohu/casework/tests/test_documents_hypothesis.py",
    "luohu/casework/tests/test_forms_hypothesis.py",
    "luohu/analytics/tests/test_same_treatment.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    for item in items:
        relative = Path(str(item.path)).relative_to(root).as_posix()
        if relative.startswith(DATABASE_INDEPENDENT):
            item.add_marker(pytest.mark.database_independent)
