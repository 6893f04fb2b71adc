"""python -m luohu.analytics.population: generate the synthetic population."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from luohu.analytics.population import (
    DEFAULT_SCALE,
    DEFAULT_SEED,
    Summary,
    check_arguments,
    generate_population,
    tune_allocator,
)
from luohu.analytics.population.calibration import YEARS
from luohu.common.errors import FieldError, FieldProblem

YEARS_UNREADABLE = FieldProblem(
    "years",
    "population_years_unreadable",
    "年份格式应为 2020、2015-2020 或 2015,2020",
    "years must look like 2020, 2015-2020 or 2015,2020",
)


def parse_years(text: str) -> list[int]:
    """Read "2020", "2015-2020" or "2015,2018,2020"."""
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            return list(range(first, last + 1))
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise FieldError(YEARS_UNREADABLE) from exc


DESCRIPTION = "Generate the synthetic Anyang population (one Parquet file per year-end)."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m luohu.analytics.population", description=DESCRIPTION
    )
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `generate`, shared by this entry and `luohu population generate`."""
    parser.add_argument(
        "--scale",
        type=float,
        default=DEFAULT_SCALE,
        help=f"fraction of the real population; 1.0 = 5,477,614 residents in 2020 (default {DEFAULT_SCALE})",
    )
    parser.add_argument("--out", type=Path, default=Path("var/population"), help="output directory")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--years",
        default=f"{YEARS.start}-{YEARS.stop - 1}",
        help="year-ends to generate: 2020, 2015-2020 or 2015,2020 (default all)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="years built at once, one process each (default 1)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--no-settlements",
        action="store_true",
        help="skip the plan's yearly settlements (policy engine x willingness); by default "
        "they are applied, with destination kinds read from the registry's divisions",
    )


def format_summary(summary: Summary) -> str:
    lines = [
        f"scale {summary.scale:g}, seed {summary.seed}, {summary.seconds:.1f} s -> {summary.out_dir}",
        "year  persons   residents (target)     urban rate  hukou pop (target)    hukou urban rate"
        "  transfers",
    ]
    for y in summary.years:
        urban_rate = 100 * y.urban_residents / y.residents if y.residents else 0.0
        hukou_rate = 100 * y.hukou_urban / y.hukou_population if y.hukou_population else 0.0
        lines.append(
            f"{y.year}  {y.persons:>8}  {y.residents:>9} ({y.residents_target:>9})  {urban_rate:6.2f} %"
            f"    {y.hukou_population:>9} ({y.hukou_population_target:>9})  {hukou_rate:6.2f} %"
            f"  {'-' if y.hukou_transfers is None else y.hukou_transfers:>9}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Generate as the parsed options say; print the summary; 2 on bad input."""
    if args.scale >= 0.1:
        tune_allocator()
    try:
        check_arguments(args.scale, args.seed, parse_years(args.years))
        kinds = None
        if not getattr(args, "no_settlements", False):
            from luohu.analytics.population.kinds import registry_destination_kinds

            kinds = registry_destination_kinds()
        summary = generate_population(
            args.scale,
            args.out,
            seed=args.seed,
            years=parse_years(args.years),
            progress=not args.no_progress,
            workers=args.workers,
            destination_kinds=kinds,
        )
    except FieldError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    print(format_summary(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
