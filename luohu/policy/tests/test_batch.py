"""A population from Parquet to Parquet."""

from __future__ import annotations

import polars as pl
import pytest

from luohu.policy import frame_from_facts
from luohu.policy.batch import evaluate_parquet
from luohu.policy.engine import OUTPUT_COLUMNS, default_engine
from luohu.policy.tests.conftest import persona


@pytest.fixture
def population(tmp_path):
    people = [persona("zhao_worker"), persona("li_graduate"), persona("wang_student")] * 50
    people[1] = persona("li_graduate", consent=False)
    frame = frame_from_facts(people).with_row_index("person_id")
    path = tmp_path / "in.parquet"
    frame.write_parquet(path, row_group_size=40)
    return frame, path


@pytest.mark.parametrize("progress", [True, False])
def test_parquet_in_parquet_out(population, tmp_path, progress):
    frame, source = population
    target = tmp_path / "out.parquet"
    summary = evaluate_parquet(source, target, progress=progress, batch_size=64)
    got = pl.read_parquet(target).sort("person_id")
    expected = default_engine().evaluate_frame(frame.lazy(), keep=["person_id"]).collect()
    assert got.columns == ["person_id", *OUTPUT_COLUMNS, "member_decisions"]
    assert got.equals(expected)
    assert summary.rows == 150
    assert summary.decisions == {"eligible": 149, "not_eligible": 1}
    assert summary.as_dict()["rows"] == 150


def test_empty_parquet_gives_an_empty_output(tmp_path):
    source = tmp_path / "empty.parquet"
    frame_from_facts([persona("zhao_worker")]).head(0).write_parquet(source)
    summary = evaluate_parquet(source, tmp_path / "out.parquet", keep=[])
    assert summary.rows == 0
    assert pl.read_parquet(tmp_path / "out.parquet").columns[0] == "decision"
