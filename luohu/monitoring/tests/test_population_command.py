from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_generate_writes_one_parquet_per_year(divisions: Any, tmp_path: Path) -> None:
    """`luohu population generate` writes the requested year-ends, settlements applied."""
    call_command(
        "population",
        "generate",
        "--scale",
        "0.001",
        "--out",
        str(tmp_path),
        "--years",
        "2020",
        "--no-progress",
    )
    files = sorted(p.name for p in tmp_path.rglob("*.parquet"))
    assert len(files) == 1 and "2020" in files[0]
    frame = pl.read_parquet(next(tmp_path.rglob("*.parquet")))
    assert frame.height > 5000
    # The plan's settlements of 2018-2020, decided by the engine (kinds from the registry).
    assert frame["settled_on"].count() > 0


def test_generate_without_settlements_needs_no_registry(tmp_path: Path) -> None:
    call_command(
        "population",
        "generate",
        "--scale",
        "0.001",
        "--out",
        str(tmp_path),
        "--years",
        "2020",
        "--no-progress",
        "--no-settlements",
    )
    frame = pl.read_parquet(next(tmp_path.rglob("*.parquet")))
    assert frame["settled_on"].count() == 0


@pytest.mark.django_db
def test_generate_without_divisions_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError):
        call_command(
            "population",
            "generate",
            "--scale",
            "0.001",
            "--out",
            str(tmp_path),
            "--years",
            "2020",
            "--no-progress",
        )
    assert "load_divisions" in capsys.readouterr().err


def test_bad_scale_is_refused_with_the_field_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError):
        call_command("population", "generate", "--scale", "-1", "--out", str(tmp_path))
    assert "scale" in capsys.readouterr().err
