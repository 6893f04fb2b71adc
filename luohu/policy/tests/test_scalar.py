"""The scalar interpreter computes the rules' own expressions exactly as Polars does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from luohu.policy import MissingFacts
from luohu.policy.casefiles import CASES_DIR, case_engine, case_facts, load_cases
from luohu.policy.engine import Engine, default_engine
from luohu.policy.errors import RuleNotInForce
from luohu.policy.scalar import Unsupported, compile_expr
from luohu.policy.tests.test_guarantees import settlement_facts

POLARS_ONLY = Engine(scalar=False)


def _outcome(engine: Engine, facts: dict[str, Any]) -> Any:
    try:
        return engine.evaluate(facts)
    except (MissingFacts, RuleNotInForce) as exc:
        return (type(exc).__name__, str(exc))


def test_the_default_engine_uses_the_interpreter():
    assert default_engine().uses_scalar_interpreter is True
    assert POLARS_ONLY.uses_scalar_interpreter is False


CASES = [
    c for c in load_cases() if c.body.get("error") not in ("FieldError", "CountyOverrideRefused")
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_yaml_case_gives_the_same_result_both_ways(case):
    engine = case_engine(case)
    polars_only = Engine(engine.params, scalar=False)
    facts = case_facts(case)
    assert _outcome(engine, facts) == _outcome(polars_only, facts)


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(settlement_facts())
def test_random_cases_give_the_same_result_both_ways(facts):
    assert _outcome(default_engine(), facts) == _outcome(POLARS_ONLY, facts)


def _run(expr: pl.Expr, **row: Any) -> Any:
    return compile_expr(expr)(row)


@pytest.mark.parametrize(
    ("a", "b"),
    [(True, True), (True, False), (False, None), (None, True), (None, None), (True, None)],
)
def test_three_valued_logic_matches_polars(a, b):
    frame = pl.DataFrame({"a": [a], "b": [b]}, schema={"a": pl.Boolean, "b": pl.Boolean})
    for expr in (
        pl.col("a") & pl.col("b"),
        pl.col("a") | pl.col("b"),
        ~pl.col("a"),
        pl.any_horizontal("a", "b"),
        pl.all_horizontal("a", "b"),
        pl.col("a").is_null(),
        pl.col("a") == pl.col("b"),
        pl.col("a").fill_null(False),
        pl.when(pl.col("a")).then(pl.lit("x")).otherwise(pl.lit("y")),
    ):
        assert _run(expr, a=a, b=b) == frame.select(expr).item(), expr


def test_values_and_functions():
    day = dt.date(2020, 2, 29)
    assert _run(pl.col("d").dt.year() * 100 + pl.col("d").dt.month(), d=day) == 202002
    assert _run(pl.col("d").dt.day().cast(pl.Int32) - 1, d=day) == 28
    assert _run(pl.col("d") >= pl.lit(dt.date(2018, 3, 12)), d=day) is True
    assert _run(pl.col("d") < pl.lit(dt.date(2018, 3, 12)), d=None) is None
    assert _run(pl.col("s").str.starts_with(pl.col("p")), s="410502001", p="410502") is True
    assert _run(pl.col("s").str.starts_with(pl.col("p")), s=None, p="4105") is None
    assert _run(pl.col("s").is_in(["a", "b"]), s="b") is True
    assert _run(pl.col("s").is_in(["a", "b"]), s=None) is None
    listed = pl.lit(["owned", "rented"], dtype=pl.List(pl.String))
    assert _run(listed.list.contains(pl.col("t")), t="rented") is True
    assert _run(listed.list.contains(pl.col("t")), t=None) is False
    assert _run(pl.lit(None, dtype=pl.String), x=1) is None
    assert _run(pl.lit(3, dtype=pl.UInt8) + pl.col("x"), x=1) == 4
    assert _run(pl.col("x").cast(pl.Int32), x=None) is None
    assert _run(pl.col("x") != 1, x=2) is True
    assert _run(pl.col("x") <= 1, x=1) is True
    assert _run(pl.col("x") > 1, x=1) is False


@pytest.mark.parametrize(
    "expr",
    [
        pl.col("a").sqrt(),
        pl.col("a") / 2,
        pl.col("a").cast(pl.String),
        pl.col("a").abs(),
        pl.col("a").is_in([1]).fill_nan(None),
        pl.col("a").str.ends_with("x"),
        pl.col("a").is_not_null(),
        pl.col("l").list.contains(pl.col("a"), nulls_equal=False),
        pl.col("a").is_in([1], nulls_equal=True),
        pl.lit(dt.datetime(2020, 1, 1)),
        pl.col("a").dt.hour(),
        pl.col("a").sum(),
    ],
)
def test_unknown_nodes_are_refused_so_the_engine_falls_back(expr):
    with pytest.raises(Unsupported):
        compile_expr(expr)


def test_member_of_eighteen_in_july_is_an_adult_both_ways() -> None:
    """Month and day were Int8 in Polars, so 7 * 100 wrapped (hypothesis, seed 6)."""
    personas = yaml.safe_load((CASES_DIR / "personas.yaml").read_text(encoding="utf-8"))
    facts = {**personas["li_graduate"], "as_of": dt.date(2019, 7, 15)}
    facts["family_members"] = [
        {"relation": "spouse", "birth_date": "2001-01-01", "co_residing": True, "consent": False}
    ]
    for engine in (default_engine(), POLARS_ONLY):
        trace = engine.evaluate(facts)["trace"]["entries"]
        adult = next(e["value"] for e in trace if e["rule"] == "member_is_adult")
        assert adult is True, engine.uses_scalar_interpreter
