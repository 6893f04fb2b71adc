"""Benchmark: generate the synthetic Anyang population and check it at full scale.

    .venv/bin/python bench/population_generate.py                 # 2020, scale 1.0
    .venv/bin/python bench/population_generate.py --years 2015-2020
    /usr/bin/time -v .venv/bin/python bench/population_generate.py --years 2020

Prints wall time, peak resident memory (this process) and the calibration
check against the census: county residents exact, urban rate within 0.1
point, hukou-elsewhere shares within 0.5 point, hukou population and its
assumed urban share (both before the plan's settlements). Exits 1 when a
check fails.

The plan's yearly settlements (policy engine x willingness) are applied,
with destination kinds read from the registry of the development settings
(``luohu migrate`` and ``luohu load_divisions`` first; ``LUOHU_VAR_DIR``
picks the database); ``--no-settlements`` leaves them out.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl
import psutil

from luohu.analytics.population import __main__ as cli
from luohu.analytics.population import calibration as cal
from luohu.analytics.population import generate_population, snapshot_path, tune_allocator
from luohu.analytics.population.params import load_params


class TreeMemory(threading.Thread):
    """Sample the resident memory of this process and its children every 50 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self._stop_event.wait(0.05):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


SCOPES = ("other_township_same_county", "other_county_same_province", "other_province")


def check_year(path: Path, year: int, scale: float, figures: pl.DataFrame) -> list[str]:
    """Return the failed checks of one snapshot (empty when all pass)."""
    targets = cal.scale_targets(cal.year_targets(year, figures=figures), scale)
    frame = pl.scan_parquet(path)
    by_county = (
        frame.filter(pl.col("resident_in_city"))
        .group_by(code="residence_county_code")
        .agg(
            residents=pl.len(),
            urban=pl.col("residence_urban").sum(),
            **{s: 100 * (pl.col("hukou_scope") == s).mean() for s in SCOPES},
        )
        .collect()
    )
    got = {row["code"]: row for row in by_county.iter_rows(named=True)}
    failures = []
    for county in targets.counties:
        row = got[county.code]
        if row["residents"] != county.residents:
            failures.append(
                f"{year} {county.code} residents {row['residents']} != {county.residents}"
            )
        rate = 100 * row["urban"] / row["residents"]
        if abs(rate - county.urban_rate) > 0.1:
            failures.append(
                f"{year} {county.code} urban rate {rate:.3f} vs {county.urban_rate:.3f}"
            )
        for scope, share in zip(SCOPES, county.scope_shares, strict=True):
            if abs(row[scope] - share) > 0.5:
                failures.append(f"{year} {county.code} {scope} {row[scope]:.2f} vs {share:.2f}")
    if year == cal.CENSUS_YEAR and scale == 1.0:
        for county in targets.counties:
            census = cal.figure(figures, year, county.code, "resident_population_census").value
            if got[county.code]["residents"] != census:
                failures.append(f"{county.code} residents differ from the census row")
    # The hukou each person held before the plan's settlements.
    settled = pl.col("settled_on").is_not_null()
    before = frame.select(
        in_city=pl.when(settled)
        .then(pl.col("previous_hukou_in_city"))
        .otherwise(pl.col("hukou_in_city")),
        urban=pl.when(settled)
        .then(pl.col("previous_hukou_urban"))
        .otherwise(pl.col("hukou_urban")),
    )
    hukou = before.filter(pl.col("in_city")).select(pl.len(), pl.col("urban").mean()).collect()
    if hukou.item(0, 0) != targets.hukou_population:
        failures.append(f"{year} hukou population {hukou.item(0, 0)} != {targets.hukou_population}")
    assumed = load_params().value("hukou_urban_share_before_settlement")
    if abs(100 * hukou.item(0, 1) - assumed) > 0.01:
        failures.append(f"{year} hukou urban share {100 * hukou.item(0, 1):.3f} vs {assumed}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--years", default="2020")
    parser.add_argument("--out", type=Path, default=None, help="default: a temporary directory")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--no-settlements", action="store_true")
    args = parser.parse_args()
    kinds = None
    if not args.no_settlements:
        from luohu.analytics.population.kinds import registry_destination_kinds
        from luohu.common.errors import FieldError

        try:
            kinds = registry_destination_kinds()
        except FieldError as exc:
            print(f"{exc}\n-> generating without settlements (as --no-settlements)")
    years = cli.parse_years(args.years)
    with tempfile.TemporaryDirectory(prefix="population-bench-") as tmp:
        out = args.out or Path(tmp)
        tune_allocator()
        sampler = TreeMemory()
        sampler.start()
        started = time.perf_counter()
        summary = generate_population(
            args.scale,
            out,
            seed=args.seed,
            years=years,
            progress=args.progress,
            workers=args.workers,
            destination_kinds=kinds,
        )
        wall = time.perf_counter() - started
        sampler.stop()
        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_s = cpu.ru_utime + cpu.ru_stime + children.ru_utime + children.ru_stime
        figures = cal.load_figures()
        failures = [
            failure
            for year in summary.years
            for failure in check_year(snapshot_path(out, year.year), year.year, args.scale, figures)
        ]
        size_mb = sum(snapshot_path(out, y.year).stat().st_size for y in summary.years) / 1024**2
    print(cli.format_summary(summary))
    print(
        f"\nscale {args.scale:g}, years {years[0]}-{years[-1]} ({len(years)}): "
        f"wall {wall:.1f} s, per year {', '.join(f'{y.year} {y.seconds:.1f} s' for y in summary.years)}"
    )
    print(
        f"peak RSS: this process {peak_gb:.2f} GiB, process tree (sampled) "
        f"{sampler.peak / 1024**3:.2f} GiB; CPU {cpu_s:.1f} s; Parquet {size_mb:.0f} MiB, "
        f"{sum(y.persons for y in summary.years):,} rows, cpus {os.cpu_count()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if failures:
        print("\nFAILED checks:\n" + "\n".join(failures))
        return 1
    print("calibration checks: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
