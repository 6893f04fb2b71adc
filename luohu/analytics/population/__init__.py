"""合成安阳人口 Synthetic Anyang: a person-level population for year-ends 2015-2020.

Calibrated to the 2020 census by county and to the other figures in
``luohu/analytics/data``; see docs/analytics/population-model.md. Pure
Python (NumPy, Polars): no Django import, so the same code runs in the CLI,
in tests and in a Spark worker.

    >>> from luohu.analytics.population import generate_population
    >>> summary = generate_population(0.01, Path("var/population"), seed=2018)
"""

from __future__ import annotations

import ctypes
import json
import math
import multiprocessing
import numbers
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl
from tqdm import tqdm

from luohu.analytics.population import calibration as cal
from luohu.analytics.population.generator import build_year
from luohu.analytics.population.params import Params, load_params
from luohu.common.errors import FieldError, FieldProblem

__all__ = [
    "DEFAULT_SCALE",
    "DEFAULT_SEED",
    "MAX_SCALE",
    "SETTLEMENTS_KEY",
    "Summary",
    "YearSummary",
    "check_arguments",
    "generate_population",
    "generate_year",
    "snapshot_path",
    "tune_allocator",
]

DEFAULT_SCALE = 0.01
DEFAULT_SEED = 2018
# Above this, more than 499 people of one sex could share an id address
# code and birth date (GB 11643 has 3 sequence digits).
MAX_SCALE = 5.0
MAX_WORKERS = 16
BUILD_STEPS = (
    "residents",
    "hukou places",
    "households",
    "people",
    "facts",
    "citizen ids",
    "frame",
    "settlements",
)
# Parquet key-value metadata: whether the plan's settlements were applied
# (then settled_on says who settled when) or not (transfers unknown).
SETTLEMENTS_KEY = "luohu.settlements"

SCALE_INVALID = FieldProblem(
    "scale",
    "population_scale_invalid",
    f"规模须为大于0且不超过{MAX_SCALE:g}的数（1.0 = 全市常住人口）",
    f"scale must be a number greater than 0 and at most {MAX_SCALE:g} (1.0 = the whole city)",
)
SEED_INVALID = FieldProblem(
    "seed",
    "population_seed_invalid",
    "随机种子须为非负整数",
    "seed must be a non-negative integer",
)
WORKERS_INVALID = FieldProblem(
    "workers",
    "population_workers_invalid",
    f"并行进程数须为1至{MAX_WORKERS}的整数",
    f"workers must be a whole number from 1 to {MAX_WORKERS}",
)
YEARS_INVALID = FieldProblem(
    "years",
    "population_years_invalid",
    f"年份须在{cal.YEARS.start}至{cal.YEARS.stop - 1}年之间，且不重复、不为空",
    f"years must be distinct years from {cal.YEARS.start} to {cal.YEARS.stop - 1}, at least one",
)


@dataclass(frozen=True)
class YearSummary:
    year: int
    path: str | None
    persons: int
    households: int
    residents: int
    residents_target: int
    urban_residents: int
    urban_residents_target: int
    hukou_population: int
    hukou_population_target: int
    hukou_urban: int
    # People the engine admitted who settled in this year (None: not modelled).
    hukou_transfers: int | None
    seconds: float
    # Target name -> "figure: ..." or "assumption: <parameter>", for display.
    basis: dict[str, str]


