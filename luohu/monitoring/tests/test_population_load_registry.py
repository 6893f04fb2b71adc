"""`luohu population load-registry --sample N`: a deterministic sample through the registry services."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from luohu.analytics.indicators import indicators
from luohu.analytics.population import generate_population, snapshot_path
from luohu.analytics.population.kinds import registry_destination_kinds
from luohu.audit.models import AuditEntry
from luohu.monitoring.extract import registry_transfers_table
from luohu.monitoring.management.commands._population_registry import sample_households
from luohu.registry.models import HukouRecord, Person, ResidenceRecord
from luohu.registry.snapshot import registry_snapshot

SAMPLE = 120


@pytest.fixture
def population(divisions: Any, tmp_path: Path) -> Path:
    generate_population(
        0.002,
        tmp_path,
        seed=11,
        years=[2020],
        progress=False,
        destination_kinds=registry_destination_kinds(),
    )
    return tmp_path


def _load(source: Path) -> str:
    out = StringIO()
    call_command(
        "population",
        "load-registry",
        "--sample",
        str(SAMPLE),
        "--source",
        str(source),
        "--seed",
        "5",
        "--no-progress",
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.django_db
def test_the_sample_is_whole_households_and_deterministic(population: Path) -> None:
    frame = pl.read_parquet(snapshot_path(population, 2020))
    one = sample_households(frame, SAMPLE, seed=5)
    two = sample_households(frame, SAMPLE, seed=5)
    assert one.equals(two)
    assert SAMPLE <= one.height < SAMPLE + 10
    sizes = frame.group_by("household_id").len()
    taken = one.group_by("household_id").len()
    assert (
        taken.join(sizes, on="household_id").filter(pl.col("len") != pl.col("len_right")).is_empty()
    )
    assert not sample_households(frame, SAMPLE, seed=6).equals(one)


@pytest.mark.django_db
def test_load_gives_registry_figures_and_a_second_load_writes_nothing(population: Path) -> None:
    message = _load(population)
    frame = pl.read_parquet(snapshot_path(population, 2020))
    sample = sample_households(frame, SAMPLE, seed=5)
    assert Person.objects.count() == sample.height
    assert ResidenceRecord.objects.count() == sample["resident_in_city"].sum()
    assert f"{sample.height} persons" in message
    audited = AuditEntry.objects.count()
    assert audited >= 2 * sample.height

    snapshot = registry_snapshot(dt.date(2020, 12, 31))
    figures = indicators(snapshot, year=2020)
    city = figures.filter(pl.col("division_code") == "410500").row(0, named=True)
    # Babies born in the last six months are not yet residents by the registry's
    # six-month rule (their stay starts at birth); everyone else counts.
    residents = sample.filter(
        pl.col("resident_in_city") & (pl.col("birth_date") <= dt.date(2020, 6, 30))
    )
    assert city["residents"] == residents.height
    assert city["hukou_population"] == sample["hukou_in_city"].sum()
    assert (
        city["resident_urbanization_rate"] is not None
        and city["hukou_urbanization_rate"] is not None
    )
    settled = sample.filter(pl.col("settled_on").is_not_null())
    transfers = sum(registry_transfers_table(y).num_rows for y in (2018, 2019, 2020))
    assert transfers == settled.height
    if settled.height:
        records = HukouRecord.objects.filter(case_ref__startswith="SYN-2020-")
        assert records.count() == settled.height

    again = _load(population)
    assert "already in the registry" in again
    assert Person.objects.count() == sample.height
    assert AuditEntry.objects.count() == audited


@pytest.mark.django_db
def test_bad_sample_and_missing_source_are_refused(divisions: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--sample"):
        call_command("population", "load-registry", "--sample", "0", "--source", str(tmp_path))
    with pytest.raises(CommandError, match="--source"):
        call_command("population", "load-registry", "--sample", "5", "--source", str(tmp_path))
