"""Benchmark (1)+(2): 5.5 M synthetic settlement questions, Parquet in, rules, Parquet out.

    .venv/bin/python bench/policy_population.py                    # 5.5 M rows, both engines
    .venv/bin/python bench/policy_population.py --rows 100000      # quicker

luohu (Polars, streaming scan_parquet -> rules -> sink_parquet) and the same
rules as an OpenFisca model (bench/policy_common.py) run one after the other
in fresh subprocesses on the same Parquet file; each reports its wall time
and peak resident memory (ru_maxrss of its own process). The outputs are
then asserted equal: eligibility, every channel and every priority flag, row
for row. Not a timed test: a benchmark run by hand.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from policy_common import CHANNEL_RULES, FLAG_RULES, OPENFISCA_INPUTS, PERIOD, write_population  # noqa: E402

WORK = Path(__file__).resolve().parent.parent / "var" / "bench"


def peak_mib() -> float:
    """Peak resident memory of this process (VmHWM: reset by exec, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def run_luohu(source: Path, target: Path, progress: bool) -> dict:
    from luohu.policy.batch import evaluate_parquet
    from luohu.policy.engine import default_engine

    engine = default_engine()  # building the engine is part of the run
    started = time.perf_counter()
    summary = evaluate_parquet(source, target, engine=engine, progress=progress)
    return {"seconds": time.perf_counter() - started, "rows": summary.rows, "peak_mib": peak_mib()}


def run_openfisca(source: Path, target: Path) -> dict:
    from policy_common import openfisca_simulation, openfisca_system

    started = time.perf_counter()
    frame = pl.read_parquet(source, columns=["person_id", *OPENFISCA_INPUTS])
    columns = {}
    for name in OPENFISCA_INPUTS:
        series = frame[name]
        if series.dtype == pl.String:
            columns[name] = series.to_numpy().astype(object)
        elif series.dtype == pl.Date:
            columns[name] = series.to_numpy().astype("datetime64[D]")
        else:
            columns[name] = series.to_numpy()
    loaded = time.perf_counter()
    system = openfisca_system()
    simulation = openfisca_simulation(system, columns)
    results = {"person_id": frame["person_id"].to_numpy()}
    for name in ["is_eligible", *CHANNEL_RULES.values(), *FLAG_RULES]:
        results[name] = simulation.calculate(name, PERIOD)
    calculated = time.perf_counter()
    pl.DataFrame(results).write_parquet(target)
    return {
        "seconds": time.perf_counter() - started,
        "build_and_calculate_seconds": calculated - loaded,
        "rows": len(frame),
        "peak_mib": peak_mib(),
    }


def compare(luohu_out: Path, openfisca_out: Path) -> int:
    from luohu.policy.engine import CHANNEL_BITS, FLAG_BITS

    ours = pl.read_parquet(luohu_out).sort("person_id")
    channel_bit = {name: 1 << i for i, name in enumerate(CHANNEL_BITS)}
    flag_bit = {name: 1 << i for i, name in enumerate(FLAG_BITS)}
    theirs = pl.read_parquet(openfisca_out).sort("person_id")
    assert ours["person_id"].equals(theirs["person_id"])
    mismatches = 0
    eligible = (ours["decision"] == "eligible").to_numpy()
    mismatches += int(np.sum(eligible != theirs["is_eligible"].to_numpy()))
    for channel, rule in CHANNEL_RULES.items():
        # luohu lists a channel only for an eligible person.
        got = (ours["channels"].to_numpy() & channel_bit[channel]) != 0
        want = theirs[rule].to_numpy() & theirs["is_eligible"].to_numpy()
        mismatches += int(np.sum(got != want))
    for flag in FLAG_RULES:
        got = (ours["priority_flags"].to_numpy() & flag_bit[flag]) != 0
        mismatches += int(np.sum(got != theirs[flag].to_numpy()))
    return mismatches


def child(args: argparse.Namespace) -> None:
    if args.engine == "generate":
        write_population(Path(args.target), args.rows)
        return
    source, target = Path(args.source), Path(args.target)
    if args.engine == "luohu":
        result = run_luohu(source, target, progress=False)
    elif args.engine == "luohu-progress":
        result = run_luohu(source, target, progress=True)
    else:
        result = run_openfisca(source, target)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_500_000)
    parser.add_argument("--engine", choices=["luohu", "luohu-progress", "openfisca", "generate"])
    parser.add_argument("--source")
    parser.add_argument("--target")
    parser.add_argument("--skip-openfisca", action="store_true")
    args = parser.parse_args()
    if args.engine:
        child(args)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    source = WORK / f"persons_{args.rows}.parquet"
    if not source.exists():
        started = time.perf_counter()
        # In a child, so this process stays small while the engines run.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--engine",
                "generate",
                "--rows",
                str(args.rows),
                "--target",
                str(source),
            ],
            check=True,
        )
        print(
            f"generated {args.rows:,} persons in {time.perf_counter() - started:.1f} s -> {source}"
        )
    results = {}
    try:
        import openfisca_core  # noqa: F401
    except ImportError:
        print("openfisca-core is not installed (bench extra); OpenFisca comparison skipped")
        args.skip_openfisca = True
    engines = ["luohu", "luohu-progress"] + ([] if args.skip_openfisca else ["openfisca"])
    for engine in engines:
        target = WORK / f"out_{engine}_{args.rows}.parquet"
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--engine",
                engine,
                "--source",
                str(source),
                "--target",
                str(target),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
        print(engine, json.dumps(results[engine]))
    if "openfisca" in results:
        mismatches = compare(
            WORK / f"out_luohu_{args.rows}.parquet", WORK / f"out_openfisca_{args.rows}.parquet"
        )
        print(f"outputs compared on {args.rows:,} rows: {mismatches} mismatches")
        assert mismatches == 0
        ours, theirs = results["luohu"], results["openfisca"]
        print(
            f"luohu end to end {ours['seconds']:.2f} s, peak {ours['peak_mib']:.0f} MiB; "
            f"OpenFisca build+calculate {theirs['build_and_calculate_seconds']:.2f} s "
            f"(end to end {theirs['seconds']:.2f} s), peak {theirs['peak_mib']:.0f} MiB; "
            f"speed-up vs build+calculate {theirs['build_and_calculate_seconds'] / ours['seconds']:.1f}x, "
            f"memory ratio {ours['peak_mib'] / theirs['peak_mib']:.2f}"
        )


if __name__ == "__main__":
    main()