@dataclass(frozen=True)
class Summary:
    scale: float
    seed: int
    out_dir: str
    years: tuple[YearSummary, ...]
    seconds: float
    assumptions: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def check_arguments(
    scale: object, seed: object, years: object
) -> tuple[float, int, tuple[int, ...]]:
    """Validate the generator's arguments; raise FieldError naming each bad one."""
    problems = []
    if (
        isinstance(scale, bool)
        or not isinstance(scale, numbers.Real)
        or not math.isfinite(float(scale))
        or not 0 < float(scale) <= MAX_SCALE
    ):
        problems.append(SCALE_INVALID)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) < 0:
        problems.append(SEED_INVALID)
    year_list: list[int] = []
    if isinstance(years, Iterable) and not isinstance(years, str | bytes):
        year_list = list(years)
    if (
        not year_list
        or len(set(year_list)) != len(year_list)
        or any(
            isinstance(y, bool) or not isinstance(y, int) or y not in cal.YEARS for y in year_list
        )
    ):
        problems.append(YEARS_INVALID)
    if problems:
        raise FieldError(problems)
    assert isinstance(scale, numbers.Real) and isinstance(seed, numbers.Integral)
    return float(scale), int(seed), tuple(sorted(year_list))


def snapshot_path(out_dir: Path, year: int) -> Path:
    """Where the snapshot of ``year`` is written: one Parquet file per year."""
    return out_dir / f"population_{year}.parquet"


def generate_year(
    year: int,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    params: Params | None = None,
    destination_kinds: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Return one year-end snapshot in memory, after validating the arguments.

    With ``destination_kinds`` the plan's settlements are applied (see
    ``build_year``).
    """
    scale, seed, _years = check_arguments(scale, seed, [year])
    return build_year(
        year, scale=scale, seed=seed, params=params, destination_kinds=destination_kinds
    )


def _summarise(
    year: int,
    frame: pl.DataFrame,
    targets: cal.YearTargets,
    path: Path | None,
    seconds: float,
    settlements: bool = False,
) -> YearSummary:
    row = frame.select(
        persons=pl.len(),
        households=pl.col("household_id").n_unique(),
        residents=pl.col("resident_in_city").sum(),
        urban=(pl.col("resident_in_city") & pl.col("residence_urban")).sum(),
        hukou=pl.col("hukou_in_city").sum(),
        hukou_urban=(pl.col("hukou_in_city") & pl.col("hukou_urban")).sum(),
        transfers=(pl.col("settled_on").dt.year() == year).sum(),
    ).row(0, named=True)
    return YearSummary(
        year=year,
        path=str(path) if path else None,
        persons=row["persons"],
        households=row["households"],
        residents=row["residents"],
        residents_target=targets.residents,
        urban_residents=row["urban"],
        urban_residents_target=targets.urban,
        hukou_population=row["hukou"],
        hukou_population_target=targets.hukou_population,
        hukou_urban=row["hukou_urban"],
        hukou_transfers=row["transfers"] if settlements else None,
        seconds=round(seconds, 3),
        basis=dict(targets.basis),
    )


def _build(
    year: int,
    scale: float,
    seed: int,
    step: Callable[[str], None] | None = None,
    destination_kinds: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    return build_year(
        year,
        scale=scale,
        seed=seed,
        params=load_params(),
        figures=cal.load_figures(),
        divisions=cal.load_divisions(),
        step=step,
        destination_kinds=destination_kinds,
    )


def _finish(
    year: int,
    frame: pl.DataFrame,
    scale: float,
    out_dir: Path,
    started: float,
    step: Callable[[str], None] | None = None,
    settlements: bool = False,
) -> YearSummary:
    """Write one year's frame and summarise it against its targets."""
    path = snapshot_path(out_dir, year)
    frame.write_parquet(
        path,
        # Level 1: 15 % less CPU than the default (3) and no larger a file
        # for these columns (docs/benchmarks.md).
        compression="zstd",
        compression_level=1,
        statistics=True,
        metadata={SETTLEMENTS_KEY: "applied" if settlements else "none"},
    )
    if step:
        step("written")
    targets = cal.scale_targets(cal.year_targets(year), scale)
    return _summarise(
        year, frame, targets, path, time.perf_counter() - started, settlements=settlements
    )


def _write_year(
    year: int,
    scale: float,
    seed: int,
    out_dir: Path,
    step: Callable[[str], None] | None = None,
    destination_kinds: Mapping[str, str] | None = None,
) -> YearSummary:
    """Build, write and summarise one year (in this process or a worker)."""
    started = time.perf_counter()
    frame = _build(year, scale, seed, step, destination_kinds)
    return _finish(
        year, frame, scale, out_dir, started, step, settlements=destination_kinds is not None
    )


