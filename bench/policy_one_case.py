"""Benchmark (3): one settlement question with its full trace, luohu beside OpenFisca.

    .venv/bin/python bench/policy_one_case.py [--repeat 2000]

luohu: ``Engine.evaluate(facts, trace=True)`` on validated facts (parsing
the JSON is timed separately). OpenFisca: build a one-person simulation, set
the inputs, calculate every output with ``trace = True`` and read the
computation log — the same rules (bench/policy_common.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from policy_common import (  # noqa: E402
    CHANNEL_RULES,
    FLAG_RULES,
    OPENFISCA_INPUTS,
    PERIOD,
    openfisca_simulation,
    openfisca_system,
)

from luohu.policy.casefiles import Case, case_facts  # noqa: E402
from luohu.policy.engine import PERSON_SCHEMA, default_engine  # noqa: E402
from luohu.policy.facts import parse_facts, person_row  # noqa: E402


def timed(fn, repeat: int) -> list[float]:
    for _ in range(min(50, repeat)):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def report(label: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{label:<46} median {statistics.median(ms):7.3f} ms   p99 {p99:7.3f} ms   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    raw = case_facts(Case("", "", {"persona": "zhao_worker"}))
    facts, citizen = parse_facts(raw)
    engine = default_engine()
    result = engine.evaluate(facts, trace=True)
    print(f"decision {result['decision']}, {len(result['trace']['entries'])} trace entries")
    report(
        "luohu parse + evaluate + trace",
        timed(lambda: engine.evaluate(raw, trace=True), args.repeat),
    )
    report(
        "luohu evaluate + trace (validated facts)",
        timed(lambda: engine.evaluate(facts, trace=True), args.repeat),
    )
    report(
        "luohu evaluate, no trace", timed(lambda: engine.evaluate(facts, trace=False), args.repeat)
    )

    try:
        import openfisca_core  # noqa: F401
    except ImportError:
        print("openfisca-core is not installed (bench extra); OpenFisca comparison skipped")
        return
    row = person_row(facts, citizen)
    columns = {}
    for name in OPENFISCA_INPUTS:
        value = row[name]
        if PERSON_SCHEMA[name].__class__.__name__ == "Date" or hasattr(value, "isoformat"):
            columns[name] = np.array([value], dtype="datetime64[D]")
        elif isinstance(value, str):
            columns[name] = np.array([value], dtype=object)
        else:
            columns[name] = np.array([value])
    system = openfisca_system()
    outputs = ["is_eligible", *CHANNEL_RULES.values(), *FLAG_RULES]

    def openfisca_case() -> int:
        simulation = openfisca_simulation(system, columns, trace=True)
        for name in outputs:
            simulation.calculate(name, PERIOD)
        return len(simulation.tracer.computation_log.lines())

    print(
        f"OpenFisca eligible={bool(openfisca_simulation(system, columns).calculate('is_eligible', PERIOD)[0])}, "
        f"{openfisca_case()} trace lines"
    )
    report("OpenFisca build + calculate + trace", timed(openfisca_case, max(200, args.repeat // 4)))


if __name__ == "__main__":
    main()
