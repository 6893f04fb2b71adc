"""`luohu policy …`: the settlement rules from the command line.

luohu policy check --json FILE|-     one case: JSON facts in, decision and trace out
luohu policy batch IN OUT            a population: Parquet in, Parquet out
luohu policy validate FILE           a proposed county configuration (1.2.c)
luohu policy schema                  the JSON schema of the facts
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luohu.common.errors import FieldError
from luohu.policy.errors import CountyOverrideRefused
from luohu.policy.parameters import default_parameters, validate_county_config
from luohu.policy_api import services
from luohu.policy_api.schemas import facts_json_schema

EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3

CANNOT_READ = "无法读取 {path}：{reason} / Cannot read {path}: {reason}"
NOT_JSON = "输入不是有效的 JSON：{reason} / The input is not valid JSON: {reason}"
NOT_YAML = "文件不是有效的 YAML：{reason} / The file is not valid YAML: {reason}"
ACCEPTED = "县级配置可以采用 / The county configuration is accepted: {county} from {start}"
REFUSED = "县级配置被拒绝 / The county configuration is refused:"


class Command(BaseCommand):
    help = "Settlement rules of 安政办〔2018〕19号: check, batch, validate, schema."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("check", help="Decide one case from JSON facts")
        check.add_argument(
            "--json", dest="json_path", required=True, help="facts file, or - for stdin"
        )
        check.add_argument("--no-trace", action="store_true", help="leave the trace out")
        batch = sub.add_parser("batch", help="Decide a population from Parquet to Parquet")
        batch.add_argument("source", help="Parquet of person facts (engine columns)")
        batch.add_argument("target", help="Parquet to write decisions to")
        batch.add_argument(
            "--no-progress", action="store_true", help="stream without a progress bar"
        )
        batch.add_argument(
            "--keep", action="append", default=None, help="input column to copy (default person_id)"
        )
        validate = sub.add_parser("validate", help="Check a proposed county configuration")
        validate.add_argument("file", help="county configuration YAML")
        sub.add_parser("schema", help="Print the JSON schema of the facts")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"_{options['subcommand']}")
        handler(options)

    def _print_json(self, value: Any) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False, indent=2))

    def _bad_input(self, exc: FieldError) -> CommandError:
        lines = [
            f"  {p.field or '(body)'}: {p.message_zh} / {p.message_en} [{p.code}]"
            for p in exc.problems
        ]
        return CommandError("输入有误 / Bad input:\n" + "\n".join(lines), returncode=EXIT_BAD_INPUT)

    def _read(self, path: str) -> str:
        try:
            if path == "-":
                return sys.stdin.read()
            return Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                CANNOT_READ.format(path=path, reason=exc.strerror), returncode=EXIT_BAD_INPUT
            ) from exc

    def _check(self, options: dict[str, Any]) -> None:
        text = self._read(options["json_path"])
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CommandError(NOT_JSON.format(reason=exc), returncode=EXIT_BAD_INPUT) from exc
        try:
            result = services.settlement_check(data, trace=not options["no_trace"])
        except FieldError as exc:
            raise self._bad_input(exc) from exc
        self._print_json(result)

    def _batch(self, options: dict[str, Any]) -> None:
        from luohu.policy.batch import evaluate_parquet

        source = Path(options["source"])
        if not source.exists():
            raise CommandError(
                CANNOT_READ.format(path=source, reason="no such file"), returncode=EXIT_BAD_INPUT
            )
        summary = evaluate_parquet(
            source,
            options["target"],
            keep=options["keep"] or ["person_id"],
            progress=not options["no_progress"],
        )
        self._print_json(summary.as_dict())

    def _validate(self, options: dict[str, Any]) -> None:
        text = self._read(options["file"])
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise CommandError(
                NOT_YAML.format(reason=str(exc).splitlines()[0]), returncode=EXIT_BAD_INPUT
            ) from exc
        try:
            decision = validate_county_config(data, default_parameters().parameters)
        except CountyOverrideRefused as exc:
            lines = [
                f"  {p.field or '(file)'}: {p.message_zh} / {p.message_en}" for p in exc.problems
            ]
            raise CommandError(REFUSED + "\n" + "\n".join(lines), returncode=EXIT_REFUSED) from exc
        self.stdout.write(
            ACCEPTED.format(county=decision.county, start=decision.effective_from.isoformat())
        )

    def _schema(self, options: dict[str, Any]) -> None:
        self._print_json(facts_json_schema())
