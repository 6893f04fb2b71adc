"""`luohu population generate|load-registry`: the synthetic Anyang population.

* ``generate``: one Parquet file per year-end; the plan's yearly settlements
  are decided by the policy engine with the destination kinds of the
  registry's divisions (``--no-settlements`` skips them).
* ``load-registry --sample N``: a deterministic sample of whole households
  into the registry through its services (``_population_registry``), for
  the demo; a second load of the same sample writes nothing and says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luohu.analytics.population import DEFAULT_SEED
from luohu.analytics.population.__main__ import DESCRIPTION, add_arguments, run
from luohu.monitoring.management.commands._population_registry import (
    SAMPLE_INVALID,
    SAMPLE_MAX,
    SampleAlreadyLoadedError,
    load_registry_sample,
)

LOAD_DESCRIPTION = (
    "Load a deterministic sample of the synthetic population into the registry "
    "(persons, households, hukou and residence records, the settlements) for the demo."
)
LOAD_SOURCE_MISSING = (
    "--source 找不到快照文件 {path}（请先运行 luohu population generate） "
    "--source: no snapshot file {path} (run luohu population generate first)"
)


class Command(BaseCommand):
    help = (
        "Synthetic Anyang population: `luohu population generate --scale S --out DIR`, "
        "`luohu population load-registry --sample N`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        add_arguments(commands.add_parser("generate", help=DESCRIPTION))
        load = commands.add_parser("load-registry", help=LOAD_DESCRIPTION)
        load.add_argument("--sample", type=int, required=True, help="number of people (about)")
        load.add_argument(
            "--source",
            type=Path,
            default=Path("var/population"),
            help="directory of population_<year>.parquet (default var/population)",
        )
        load.add_argument("--year", type=int, default=2020, help="snapshot year (default 2020)")
        load.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="sample seed (default the generator's)"
        )
        load.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "load-registry":
            self._load(options)
            return
        if run(_namespace(options)) != 0:
            raise CommandError("population generate failed; see the messages above")

    def _load(self, options: dict[str, Any]) -> None:
        from tqdm import tqdm

        from luohu.analytics.population import snapshot_path

        size = options["sample"]
        if not 1 <= size <= SAMPLE_MAX:
            raise CommandError(SAMPLE_INVALID)
        path = snapshot_path(options["source"], options["year"])
        if not path.is_file():
            raise CommandError(LOAD_SOURCE_MISSING.format(path=path))

        def bar(items: Any, total: int) -> Any:
            return tqdm(
                items,
                total=total,
                desc="registry",
                unit="household",
                disable=options["no_progress"],
            )

        try:
            result = load_registry_sample(
                options["source"],
                year=options["year"],
                size=size,
                seed=options["seed"],
                progress=bar,
            )
        except SampleAlreadyLoadedError as exc:
            # Idempotent: a second load (make demo run again) writes nothing and says so.
            self.stdout.write(str(exc))
            return
        self.stdout.write(
            f"registry sample: {result.persons} persons in {result.households} households "
            f"({result.hukou_registered} with an Anyang hukou, {result.without_hukou} without), "
            f"{result.residences} residence records, {result.settlements} settled under the plan; "
            f"{result.seconds:.1f} s"
        )


def _namespace(options: dict[str, Any]) -> Any:
    from argparse import Namespace

    return Namespace(**options)
