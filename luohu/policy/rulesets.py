"""规则集 Evaluating a rule set other than settlement with the same machinery.

The settlement decision has its own :class:`luohu.policy.engine.Engine`
(family members, channels, bit-set population outputs). Other rule sets —
residence permits (``permits``, 国务院令第663号) and the supporting services
(``services``, AY2018-19:3.6–3.10) — are registered with the same ``@rule``
decorator, read the same dated parameters and county settings, are checked
by the same citation, quote and coverage checks, and are evaluated here:

* one case: the rules' own Polars expressions, compiled by the scalar
  interpreter (or, should one not compile, a one-row Polars frame), with a
  trace entry per rule and the facts that are missing named by field;
* a population: :meth:`RuleSetEngine.evaluate_frame`, a LazyFrame in and out.

There is no second definition of a rule: both paths run the same
expressions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from luohu.common.errors import FieldProblem
from luohu.policy.engine import MISSING_FACT, UNKNOWN_SENTENCE, _stages
from luohu.policy.errors import MissingFacts, RuleNotInForce
from luohu.policy.parameters import ParameterSet, default_parameters
from luohu.policy.rules import RULES, Rule
from luohu.policy.scalar import Compiled, Unsupported, compile_expr
from luohu.policy.sources import clause


class RuleSetEngine:
    """The rules of one rule set bound to one set of parameters.

    ``schema`` gives the fact columns and their types; ``county_from`` names
    the division-code column whose first six digits select county settings
    (AY2018-19:1.2.c); ``fact_paths`` maps a column to the path of the fact
    in the input, so that errors name the field the caller sent.
    """

    def __init__(
        self,
        rule_set: str,
        schema: Mapping[str, Any],
        *,
        county_from: str,
        fact_paths: Mapping[str, str] | None = None,
        value_labels: Mapping[str, Mapping[str, tuple[str, str]]] | None = None,
        params: ParameterSet | None = None,
        scalar: bool = True,
    ) -> None:
        self.rule_set = rule_set
        self.schema = dict(schema)
        self.county_from = county_from
        self.fact_paths = dict(fact_paths or {})
        # column -> coded value -> (zh, en) shown in sentences instead of the code
        self.value_labels = {k: dict(v) for k, v in (value_labels or {}).items()}
        self.params = params or default_parameters()
        self.rules: list[Rule] = [r for r in RULES.values() if r.rule_set == rule_set]
        if not self.rules:
            raise LookupError(f"no rules in rule set {rule_set!r}")
        self.by_name = {r.name: r for r in self.rules}
        used = sorted(
            {
                dep.removeprefix("param:")
                for r in self.rules
                for dep in r.depends_on(self.params)
                if dep.startswith("param:")
            }
        )
        self.parameter_paths = used
        self.parameter_exprs = [self.params.expr(path) for path in used]
        known = set(self.schema) | {f"param:{p}" for p in used}
        self.stages = _stages(self.rules, self.params, known)
        self._graph = {r.name: r.depends_on(self.params) for r in self.rules}
        for path, expr in zip(used, self.parameter_exprs, strict=True):
            roots = set(expr.meta.root_names())
            if "destination_county" in roots:
                roots = (roots - {"destination_county"}) | {county_from}
            self._graph[f"param:{path}"] = sorted(roots)
        self._quotes = {
            r.name: next((text for c, text in r.quotes() if c == r.citation), "")
            for r in self.rules
        }
        self._scalar = self._compile() if scalar else None

    def _compile(self) -> list[tuple[str, Compiled]] | None:
        try:
            compiled = [
                (f"param:{path}", compile_expr(expr))
                for path, expr in zip(self.parameter_paths, self.parameter_exprs, strict=True)
            ]
            compiled.extend(
                (expr.meta.output_name(), compile_expr(expr))
                for stage in self.stages
                for expr in stage
            )
        except Unsupported:  # pragma: no cover - every node used today is known
            return None
        return compiled

    @property
    def uses_scalar_interpreter(self) -> bool:
        return self._scalar is not None

    # --- graph ---------------------------------------------------------------

    def dependencies(self) -> dict[str, list[str]]:
        return {node: list(deps) for node, deps in self._graph.items()}

    def closure(self, nodes: Iterable[str]) -> set[str]:
        """Every node (rule, parameter, fact) that ``nodes`` read, themselves included."""
        seen: set[str] = set()
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(self._graph.get(node, []))
        return seen

    def facts_read_by(self, nodes: Iterable[str]) -> set[str]:
        return self.closure(nodes) & set(self.schema)

    # --- one case --------------------------------------------------------------

    def check_in_force(self, on: dt.date, nodes: Iterable[str]) -> None:
        """RuleNotInForce if a rule that ``nodes`` read is not in force on ``on``."""
        for name in sorted(self.closure(nodes) & set(self.by_name)):
            r = self.by_name[name]
            if on < r.in_force_from:
                raise RuleNotInForce(on=on, in_force_from=r.in_force_from, citation=r.citation)

    def evaluate_row(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter and rule value for one row of facts (unknown facts are None)."""
        row = {name: facts.get(name) for name in self.schema}
        code = row[self.county_from]
        row["destination_county"] = None if code is None else str(code)[:6]
        if self._scalar is not None:
            for name, compute in self._scalar:
                row[name] = compute(row)
            return row
        frame = pl.DataFrame([row], schema=self.schema)  # pragma: no cover - fallback
        return self.evaluate_frame(frame.lazy()).collect().row(0, named=True)  # pragma: no cover

    def missing_facts(self, row: Mapping[str, Any], nodes: Iterable[str]) -> list[str]:
        """Fact paths that left one of ``nodes`` unknown, and could change it."""
        missing: set[str] = set()

        def walk(node: str) -> None:
            if row.get(node) is not None:
                return
            if node in self.schema:
                missing.add(self.fact_paths.get(node, node))
                return
            for dep in self._graph.get(node, []):
                walk(dep)

        for node in nodes:
            walk(node)
        return sorted(missing)

    def raise_if_missing(self, row: Mapping[str, Any], nodes: Iterable[str]) -> None:
        missing = self.missing_facts(row, nodes)
        if missing:
            raise MissingFacts([FieldProblem(path, *MISSING_FACT) for path in missing])

    def format_values(self, row: Mapping[str, Any], language: int | None = None) -> dict[str, Any]:
        """Values for the sentences: facts, rules and parameters by their last path part.

        ``language`` 0 (zh) or 1 (en) shows coded values by their label.
        """
        values: dict[str, Any] = {k: v for k, v in row.items() if not k.startswith("param:")}
        for key, value in row.items():
            if key.startswith("param:"):
                values[key.rsplit("/", 1)[-1]] = value
        if language is not None:
            for column, labels in self.value_labels.items():
                label = labels.get(values.get(column))  # type: ignore[arg-type]
                if label is not None:
                    values[column] = label[language]
        return values

    def sentence(self, name: str, row: Mapping[str, Any]) -> tuple[str, str]:
        r = self.by_name[name]
        value = row.get(name)
        if value is None:
            return UNKNOWN_SENTENCE
        zh, en = (r.true_zh, r.true_en) if value else (r.false_zh, r.false_en)
        return (
            zh.format_map(_Defaulting(self.format_values(row, 0))),
            en.format_map(_Defaulting(self.format_values(row, 1))),
        )

    def trace(self, row: Mapping[str, Any], nodes: Iterable[str] | None = None) -> list[dict]:
        """One entry per rule (of ``nodes``' closure, or all): value, clause, text, sentences."""
        wanted = self.closure(nodes) if nodes is not None else set(self.by_name)
        entries = []
        for r in self.rules:
            if r.name not in wanted:
                continue
            zh, en = self.sentence(r.name, row)
            entries.append(
                {
                    "rule": r.name,
                    "value": row.get(r.name),
                    "clause": r.citation,
                    "clause_heading": clause(r.citation).heading,
                    "clause_text": self._quotes[r.name],
                    "term_zh": r.term_zh,
                    "label_en": r.label_en,
                    "sentence_zh": zh,
                    "sentence_en": en,
                    "inputs": {d: _jsonable(row.get(d)) for d in self._graph[r.name]},
                }
            )
        return entries

    def parameters_used(
        self, on: dt.date, county: str | None, nodes: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        wanted = self.closure(nodes) if nodes is not None else None
        used = []
        for path in self.parameter_paths:
            if wanted is not None and f"param:{path}" not in wanted:
                continue
            dated = self.params.value(path, on, county)
            used.append(
                {
                    "path": path,
                    "value": _jsonable(dated.value),
                    "start": dated.start.isoformat(),
                    "clause": dated.clause,
                    "local_setting": self.params[path].local_setting is not None,
                }
            )
        return used

    # --- a population -------------------------------------------------------------

    def evaluate_frame(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """Add a column per parameter and rule to a frame of facts (absent facts are null)."""
        present = set(frame.collect_schema().names())
        missing = [
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in self.schema.items()
            if name not in present
        ]
        casts = [pl.col(n).cast(t) for n, t in self.schema.items() if n in present]
        frame = frame.with_columns(*missing, *casts).with_columns(
            pl.col(self.county_from).str.slice(0, 6).alias("destination_county")
        )
        frame = frame.with_columns(self.parameter_exprs)
        for stage in self.stages:
            frame = frame.with_columns(stage)
        return frame


class _Defaulting(dict[str, Any]):
    """format_map values; a name a sentence uses but the row lacks shows as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
