"""Shared snapshots for the analytics tests: small scale, built once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from luohu.analytics.population import calibration as cal
from luohu.analytics.population.generator import build_year

TEST_SCALE = 0.01
TEST_SEED = 20180312


@pytest.fixture(scope="session")
def figures() -> pl.DataFrame:
    return cal.load_figures()


@pytest.fixture(scope="session")
def snapshot_2020() -> pl.DataFrame:
    return build_year(2020, scale=TEST_SCALE, seed=TEST_SEED)


@pytest.fixture(scope="session")
def snapshot_2015() -> pl.DataFrame:
    return build_year(2015, scale=TEST_SCALE, seed=TEST_SEED)


@pytest.fixture(scope="session")
def destination_kinds(django_db_setup: Any, django_db_blocker: Any) -> dict[str, str]:
    """The registry's kind of every township, read from the test database and rolled back."""
    from django.db import transaction

    from luohu.analytics.population.kinds import registry_destination_kinds
    from luohu.registry.testing import load_reference_divisions

    with django_db_blocker.unblock(), transaction.atomic():
        load_reference_divisions()
        kinds = registry_destination_kinds()
        transaction.set_rollback(True)
    return kinds


@pytest.fixture(scope="session")
def settled_population_dir(
    tmp_path_factory: pytest.TempPathFactory, destination_kinds: dict[str, str]
) -> Path:
    """2017-2020 at test scale with the plan's settlements applied, as Parquet files."""
    from luohu.analytics.population import generate_population

    out = tmp_path_factory.mktemp("settled-population")
    generate_population(
        TEST_SCALE,
        out,
        seed=TEST_SEED,
        years=[2017, 2018, 2019, 2020],
        progress=False,
        destination_kinds=destination_kinds,
    )
    return out