def _worker_year(
    year: int,
    scale: float,
    seed: int,
    out_dir: Path,
    destination_kinds: Mapping[str, str] | None = None,
) -> YearSummary:
    tune_allocator()
    return _write_year(year, scale, seed, out_dir, destination_kinds=destination_kinds)


def tune_allocator() -> bool:
    """Keep freed memory in glibc's heap instead of returning it to the kernel.

    The generator allocates and frees many arrays of tens of megabytes;
    by default glibc maps each one afresh and the kernel zeroes every page,
    which costs about as much system time as the computation itself. Call
    this only in a short-lived process (the CLI, a worker, a management
    command), never in a web server. Returns False where glibc is absent.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(mallopt(m_mmap_threshold, 2**30)) and bool(mallopt(m_trim_threshold, 2**40))


def generate_population(
    scale: float,
    out_dir: Path,
    seed: int,
    years: Iterable[int] = cal.YEARS,
    progress: bool = True,
    *,
    workers: int = 1,
    destination_kinds: Mapping[str, str] | None = None,
) -> Summary:
    """Generate the year-end snapshots and write one Parquet file per year.

    ``scale`` 1.0 is the whole city (5,477,614 residents in 2020, plus the
    Anyang-hukou people living elsewhere); the same ``seed`` always gives
    the same files, whatever ``workers`` is. With ``workers`` > 1, years
    are built in that many processes at once (each needs about 2 GB at
    scale 1.0). Also writes ``summary.json`` beside the files.

    With ``destination_kinds`` (township code -> settlement kind, from the
    registry: ``kinds.registry_destination_kinds``) each year's settlements
    are decided by the policy engine and applied (``settlement``); the
    files' metadata says whether they were.
    """
    scale, seed, year_tuple = check_arguments(scale, seed, years)
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise FieldError(WORKERS_INVALID)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summaries: list[YearSummary] = []
    with tqdm(
        total=len(year_tuple) * (len(BUILD_STEPS) + 1),
        desc="population",
        unit="step",
        disable=not progress,
    ) as bar:
        if workers == 1 or len(year_tuple) == 1:
            # One process: Parquet writing (Polars threads) of one year
            # overlaps the building (mostly single-threaded NumPy) of the
            # next; at most one frame waits to be written.
            with ThreadPoolExecutor(1) as writer:
                pending: Future[YearSummary] | None = None
                for year in year_tuple:

                    def step(name: str, year: int = year) -> None:
                        bar.set_postfix_str(f"{year} {name}")
                        bar.update(1)

                    year_started = time.perf_counter()
                    frame = _build(year, scale, seed, step, destination_kinds)
                    if pending is not None:
                        summaries.append(pending.result())
                    pending = writer.submit(
                        _finish,
                        year,
                        frame,
                        scale,
                        out_dir,
                        year_started,
                        step,
                        settlements=destination_kinds is not None,
                    )
                    del frame
                if pending is not None:
                    summaries.append(pending.result())
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(min(workers, len(year_tuple)), mp_context=context) as pool:
                futures = [
                    pool.submit(_worker_year, year, scale, seed, out_dir, destination_kinds)
                    for year in year_tuple
                ]
                for future in as_completed(futures):
                    done = future.result()
                    bar.set_postfix_str(f"{done.year} written")
                    bar.update(len(BUILD_STEPS) + 1)
                    summaries.append(done)
            summaries.sort(key=lambda y: y.year)
    summary = Summary(
        scale=scale,
        seed=seed,
        out_dir=str(out_dir),
        years=tuple(summaries),
        seconds=round(time.perf_counter() - started, 3),
        assumptions=tuple(p.name for p in load_params().assumptions()),
    )
    (out_dir / "summary.json").write_text(
        json.dumps(summary.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return summary
