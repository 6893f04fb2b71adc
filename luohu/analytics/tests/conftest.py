"""Shared snapshots for the analytics tests: small scale, built once per session."""

from __future__ import annotations

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
