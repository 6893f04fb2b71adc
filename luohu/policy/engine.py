"""引擎 One definition of each rule, evaluated on one case, a population or Spark.

:class:`Engine` turns the registered rules and a :class:`ParameterSet` into
stages of Polars expressions. The same stages serve

* :meth:`Engine.evaluate` — one case, a one-row frame, with a full trace;
* :meth:`Engine.evaluate_frame` — a population, a LazyFrame in and out;
* :meth:`Engine.evaluate_arrow` — one Arrow batch, for Parquet and Spark's
  ``mapInArrow``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

import polars as pl
import pyarrow as pa

from luohu.common.errors import FieldProblem
from luohu.policy.channels import (
    CHANNELS,
    GENERAL_CONDITIONS,
    PRIORITY_FLAGS,
    WHAT_WOULD_CHANGE,
)
from luohu.policy.errors import MissingFacts, RuleNotInForce
from luohu.policy.facts import (
    MEMBER_COLUMNS,
    PERSON_COLUMNS,
    SettlementFacts,
    fact_path,
    member_rows,
    parse_facts,
    person_row,
)
from luohu.policy.parameters import ParameterSet, default_parameters
from luohu.policy.rules import RULES, Rule
from luohu.policy.scalar import Compiled, Unsupported, compile_expr
from luohu.policy.sources import clause, plan

TRACE_FORMAT = "luohu.policy.trace/1"
DECISION_FORMAT = "luohu.policy.decision/1"

PERSON_SCHEMA: dict[str, Any] = {
    "as_of": pl.Date,
    "request": pl.String,
    "birth_date": pl.Date,
    "consent": pl.Boolean,
    "hukou_division_code": pl.String,
    "hukou_nature": pl.String,
    "hukou_province": pl.String,
    "hukou_registered_at_destination": pl.Boolean,
    "destination_division_code": pl.String,
    "destination_kind": pl.String,
    "college_graduate": pl.Boolean,
    "vocational_graduate": pl.Boolean,
    "technical_worker_certificate": pl.Boolean,
    "returned_overseas_student": pl.Boolean,
    "entered_town_by_study": pl.Boolean,
    "entered_town_by_military_service": pl.Boolean,
    "student_admitted_to_college": pl.Boolean,
    "student_college_division_code": pl.String,
    "student_hukou_at_college": pl.Boolean,
    "student_origin_division_code": pl.String,
    "student_graduated": pl.Boolean,
    "employed": pl.Boolean,
    "employment_division_code": pl.String,
    "employment_legal_stable": pl.Boolean,
    "residence_division_code": pl.String,
    "residence_legal_stable": pl.Boolean,
    "residence_tenure": pl.String,
    "urban_insurance_months_at_destination": pl.Int32,
    "years_employed_and_living_in_town": pl.Int32,
    "whole_family_migration": pl.Boolean,
    "owns_home": pl.Boolean,
    "made_investment": pl.Boolean,
    "tax_paid": pl.Boolean,
    "settlement_points": pl.Int32,
    "rural_rights_land_contract": pl.Boolean,
    "rural_rights_homestead": pl.Boolean,
    "rural_rights_collective_income": pl.Boolean,
    "willing_to_give_up_rural_rights": pl.Boolean,
}
MEMBER_SCHEMA: dict[str, Any] = {
    "member_index": pl.Int32,
    "member_relation": pl.String,
    "member_birth_date": pl.Date,
    "member_co_residing": pl.Boolean,
    "member_consent": pl.Boolean,
}
assert set(PERSON_SCHEMA) == set(PERSON_COLUMNS)
assert set(MEMBER_SCHEMA) == {"member_index", *MEMBER_COLUMNS}

# Derived columns every parameter expression may read.
DERIVED = {"destination_county": ["destination_division_code"]}

# Output columns of a population evaluation.
OUTPUT_COLUMNS = [
    "decision",
    "channel",
    "channels",
    "priority_flags",
    "reasons",
    "missing_facts",
]
MEMBER_OUTPUT_COLUMNS = ["member_decisions"]

UNKNOWN_SENTENCE = (
    "未知（所需事实未提供，不影响判定结果）",
    "unknown (facts not given; the decision does not depend on it)",
)
MISSING_FACT = (
    "missing_fact",
    "判定需要此项事实，但未提供",
    "the decision needs this fact and it was not given",
)


def _stages(rules: list[Rule], params: ParameterSet, known: set[str]) -> list[list[pl.Expr]]:
    """Group rules into stages; a rule runs after every rule it reads."""
    done = set(known)
    pending = list(rules)
    stages: list[list[pl.Expr]] = []
    while pending:
        ready = [r for r in pending if all(d in done for d in r.depends_on(params))]
        if not ready:
            names = [r.name for r in pending]
            raise RuntimeError(f"rules with unmet or circular dependencies: {names}")
        stages.append([r.expression(params) for r in ready])
        done.update(r.name for r in ready)
        pending = [r for r in pending if r.name not in done]
    return stages


def _reason_conditions() -> dict[str, pl.Expr]:
    """Each reason code with the condition under which it stands in the way."""
    reasons: dict[str, pl.Expr] = {}
    for name, blocking in GENERAL_CONDITIONS:
        reasons[name] = pl.col(name) == blocking
    for channel in CHANNELS:
        applies = pl.col("request") == channel.request
        for condition in channel.conditions:
            prior = reasons.get(condition, pl.lit(False))
            reasons[condition] = prior | (applies & pl.col(condition).not_())
        # A channel that fails with every listed condition met (or none
        # listed) is itself the reason, as in the one-case explanation.
        conditions_met = pl.all_horizontal(
            [pl.col(c).fill_null(True) for c in channel.conditions] or [pl.lit(True)]
        )
        reasons[channel.rule] = applies & pl.col(channel.rule).not_() & conditions_met
    return reasons


# Bit i of a population output column stands for name i of its table. The
# tables only ever grow at the end, so stored outputs keep their meaning.
CHANNEL_BITS: tuple[str, ...] = tuple(c.name for c in CHANNELS)
FLAG_BITS: tuple[str, ...] = PRIORITY_FLAGS
REASON_BITS: tuple[str, ...] = tuple(_reason_conditions())
MISSING_BITS: tuple[str, ...] = tuple(PERSON_SCHEMA)
BIT_TABLES: dict[str, tuple[str, ...]] = {
    "channels": CHANNEL_BITS,
    "priority_flags": FLAG_BITS,
    "reasons": REASON_BITS,
    "missing_facts": MISSING_BITS,
}


def _bits(table: tuple[str, ...], conditions: Mapping[str, pl.Expr], dtype: Any) -> pl.Expr:
    """A bit set: bit i is on where the condition of ``table[i]`` holds.

    Bit sets, not list columns: building lists costs Polars about eight times
    the rules themselves on millions of rows (docs/benchmarks.md).
    """
    terms = [
        conditions[name].fill_null(False).cast(dtype) * pl.lit(1 << i, dtype=dtype)
        for i, name in enumerate(table)
        if name in conditions
    ]
    return pl.sum_horizontal(terms).cast(dtype) if terms else pl.lit(0, dtype=dtype)


def decode_outputs(frame: pl.DataFrame) -> pl.DataFrame:
    """Turn the bit-set columns of a population output into lists of names (small frames)."""
    columns = []
    for column, table in BIT_TABLES.items():
        if column in frame.columns:
            names = [
                [name for i, name in enumerate(table) if mask is not None and mask >> i & 1]
                for mask in frame[column].to_list()
            ]
            columns.append(pl.Series(column, names, dtype=pl.List(pl.String)))
    return frame.with_columns(columns)


class Engine:
    """The settlement rules bound to one set of parameters."""

    def __init__(self, params: ParameterSet | None = None, *, scalar: bool = True) -> None:
        """Bind the rules to ``params``; ``scalar=False`` keeps Polars for one case too."""
        self.params = params or default_parameters()
        # Only the settlement rule set; permits and services have their own
        # evaluators over the same rules machinery (luohu.policy.rulesets).
        self.rules = [r for r in RULES.values() if r.rule_set == "settlement"]
        self.person_rules = [r for r in self.rules if r.level == "person"]
        self.member_rules = [r for r in self.rules if r.level == "member"]
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
        params_done = {f"param:{p}" for p in used}
        self.person_stages = _stages(
            self.person_rules, self.params, set(PERSON_SCHEMA) | params_done
        )
        person_done = set(PERSON_SCHEMA) | params_done | {r.name for r in self.person_rules}
        self.member_stages = _stages(
            self.member_rules, self.params, person_done | set(MEMBER_SCHEMA)
        )
        # Built once: the trace of every evaluation reads them.
        self._graph = self._build_graph()
        self._quotes = {
            r.name: next((text for citation, text in r.quotes() if citation == r.citation), "")
            for r in self.rules
        }
        self._scalar = self._compile_scalar() if scalar else None

    def _compile_scalar(self) -> _ScalarPlan | None:
        """The same expressions, compiled for one row; None if one cannot be."""
        try:
            params = [
                (f"param:{path}", compile_expr(expr))
                for path, expr in zip(self.parameter_paths, self.parameter_exprs, strict=True)
            ]
            person = [
                (expr.meta.output_name(), compile_expr(expr))
                for stage in self.person_stages
                for expr in stage
            ]
            member = [
                (expr.meta.output_name(), compile_expr(expr))
                for stage in self.member_stages
                for expr in stage
            ]
            member.append(("member_decision", compile_expr(_member_decision())))
        except Unsupported:  # pragma: no cover - every node of today's rules is known
            return None
        return _ScalarPlan(params, person, member)

    @property
    def uses_scalar_interpreter(self) -> bool:
        return self._scalar is not None

    # --- dependency graph ---------------------------------------------------

    def _build_graph(self) -> dict[str, list[str]]:
        graph = {r.name: r.depends_on(self.params) for r in self.rules}
        for path, expr in zip(self.parameter_paths, self.parameter_exprs, strict=True):
            roots = set(expr.meta.root_names())
            if "destination_county" in roots:
                roots = (roots - {"destination_county"}) | set(DERIVED["destination_county"])
            graph[f"param:{path}"] = sorted(roots)
        return graph

    def dependencies(self) -> dict[str, list[str]]:
        """Every node of the graph (rules and parameters) with what it reads."""
        return {node: list(deps) for node, deps in self._graph.items()}

    def closure(self, nodes: Iterable[str], *, stop: Iterable[str] = ()) -> set[str]:
        """Every node reachable from ``nodes``, themselves included; ``stop`` nodes are not expanded."""
        graph = self._graph
        stop = set(stop)
        seen: set[str] = set()
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node not in stop:
                stack.extend(graph.get(node, []))
        return seen

    def facts_needed(self, request: str | None = None) -> list[str]:
        """Fact paths the decision (and its flags) may read, for one request type or all."""
        return sorted(fact_path(c) for c in self._fact_columns_needed(request))

    def _fact_columns_needed(self, request: str | None) -> set[str]:
        roots = ["plan_in_force", "has_consented", "is_already_registered"]
        for channel in CHANNELS:
            if request is None or channel.request == request:
                roots.append(channel.rule)
        if request in (None, "settle"):
            roots.extend(PRIORITY_FLAGS)
        person_rules = {r.name for r in self.person_rules}
        nodes = self.closure(roots) | self.closure(["member_admitted"], stop=person_rules)
        columns = nodes & (set(PERSON_SCHEMA) | set(MEMBER_COLUMNS))
        if request is not None:
            columns.discard("request")
        return columns

    # --- evaluation of frames -------------------------------------------------

    def _prepare(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        present = set(frame.collect_schema().names())
        missing = [
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in PERSON_SCHEMA.items()
            if name not in present
        ]
        casts = [pl.col(n).cast(t) for n, t in PERSON_SCHEMA.items() if n in present]
        frame = frame.with_columns(*missing, *casts)
        frame = frame.with_columns(
            pl.col("destination_division_code").str.slice(0, 6).alias("destination_county")
        )
        return frame.with_columns(self.parameter_exprs)

    def evaluate_rules(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """Add parameter and person-rule columns to a frame of person facts."""
        frame = self._prepare(frame)
        for stage in self.person_stages:
            frame = frame.with_columns(stage)
        return frame

    def evaluate_member_rules(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """Add member-rule columns to a frame of member facts beside person results."""
        for stage in self.member_stages:
            frame = frame.with_columns(stage)
        return frame.with_columns(member_decision=_member_decision())

    def evaluate_frame(self, frame: pl.LazyFrame, *, keep: Iterable[str] = ()) -> pl.LazyFrame:
        """Evaluate a population: person facts in, decisions out (plus ``keep`` columns).

        A ``family_members`` column (list of structs with relation, birth_date,
        co_residing, consent) is decided member by member into
        ``member_decisions``.
        """
        names = frame.collect_schema().names()
        has_members = "family_members" in names
        keep = [k for k in keep if k in names]
        if has_members:
            frame = frame.with_row_index("_row")
            keep = ["_row", *keep]
        evaluated = self.evaluate_rules(frame).with_columns(self.output_exprs())
        result = evaluated.select(*keep, *OUTPUT_COLUMNS)
        if not has_members:
            return result
        members = (
            evaluated.select("_row", "family_members", *self._person_columns_for_members())
            .explode("family_members")
            .filter(pl.col("family_members").is_not_null())
            .with_columns(
                pl.col("family_members").struct.field("relation").alias("member_relation"),
                pl.col("family_members")
                .struct.field("birth_date")
                .cast(pl.Date)
                .alias("member_birth_date"),
                pl.col("family_members").struct.field("co_residing").alias("member_co_residing"),
                pl.col("family_members").struct.field("consent").alias("member_consent"),
            )
        )
        decided = (
            self.evaluate_member_rules(members)
            .group_by("_row", maintain_order=True)
            .agg(pl.col("member_decision").alias("member_decisions"))
        )
        return (
            result.join(decided, on="_row", how="left", maintain_order="left")
            .with_columns(
                pl.col("member_decisions").fill_null(pl.lit([], dtype=pl.List(pl.String)))
            )
            .drop("_row")
        )

    def _person_columns_for_members(self) -> list[str]:
        member_deps = {d for r in self.member_rules for d in self._graph[r.name]}
        own = set(MEMBER_SCHEMA) | {r.name for r in self.member_rules}
        return sorted((member_deps - own) | {"as_of", "destination_county"})

    def output_exprs(self) -> list[pl.Expr]:
        """decision, channel and the bit sets of channels, flags, reasons and missing facts."""
        unknown = pl.col("is_eligible").is_null() | pl.any_horizontal(
            pl.col(f).is_null() for f in PRIORITY_FLAGS
        )
        decision = (
            pl.when(pl.col("plan_in_force").not_())
            .then(pl.lit("not_in_force"))
            .when(unknown)
            .then(pl.lit("missing_facts"))
            .when(pl.col("is_eligible"))
            .then(pl.lit("eligible"))
            .when(pl.col("is_already_registered").fill_null(False))
            .then(pl.lit("already_registered"))
            .otherwise(pl.lit("not_eligible"))
            .alias("decision")
        )
        # A channel admits only an eligible person: without consent, or when
        # already registered, no channel is reported as admitting.
        admits = {c.name: pl.col("is_eligible") & pl.col(c.rule) for c in CHANNELS}
        first: Any = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
        for name, condition in admits.items():
            first = first.when(condition).then(pl.lit(name))
        channel = first.otherwise(None).alias("channel")
        channels = _bits(CHANNEL_BITS, admits, pl.UInt8).alias("channels")
        flags = _bits(FLAG_BITS, {f: pl.col(f) for f in PRIORITY_FLAGS}, pl.UInt8)
        reasons = _bits(REASON_BITS, _reason_conditions(), pl.UInt32)
        reasons = pl.when(pl.col("is_eligible").not_()).then(reasons).otherwise(0)
        # Which facts are null, limited to those the request can read.
        null_facts = _bits(MISSING_BITS, {c: pl.col(c).is_null() for c in MISSING_BITS}, pl.UInt64)
        needed: Any = pl.when(pl.lit(False)).then(pl.lit(0, dtype=pl.UInt64))
        for request in sorted({c.request for c in CHANNELS}):
            needed_columns = self._fact_columns_needed(request) & set(MISSING_BITS)
            mask = sum(1 << MISSING_BITS.index(c) for c in needed_columns)
            needed = needed.when(pl.col("request") == request).then(pl.lit(mask, dtype=pl.UInt64))
        needed = needed.otherwise(pl.lit(1 << MISSING_BITS.index("request"), dtype=pl.UInt64))
        missing = pl.when(unknown).then(null_facts & needed)
        return [
            decision,
            channel,
            channels,
            flags.alias("priority_flags"),
            reasons.cast(pl.UInt32).alias("reasons"),
            missing.otherwise(0).cast(pl.UInt64).alias("missing_facts"),
        ]

    def evaluate_arrow(
        self, batch: pa.RecordBatch | pa.Table, *, keep: Iterable[str] = ()
    ) -> pa.Table:
        """Evaluate one Arrow batch; the function Parquet batches and Spark partitions share."""
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        return self.evaluate_frame(frame.lazy(), keep=keep).collect().to_arrow()

    def map_arrow_batches(
        self, batches: Iterator[pa.RecordBatch], *, keep: Iterable[str] = ()
    ) -> Iterator[pa.RecordBatch]:
        """The ``mapInArrow`` function: Arrow batches in, decision batches out."""
        keep = list(keep)
        for batch in batches:
            yield from self.evaluate_arrow(batch, keep=keep).to_batches()

    # --- one case -----------------------------------------------------------

    def evaluate(
        self, facts: SettlementFacts | Mapping[str, Any], *, trace: bool = True
    ) -> dict[str, Any]:
        """Decide one settlement question; raise FieldError, MissingFacts or RuleNotInForce."""
        if isinstance(facts, SettlementFacts):
            from luohu.policy.facts import check_facts

            citizen = check_facts(facts)
        else:
            facts, citizen = parse_facts(facts)
        in_force = plan().in_force_from
        if facts.as_of < in_force:
            raise RuleNotInForce(
                on=facts.as_of, in_force_from=in_force, citation="AY2018-19:notice"
            )
        if self._scalar is not None:
            row, member_results = self._scalar.evaluate(
                person_row(facts, citizen), member_rows(facts), self._person_columns_for_members()
            )
        else:
            row, member_results = self._evaluate_one_in_polars(facts, citizen)
        self._raise_if_missing(row, member_results)
        return self._assemble(facts, row, member_results, trace=trace)

    def _evaluate_one_in_polars(
        self, facts: SettlementFacts, citizen: Any
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        person = pl.DataFrame([person_row(facts, citizen)], schema=PERSON_SCHEMA)
        row_frame = self.evaluate_rules(person.lazy()).collect()
        row = row_frame.row(0, named=True)
        member_results: list[dict[str, Any]] = []
        if facts.family_members:
            members = pl.DataFrame(member_rows(facts), schema=MEMBER_SCHEMA).join(
                row_frame.select(self._person_columns_for_members()), how="cross"
            )
            member_results = list(
                self.evaluate_member_rules(members.lazy()).collect().iter_rows(named=True)
            )
        return row, member_results

    def _raise_if_missing(self, row: dict[str, Any], members: list[dict[str, Any]]) -> None:
        graph = self._graph
        missing: set[str] = set()

        def walk(node: str, values: dict[str, Any], member_index: int | None) -> None:
            if values.get(node) is not None:
                return
            if node in MEMBER_SCHEMA and member_index is not None:
                # Name the member: "family_members[2].consent", not "[]".
                missing.add(fact_path(node).replace("[]", f"[{member_index}]"))
                return
            if node in PERSON_SCHEMA or node in MEMBER_SCHEMA:
                missing.add(fact_path(node))
                return
            for dep in graph.get(node, []):
                walk(dep, values, member_index)

        for node in ["is_eligible", *PRIORITY_FLAGS]:
            walk(node, row, None)
        for member in members:
            # A member rule also reads person facts: look them up in the row.
            walk("member_admitted", {**row, **member}, member["member_index"])
        if missing:
            problems = [FieldProblem(path, *MISSING_FACT) for path in sorted(missing)]
            raise MissingFacts(problems)

    def _format_values(self, row: Mapping[str, Any]) -> dict[str, Any]:
        values = {k: v for k, v in row.items() if not k.startswith("param:")}
        for key, value in row.items():
            if key.startswith("param:"):
                values[key.rsplit("/", 1)[-1]] = value
        values["in_force_from"] = plan().in_force_from.isoformat()
        return values

    def _trace_entry(
        self, rule: Rule, row: Mapping[str, Any], member: int | None, fmt: Mapping[str, Any]
    ) -> dict[str, Any]:
        value = row[rule.name]
        if value is None:
            # Unknown, and not needed: the decision was reached without it.
            zh, en = UNKNOWN_SENTENCE
        elif value:
            zh, en = rule.true_zh, rule.true_en
        else:
            zh, en = rule.false_zh, rule.false_en
        deps = self._graph[rule.name]
        quote = self._quotes[rule.name]
        return {
            "rule": rule.name,
            "level": rule.level,
            "member_index": member,
            "value": value,
            "clause": rule.citation,
            "clause_heading": clause(rule.citation).heading,
            "clause_text": quote,
            "term_zh": rule.term_zh,
            "label_en": rule.label_en,
            "sentence_zh": zh.format_map(fmt),
            "sentence_en": en.format_map(fmt),
            "inputs": {d: _jsonable(row.get(d)) for d in deps},
        }

    def _assemble(
        self,
        facts: SettlementFacts,
        row: dict[str, Any],
        members: list[dict[str, Any]],
        *,
        trace: bool,
    ) -> dict[str, Any]:
        eligible = bool(row["is_eligible"])
        county = facts.destination.division_code[:6]
        channels = [
            {
                "channel": c.name,
                "clause": c.citation,
                "label_zh": c.label_zh,
                "label_en": c.label_en,
            }
            for c in CHANNELS
            if eligible and row[c.rule]
        ]
        flags = [
            {
                "flag": f,
                "clause": RULES[f].citation,
                "label_zh": RULES[f].term_zh,
                "label_en": RULES[f].label_en,
            }
            for f in PRIORITY_FLAGS
            if row[f]
        ]
        if eligible:
            decision = "eligible"
        elif row["is_already_registered"]:
            decision = "already_registered"
        else:
            decision = "not_eligible"
        result: dict[str, Any] = {
            "format": DECISION_FORMAT,
            "as_of": facts.as_of.isoformat(),
            "request": facts.request,
            "decision": decision,
            "eligible": eligible,
            "channels": channels,
            "priority_flags": flags,
            "family_members": [self._member_result(m) for m in members],
            "why_not": [] if eligible else self._why_not(facts, row),
            "documents": self._documents(facts, channels, members, county) if eligible else [],
            "processing_time_working_days": self.params.value(
                "local/processing_time_working_days", facts.as_of, county
            ).value,
            "parameters": self._parameters_used(facts.as_of, county),
        }
        if trace:
            fmt = self._format_values(row)
            entries = [self._trace_entry(r, row, None, fmt) for r in self.person_rules]
            for member in members:
                member_fmt = self._format_values(member)
                entries.extend(
                    self._trace_entry(r, member, member["member_index"], member_fmt)
                    for r in self.member_rules
                )
            result["trace"] = {
                "format": TRACE_FORMAT,
                "source": plan().id,
                "document_number": plan().document_number,
                "entries": entries,
            }
        return result

    def _member_result(self, member: dict[str, Any]) -> dict[str, Any]:
        unmet = [
            {"rule": r.name, "clause": r.citation, "zh": r.false_zh, "en": r.false_en}
            for r in self.member_rules
            if r.name not in ("member_is_adult", "member_admitted")
            and member[r.name] is False
            and (member["is_eligible"] or r.name != "member_channel_admits_family")
        ]
        if not member["is_eligible"]:
            unmet.insert(
                0,
                {
                    "rule": "is_eligible",
                    "clause": RULES["is_eligible"].citation,
                    "zh": "申请人不符合落户条件",
                    "en": "the applicant is not eligible",
                },
            )
        return {
            "index": member["member_index"],
            "relation": member["member_relation"],
            "decision": member["member_decision"],
            "unmet": unmet,
        }

    def _why_not(self, facts: SettlementFacts, row: dict[str, Any]) -> list[dict[str, Any]]:
        fmt = self._format_values(row)
        required = row.get("param:settlement/city_worker/urban_insurance_months_required")
        months = row.get("urban_insurance_months_at_destination")
        fmt["months_short"] = (
            (required - months) if required is not None and months is not None else None
        )
        general = [
            self._unmet(name, fmt) for name, blocking in GENERAL_CONDITIONS if row[name] is blocking
        ]
        blocks: list[dict[str, Any]] = []
        for channel in CHANNELS:
            if channel.request != facts.request:
                continue
            unmet = [self._unmet(c, fmt) for c in channel.conditions if row[c] is False]
            if not unmet and row[channel.rule] is False:
                unmet = [self._unmet(channel.rule, fmt)]
            blocks.append(
                {
                    "channel": channel.name,
                    "clause": channel.citation,
                    "label_zh": channel.label_zh,
                    "label_en": channel.label_en,
                    "unmet": general + unmet,
                }
            )
        if not blocks:  # pragma: no cover - every request has a channel
            blocks = [{"channel": None, "clause": None, "unmet": general}]
        return blocks

    def _unmet(self, name: str, fmt: Mapping[str, Any]) -> dict[str, Any]:
        r = RULES[name]
        entry: dict[str, Any] = {
            "rule": name,
            "clause": r.citation,
            "zh": (r.true_zh if name == "is_already_registered" else r.false_zh).format_map(fmt),
            "en": (r.true_en if name == "is_already_registered" else r.false_en).format_map(fmt),
        }
        change = WHAT_WOULD_CHANGE.get(name)
        if change is not None:
            entry["what_would_change_zh"] = change[0].format_map(fmt)
            entry["what_would_change_en"] = change[1].format_map(fmt)
        return entry

    def _documents(
        self,
        facts: SettlementFacts,
        channels: list[dict[str, Any]],
        members: list[dict[str, Any]],
        county: str,
    ) -> list[dict[str, Any]]:
        common = self.params.value("local/documents/common", facts.as_of, county).value
        by_channel = self.params.value("local/documents/by_channel", facts.as_of, county).value
        docs = list(common)
        for channel in channels:
            docs.extend(by_channel.get(channel["channel"], []))
        if any(m["member_decision"] == "admitted" for m in members):
            docs.extend(by_channel.get("family_member", []))
        seen: set[str] = set()
        unique = []
        for doc in docs:
            if doc["code"] not in seen:
                seen.add(doc["code"])
                unique.append(dict(doc))
        return unique

    def _parameters_used(self, on: dt.date, county: str) -> list[dict[str, Any]]:
        used = []
        for path in self.parameter_paths:
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


MEMBER_STRUCT = pl.Struct(
    {
        "relation": pl.String,
        "birth_date": pl.Date,
        "co_residing": pl.Boolean,
        "consent": pl.Boolean,
    }
)


def frame_from_facts(cases: Iterable[SettlementFacts | Mapping[str, Any]]) -> pl.DataFrame:
    """A population frame (one row per case, family in ``family_members``) from facts.

    Each case is validated exactly as for one case; the first bad one raises.
    """
    rows = []
    for case in cases:
        if isinstance(case, SettlementFacts):
            from luohu.policy.facts import check_facts

            facts, citizen = case, check_facts(case)
        else:
            facts, citizen = parse_facts(case)
        row = person_row(facts, citizen)
        row["family_members"] = [
            {
                "relation": m.relation,
                "birth_date": m.birth_date,
                "co_residing": m.co_residing,
                "consent": m.consent,
            }
            for m in facts.family_members
        ]
        rows.append(row)
    return pl.DataFrame(rows, schema={**PERSON_SCHEMA, "family_members": pl.List(MEMBER_STRUCT)})


class _ScalarPlan:
    """Compiled rules for one row: parameters, person rules, member rules, in order."""

    def __init__(
        self,
        params: list[tuple[str, Compiled]],
        person: list[tuple[str, Compiled]],
        member: list[tuple[str, Compiled]],
    ) -> None:
        self.params, self.person, self.member = params, person, member

    def evaluate(
        self,
        facts: dict[str, Any],
        members: list[dict[str, Any]],
        carried: list[str],
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        code = facts["destination_division_code"]
        row = {**facts, "destination_county": None if code is None else code[:6]}
        for name, compute in (*self.params, *self.person):
            row[name] = compute(row)
        results = []
        for member in members:
            values = {**{c: row[c] for c in carried}, **member}
            for name, compute in self.member:
                values[name] = compute(values)
            results.append(values)
        return row, results


def _member_decision() -> pl.Expr:
    needs_review = (
        pl.col("is_eligible")
        & pl.col("member_channel_admits_family")
        & pl.col("member_relation_named").not_()
        & pl.col("member_co_resides")
        & pl.col("member_has_consented")
    )
    return (
        pl.when(pl.col("member_admitted").is_null())
        .then(pl.lit("missing_facts"))
        .when(pl.col("member_admitted"))
        .then(pl.lit("admitted"))
        .when(needs_review.fill_null(False))
        .then(pl.lit("needs_review"))
        .otherwise(pl.lit("not_admitted"))
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@cache
def default_engine() -> Engine:
    return Engine()


def evaluate(facts: SettlementFacts | Mapping[str, Any], *, trace: bool = True) -> dict[str, Any]:
    """Decide one settlement question with the parameters in the repository."""
    return default_engine().evaluate(facts, trace=trace)
