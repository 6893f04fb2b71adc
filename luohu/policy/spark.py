"""Spark: the same rules on each Arrow batch of a Spark DataFrame (``mapInArrow``).

PySpark is an optional extra (``luohu[spark]``); this module imports it only
when called.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from luohu.policy.engine import Engine
from luohu.policy.parameters import ParameterSet, default_parameters

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

# Spark has no unsigned integers: the bit sets arrive as the next wider
# signed type (see the cast in spark_compatible).
OUTPUT_DDL = (
    "decision string, channel string, channels smallint, priority_flags smallint, "
    "reasons bigint, missing_facts decimal(20,0)"
)
MEMBER_DDL = "member_decisions array<string>"


_WIDER = {pa.uint8(): pa.int16(), pa.uint32(): pa.int64(), pa.uint64(): pa.decimal128(20, 0)}


def _narrow(data_type: pa.DataType) -> pa.DataType:
    """Spark reads 32-bit offsets and signed integers only."""
    if pa.types.is_large_list(data_type) or pa.types.is_list(data_type):
        return pa.list_(_narrow(data_type.value_type))
    if pa.types.is_large_string(data_type) or pa.types.is_string_view(data_type):
        return pa.string()
    return _WIDER.get(data_type, data_type)


def spark_compatible(table: pa.Table) -> pa.Table:
    schema = pa.schema([pa.field(f.name, _narrow(f.type), f.nullable) for f in table.schema])
    return table.cast(schema)


def _partition_evaluator(params: ParameterSet, keep: list[str]) -> Any:
    # The engine is rebuilt once per Python worker from plain parameter data;
    # Polars expressions themselves are not shipped.
    cache: dict[str, Engine] = {}

    def evaluate(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        engine = cache.get("engine")
        if engine is None:
            engine = cache["engine"] = Engine(params)
        for batch in batches:
            yield from spark_compatible(engine.evaluate_arrow(batch, keep=keep)).to_batches()

    return evaluate


def evaluate_spark(
    frame: DataFrame, *, params: ParameterSet | None = None, keep: Iterable[str] = ("person_id",)
) -> DataFrame:
    """Decisions for every row of a Spark DataFrame of person facts."""
    from pyspark.sql.types import StructType

    keep = [k for k in keep if k in frame.columns]
    schema = StructType([frame.schema[k] for k in keep])
    ddl = [OUTPUT_DDL, *([MEMBER_DDL] if "family_members" in frame.columns else [])]
    for part in ddl:
        parsed = StructType.fromDDL(part)
        assert isinstance(parsed, StructType)
        for field in parsed.fields:
            schema = schema.add(field)
    evaluator = _partition_evaluator(params or default_parameters(), keep)
    return frame.mapInArrow(evaluator, schema)
