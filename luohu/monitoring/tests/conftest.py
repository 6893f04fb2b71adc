"""Fixtures for monitoring: personas, computed figures, a small synthetic population."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from luohu.analytics.population import generate_population

WHATIF_SCALE = 0.002
WHATIF_SEED = 2018


@pytest.fixture(scope="session")
def population_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic Anyang at 0.2 % scale, year-ends 2015 and 2020 (no settlements applied)."""
    out = tmp_path_factory.mktemp("population")
    generate_population(WHATIF_SCALE, out, WHATIF_SEED, years=(2015, 2020), progress=False)
    return out


@pytest.fixture
def computed(divisions: Any, population_dir: Path) -> Path:
    """Indicators of 2015 and 2020 computed from the population and kept as provisional figures."""
    from luohu.monitoring.services import indicators_refresh

    for year in (2015, 2020):
        indicators_refresh(acting_user=None, year=year, source=str(population_dir))
    return population_dir
