"""The same rules on Spark (local mode) give the in-process results, row for row."""

from __future__ import annotations

import logging
import sys

import pytest

from luohu.policy.casefiles import case_facts, load_cases
from luohu.policy.engine import default_engine, frame_from_facts

pyspark = pytest.importorskip(
    "pyspark", reason="PySpark is the optional extra luohu[spark]; `make test` installs it"
)
# mapInArrow needs pandas on the driver (pyspark[sql]); say so rather than fail.
pytest.importorskip(
    "pandas", reason="Spark's mapInArrow needs pandas: install pyspark[sql] (luohu[spark])"
)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # Workers must run the interpreter that has luohu and Polars installed.
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    monkeypatch.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("luohu-policy-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        # Small Arrow batches, so one partition is evaluated batch by batch.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()
    monkeypatch.undo()
    # py4j logs from __del__ after pytest closed its streams; keep it quiet.
    logging.getLogger("py4j").setLevel(logging.CRITICAL)


def test_spark_matches_in_process_evaluation(spark, tmp_path):
    """mapInArrow over Arrow batches returns what evaluate_frame returns on the same frame."""
    import polars as pl

    from luohu.policy.spark import evaluate_spark

    facts = [
        case_facts(c)
        for c in load_cases()
        if "error" not in c.body and not c.body.get("county_settings")
    ]
    frame = (
        frame_from_facts(facts)
        .with_row_index("person_id")
        .with_columns(pl.col("person_id").cast(pl.Int64))
    )
    expected = default_engine().evaluate_frame(frame.lazy(), keep=["person_id"]).collect()
    # Parquet in and out, as in production; createDataFrame(arrow) needs pandas.
    frame.write_parquet(tmp_path / "in.parquet")
    spark_frame = spark.read.parquet(str(tmp_path / "in.parquet"))
    evaluate_spark(spark_frame).write.parquet(str(tmp_path / "out"))
    got = pl.read_parquet(tmp_path / "out" / "*.parquet").sort("person_id")
    assert got.columns == expected.columns
    assert got.to_dicts() == expected.to_dicts()
    assert set(got["decision"]) >= {"eligible", "not_eligible", "already_registered"}
