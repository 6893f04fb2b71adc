"""The ``@rule`` decorator and the registry of rules.

A rule is a function ``(ParameterSet) -> pl.Expr``: an expression over fact
columns, parameter columns (``param:<path>``) and the columns of other rules.
The same expression evaluates one case, a population and a Spark partition.
Its docstring quotes the clause verbatim; :mod:`luohu.policy.checks` compares
the quote with the source.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import polars as pl

from luohu.policy.parameters import ParameterSet
from luohu.policy.sources import plan

Level = Literal["person", "member"]
RuleBuilder = Callable[[ParameterSet], pl.Expr]

_QUOTE_HEAD = re.compile(r"^\s*(?P<citation>[A-Z][A-Z0-9-]*:[0-9a-z.]+)\b")


@dataclass(frozen=True)
class Rule:
    name: str
    citation: str
    level: Level
    build: RuleBuilder
    term_zh: str
    label_en: str
    true_zh: str
    true_en: str
    false_zh: str
    false_en: str
    doc: str
    in_force_from: dt.date
    rule_set: str = "settlement"

    def quotes(self) -> list[tuple[str, str]]:
        """(citation, quoted text) pairs found in the docstring."""
        found: list[tuple[str, str]] = []
        lines = self.doc.splitlines()
        i = 0
        while i < len(lines):
            head = _QUOTE_HEAD.match(lines[i])
            if head is None:
                i += 1
                continue
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i].strip():
                body.append(lines[i].strip())
                i += 1
            found.append((head["citation"], "".join(body)))
        return found

    def expression(self, params: ParameterSet) -> pl.Expr:
        return self.build(params).alias(self.name)

    def depends_on(self, params: ParameterSet) -> list[str]:
        """Columns the rule reads: facts, ``param:<path>`` and other rules."""
        return sorted(set(self.build(params).meta.root_names()))


RULES: dict[str, Rule] = {}


def rules_of(rule_set: str, rules: dict[str, Rule] | None = None) -> list[Rule]:
    """The rules of one rule set, in definition (and evaluation) order."""
    return [r for r in (RULES if rules is None else rules).values() if r.rule_set == rule_set]


def rule(
    *,
    clause: str,
    label_en: str,
    true: tuple[str, str],
    false: tuple[str, str],
    level: Level = "person",
    in_force_from: dt.date | None = None,
    rule_set: str = "settlement",
) -> Callable[[RuleBuilder], RuleBuilder]:
    """Register a rule. ``true``/``false`` are (zh, en) sentences for the trace.

    ``in_force_from`` defaults to the day the plan came into force (sources).
    ``rule_set`` groups rules evaluated together: ``settlement`` (the
    settlement decision, :class:`luohu.policy.engine.Engine`), ``permits`` and
    ``services`` (:mod:`luohu.policy.rulesets`). Names are unique across sets.

    Sentences may name columns in braces, e.g. ``{urban_insurance_months_at_destination}``;
    a parameter is named by the last part of its path.
    """

    def register(build: RuleBuilder) -> RuleBuilder:
        doc = build.__doc__ or ""
        first = doc.strip().splitlines()[0] if doc.strip() else build.__name__
        term_zh = first.split(" ", 1)[0]
        if build.__name__ in RULES:
            raise ValueError(f"rule {build.__name__} is defined twice")
        RULES[build.__name__] = Rule(
            name=build.__name__,
            citation=clause,
            level=level,
            build=build,
            term_zh=term_zh,
            label_en=label_en,
            true_zh=true[0],
            true_en=true[1],
            false_zh=false[0],
            false_en=false[1],
            doc=doc,
            in_force_from=in_force_from or plan().in_force_from,
            rule_set=rule_set,
        )
        return build

    return register


def param(path: str) -> pl.Expr:
    """The column holding parameter ``path`` for each row (see ParameterSet.expr)."""
    return pl.col(f"param:{path}")


def same_place(a: str, b: str) -> pl.Expr:
    """One division code lies within the other (a town within its county, or equal)."""
    return pl.col(a).str.starts_with(pl.col(b)) | pl.col(b).str.starts_with(pl.col(a))
