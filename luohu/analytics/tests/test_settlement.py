"""Yearly settlements from the policy engine: statistics and rules never disagree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from luohu.analytics.indicators import snapshot_transfers
from luohu.analytics.population import schema, snapshot_path
from luohu.analytics.population.generator import build_year
from luohu.analytics.population.params import load_params
from luohu.analytics.population.settlement import (
    _facts_of_year,
    apply_settlements,
    plan_start,
)
from luohu.analytics.population.settlement_facts import settlement_facts
from luohu.analytics.tests.conftest import TEST_SCALE, TEST_SEED
from luohu.policy.engine import Engine

YEAR = 2020

# The destination kinds come from the registry (test database); the mark
# makes pytest-django create it for this module.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def settled_2020(settled_population_dir: Path) -> pl.DataFrame:
    return pl.read_parquet(snapshot_path(settled_population_dir, YEAR))


def _before_settlement(frame: pl.DataFrame) -> pl.DataFrame:
    """Put the settled people's previous hukou back: the snapshot before the plan."""
    settled = pl.col("settled_on").is_not_null()
    return frame.with_columns(
        **{
            name: pl.when(settled).then(pl.col(f"previous_{name}")).otherwise(pl.col(name))
            for name in ("hukou_in_city", "hukou_county_code", "hukou_township_code", "hukou_urban")
        },
        **{name: pl.lit(None, dtype=schema.SCHEMA[name]) for name in schema.NULL_WHEN_NOT_SETTLED},
    )


def test_every_settled_person_is_eligible_under_the_rules_of_their_day(
    settled_2020: pl.DataFrame, destination_kinds: dict[str, str]
) -> None:
    """Re-run the engine on every settled person's own facts on the day they settled."""
    settled = settled_2020.filter(pl.col("settled_on").is_not_null())
    assert settled.height > 100
    assert settled["willing_to_settle"].all()
    assert settled["resident_in_city"].all()
    engine = Engine()
    for year in range(plan_start().year, YEAR + 1):
        settled_that_year = settled.filter(pl.col("settled_on").dt.year() == year)
        assert settled_that_year.height > 0, year
        of_year = _facts_of_year(_before_settlement(settled_that_year), YEAR - year)
        facts = settlement_facts(of_year.lazy(), destination_kinds=destination_kinds).with_columns(
            as_of=settled_that_year["settled_on"]
        )
        decided = engine.evaluate_frame(facts, keep=["person_id"]).collect()
        assert decided.height == settled_that_year.height
        assert decided["decision"].unique().to_list() == ["eligible"], year
    # The hukou moved to where they live, with its urban or rural flag.
    assert (settled["hukou_township_code"] == settled["residence_township_code"]).all()
    assert (settled["hukou_urban"] == settled["residence_urban"]).all()
    assert settled["hukou_in_city"].all()
    assert (settled["settled_on"] >= plan_start()).all()
    assert (settled["settled_on"] <= dt.date(YEAR, 12, 31)).all()


def test_nobody_the_engine_refuses_or_who_is_unwilling_settles(
    settled_2020: pl.DataFrame, destination_kinds: dict[str, str]
) -> None:
    """The other direction: year-end decisions of the unsettled residents who were asked."""
    unwilling = settled_2020.filter(~pl.col("willing_to_settle"))
    assert unwilling["settled_on"].null_count() == unwilling.height
    not_resident = settled_2020.filter(~pl.col("resident_in_city"))
    assert not_resident["settled_on"].null_count() == not_resident.height


def test_transfer_statistics_are_the_settled_people(
    settled_2020: pl.DataFrame, settled_population_dir: Path
) -> None:
    transfers = snapshot_transfers(snapshot_path(settled_population_dir, YEAR), YEAR)
    assert transfers is not None
    expected = (
        settled_2020.filter(pl.col("settled_on").dt.year() == YEAR)
        .group_by(division_code="hukou_county_code")
        .agg(hukou_transfers=pl.len().cast(pl.Int64))
        .sort("division_code")
    )
    counties = transfers.filter(pl.col("division_code") != "410500").drop("year")
    assert_frame_equal(counties, expected)
    city = transfers.filter(pl.col("division_code") == "410500")["hukou_transfers"].item()
    assert city == expected["hukou_transfers"].sum() > 0


def test_no_settlement_before_the_plan(settled_population_dir: Path) -> None:
    frame = pl.read_parquet(snapshot_path(settled_population_dir, 2017))
    assert frame["settled_on"].null_count() == frame.height
    transfers = snapshot_transfers(snapshot_path(settled_population_dir, 2017), 2017)
    assert transfers is not None
    assert transfers["hukou_transfers"].to_list() == [0]


def test_deterministic_and_the_base_snapshot_is_unchanged(
    settled_2020: pl.DataFrame, destination_kinds: dict[str, str]
) -> None:
    """Same seed, same settlements; undoing them gives the snapshot built without them."""
    base = build_year(YEAR, scale=TEST_SCALE, seed=TEST_SEED)
    again, report = apply_settlements(
        base, year=YEAR, seed=TEST_SEED, params=load_params(), destination_kinds=destination_kinds
    )
    assert_frame_equal(again, settled_2020)
    assert_frame_equal(_before_settlement(settled_2020), base)
    assert [r.year for r in report] == [2018, 2019, 2020]
    assert sum(r.admitted for r in report) == settled_2020["settled_on"].count()
    other_seed, _ = apply_settlements(
        base,
        year=YEAR,
        seed=TEST_SEED + 1,
        params=load_params(),
        destination_kinds=destination_kinds,
    )
    assert not other_seed["settled_on"].equals(settled_2020["settled_on"])


def test_files_without_settlements_report_no_transfers(tmp_path: Path) -> None:
    from luohu.analytics.population import generate_population

    generate_population(TEST_SCALE, tmp_path, seed=TEST_SEED, years=[2020], progress=False)
    assert snapshot_transfers(snapshot_path(tmp_path, 2020), 2020) is None
