"""计算 Indicators of one year from the registry or the synthetic population.

Extract (registry rows or Parquet) then the pure DuckDB transforms of
``luohu.analytics.indicators``. Shared by ``luohu indicators`` and the
``indicators_refresh`` service, so both compute the same figures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from luohu.analytics.indicators import (
    hukou_transfers,
    indicators,
    snapshot_transfers,
    with_transfers,
)
from luohu.analytics.population import snapshot_path
from luohu.common.errors import FieldError

SOURCE_MISSING = "--source 找不到快照文件 {path} --source: no snapshot file {path}"
SOURCE_EMPTY = "--source 快照中没有 {year} 年的数据 --source: the snapshot has no rows for {year}"


class IndicatorsUnavailableError(ValueError):
    """The source cannot give the year's indicators; the message is bilingual."""


def indicators_compute(year: int, source: str) -> tuple[pl.DataFrame, bool]:
    """The year's indicators by county and city, and whether transfers are known.

    ``source`` is ``registry`` (31 December of the year) or a directory of
    ``population_<year>.parquet`` files.
    """
    if source == "registry":
        from luohu.monitoring.extract import registry_transfers_table
        from luohu.registry.snapshot import registry_snapshot

        try:
            snapshot = registry_snapshot(dt.date(year, 12, 31))
            if snapshot.num_rows == 0:
                raise IndicatorsUnavailableError(SOURCE_EMPTY.format(year=year))
            frame = indicators(snapshot, year=year)
            transfers = hukou_transfers(registry_transfers_table(year), year)
        except IndicatorsUnavailableError:
            raise
        except (FieldError, ValueError) as exc:
            raise IndicatorsUnavailableError(f"--source registry: {exc}") from exc
        return with_transfers(frame, transfers), True
    path = snapshot_path(Path(source), year)
    if not path.is_file():
        raise IndicatorsUnavailableError(SOURCE_MISSING.format(path=path))
    try:
        frame = indicators(path, year=year)
        # The generator's settlements (the engine's admitted and willing);
        # None for a snapshot generated without them.
        generated = snapshot_transfers(path, year)
    except ValueError as exc:
        raise IndicatorsUnavailableError(f"--source {exc}") from exc
    return with_transfers(frame, generated), generated is not None
