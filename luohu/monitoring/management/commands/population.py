"""`luohu population generate`: the synthetic Anyang population to Parquet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luohu.analytics.population.__main__ import DESCRIPTION, add_arguments, run


class Command(BaseCommand):
    help = "Synthetic Anyang population: `luohu population generate --scale S --out DIR`."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        add_arguments(commands.add_parser("generate", help=DESCRIPTION))

    def handle(self, *args: Any, **options: Any) -> None:
        if run(_namespace(options)) != 0:
            raise CommandError("population generate failed; see the messages above")


def _namespace(options: dict[str, Any]) -> Any:
    from argparse import Namespace

    return Namespace(**options)
