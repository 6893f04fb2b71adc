"""RuleSetEngine: the machinery shared by the permits and services rule sets."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from luohu.policy.permits import PERMIT_SCHEMA, permit_engine
from luohu.policy.rulesets import RuleSetEngine, _jsonable
from luohu.policy.scalar import compile_expr


def test_an_unknown_rule_set_is_refused():
    with pytest.raises(LookupError, match="no rules in rule set 'colour'"):
        RuleSetEngine("colour", PERMIT_SCHEMA, county_from="residence_division_code")


def test_polars_fallback_gives_the_same_row():
    scalar = permit_engine()
    polars_only = RuleSetEngine(
        "permits", PERMIT_SCHEMA, county_from="residence_division_code", scalar=False
    )
    assert polars_only.uses_scalar_interpreter is False
    row = {
        "as_of": dt.date(2019, 1, 1),
        "residence_months": 6,
        "has_legal_stable_employment": None,
        "has_legal_stable_residence": True,
        "is_continuously_studying": None,
        "residence_division_code": "410502001",
        "hukou_division_code": "410526",
    }
    one, two = scalar.evaluate_row(row), polars_only.evaluate_row(row)
    assert {k: one[k] for k in scalar.by_name} == {k: two[k] for k in scalar.by_name}
    assert one["permit_eligible"] is True


def test_trace_of_every_rule_and_sentences_with_a_missing_name():
    engine = permit_engine()
    row = engine.evaluate_row(
        {"as_of": dt.date(2019, 1, 1), "residence_division_code": "410502", "residence_months": 1}
    )
    entries = engine.trace(row)
    assert [e["rule"] for e in entries] == list(engine.by_name)
    # hukou unknown: the rule is unknown and says so
    first = entries[0]
    assert first["value"] is None and first["sentence_en"].startswith("unknown")
    assert "residence_division_code" in engine.dependencies()["permit_has_left_hukou_place"]
    assert _jsonable((dt.date(2020, 1, 2), 1)) == ["2020-01-02", 1]


@pytest.mark.parametrize(
    ("text", "start", "length"), [("410502001", 0, 6), ("410502001", -3, 2), ("41", -5, 4)]
)
def test_str_slice_is_interpreted_as_polars_does(text, start, length):
    expr = pl.col("a").str.slice(start, length)
    expected = pl.DataFrame({"a": [text]}).select(expr).item()
    assert compile_expr(expr)({"a": text}) == expected
    assert compile_expr(expr)({"a": None}) is None
