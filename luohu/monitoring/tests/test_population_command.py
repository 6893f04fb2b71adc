from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_generate_writes_one_parquet_per_year(tmp_path: Path) -> None:
    """`luohu population generate` writes the requested year-ends and prints the summary."""
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


def test_bad_scale_is_refused_with_the_field_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError):
        call_command("population", "generate", "--scale", "-1", "--out", str(tmp_path))
    assert "scale" in capsys.readouterr().err
