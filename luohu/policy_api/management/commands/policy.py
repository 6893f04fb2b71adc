"""`luohu policy …`: the settlement rules from the command line.

luohu policy check --json FILE|-     one case: JSON facts in, decision and trace out
luohu policy batch IN OUT            a population: Parquet in, Parquet out
luohu policy validate FILE           a proposed county configuration (1.2.c)
luohu policy schema                  the JSON schema of the facts
luohu policy permit --json FILE|- [--on DATE]        residence-permit conditions (SC663:2)
luohu policy entitlements --json FILE|- [--on DATE]  every supporting service (3.6–3.10)
luohu policy same-treatment [--on DATE]             same-treatment index by county (1.2.a)
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luohu.common.errors import FieldError, FieldProblem
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
        for name, text in (
            ("permit", "May this person apply for a residence permit (SC663:2)?"),
            ("entitlements", "What is this person entitled to (3.6–3.10), and why"),
        ):
            one = sub.add_parser(name, help=text)
            one.add_argument("--json", dest="json_path", required=True, help="facts, or - (stdin)")
            one.add_argument("--on", default=None, help="date YYYY-MM-DD (default today)")
        same = sub.add_parser("same-treatment", help="Same-treatment index by county (1.2.a)")
        same.add_argument("--on", default=None, help="date YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"_{options['subcommand'].replace('-', '_')}")
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

    def _on(self, options: dict[str, Any]) -> dt.date:
        from django.utils import timezone

        if options.get("on") is None:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(options["on"])
        except ValueError as exc:
            raise self._bad_input(
                FieldError(
                    FieldProblem(
                        "on",
                        "date_invalid",
                        "日期无效，应为 YYYY-MM-DD",
                        "not a valid date; use YYYY-MM-DD",
                    )
                )
            ) from exc

    def _json(self, options: dict[str, Any]) -> Any:
        text = self._read(options["json_path"])
        try:
            return json.loads(text)
        except ValueError as exc:
            raise CommandError(NOT_JSON.format(reason=exc), returncode=EXIT_BAD_INPUT) from exc

    def _permit(self, options: dict[str, Any]) -> None:
        data = self._json(options)
        try:
            self._print_json(services.permit_check(data, on=self._on(options)))
        except FieldError as exc:
            raise self._bad_input(exc) from exc

    def _entitlements(self, options: dict[str, Any]) -> None:
        data = self._json(options)
        try:
            self._print_json(services.entitlements_check(data, on=self._on(options)))
        except FieldError as exc:
            raise self._bad_input(exc) from exc

    def _same_treatment(self, options: dict[str, Any]) -> None:
        try:
            self._print_json(services.same_treatment(self._on(options)))
        except FieldError as exc:
            raise self._bad_input(exc) from exc
