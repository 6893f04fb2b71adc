"""Property tests of the facts parser: dates, whole numbers, codes, any shape.

``parse_facts`` takes whatever an integrator, a form or the CLI sends. For
any input it returns facts or raises ``FieldError``, and every problem names
the field it is about (a dotted path into the facts, an unknown key as it
was sent; empty only when the body itself is not an object) with a Chinese
and an English message.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luohu.common.errors import FieldError
from luohu.policy.facts import SettlementFacts, parse_facts
from luohu.policy.tests.conftest import persona

_HAN = re.compile(r"[\u4e00-\u9fff]")
_PATH = re.compile(r"^[a-z_]+(\[[0-9]+\])?(\.[a-z_]+(\[[0-9]+\])?)*$")

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    # Date-shaped text: real, impossible, out of range, with times and zones.
    st.from_regex(r"\A-?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}(T[0-9:.]{0,15}(Z|[+-][0-9:]{2,5})?)?\Z"),
    st.dates().map(dt.date.isoformat),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def base_facts() -> dict[str, Any]:
    facts = persona("zhao_worker")
    facts["family_members"] = [
        {"relation": "spouse", "birth_date": "1990-02-03", "co_residing": True, "consent": True}
    ]
    return _jsonable(facts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths.extend(_paths(item, (*prefix, index)))
    return paths


BASE = base_facts()
PATHS = _paths(BASE) + [("family_members", 0, "birth_date"), ("as_of",)]


def assert_documented(exc: FieldError, *, top_level_is_object: bool) -> None:
    assert exc.problems
    for problem in exc.problems:
        # An unknown key is named as it was sent, whatever its spelling.
        if top_level_is_object and problem.code != "extra_forbidden":
            assert _PATH.match(problem.field), problem
        assert problem.code
        assert _HAN.search(problem.message_zh), problem
        assert re.search(r"[A-Za-z]", problem.message_en), problem


def check(data: Any) -> None:
    try:
        facts, citizen = parse_facts(data)
    except FieldError as exc:
        assert_documented(exc, top_level_is_object=isinstance(data, dict))
    else:
        assert isinstance(facts, SettlementFacts)
        assert citizen.birth_date <= facts.as_of


def test_the_unchanged_persona_parses() -> None:
    facts, _citizen = parse_facts(copy.deepcopy(BASE))
    assert facts.family_members[0].birth_date == dt.date(1990, 2, 3)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), json_values)
def test_any_value_at_any_fact_gives_facts_or_a_named_bilingual_error(
    path: tuple[Any, ...], value: Any
) -> None:
    """One fact replaced by anything: dates, numbers, text, lists, objects."""
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    check(data)


@settings(max_examples=100)
@given(st.sampled_from(PATHS))
def test_any_fact_left_out_gives_facts_or_a_named_bilingual_error(path: tuple[Any, ...]) -> None:
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    check(data)


@settings(max_examples=100)
@given(json_values)
def test_any_body_at_all_gives_facts_or_a_bilingual_error(value: Any) -> None:
    check(value)


@settings(max_examples=200)
@given(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.dates(),
)
def test_whole_numbers_and_dates_together(months: int, years: int, as_of: dt.date) -> None:
    """Insurance months and years in town against any question date, past or future."""
    data = copy.deepcopy(BASE)
    data["urban_insurance_months_at_destination"] = months
    data["years_employed_and_living_in_town"] = years
    data["as_of"] = as_of.isoformat()
    check(data)
