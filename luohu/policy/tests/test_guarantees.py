"""What may never decide a settlement, shown statically and by property tests.

AY2018-19:2.2 (home purchase, investment, tax, points), 3.5 (rural rights and
giving them up), 1.2.a (origin: 本地和外地 alike) and 1.2.d (consent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luohu.policy import MissingFacts, evaluate, frame_from_facts
from luohu.policy.engine import default_engine
from luohu.policy.facts import FORBIDDEN_FACTS
from luohu.policy.guarantees import DECISION_NODES, forbidden_dependencies
from luohu.policy.tests.conftest import persona


def test_decision_graph_never_reads_a_forbidden_fact():
    engine = default_engine()
    assert forbidden_dependencies(engine) == {}
    reached = engine.closure(DECISION_NODES)
    assert reached.isdisjoint(FORBIDDEN_FACTS)
    # The graph is real: it does reach the facts the plan does use.
    assert {"consent", "urban_insurance_months_at_destination", "residence_tenure"} <= reached


maybe_bool = st.one_of(st.none(), st.booleans())
kinds = st.sampled_from(["city_district", "county_seat_town", "established_town", "township"])
places = st.sampled_from(["410502", "410502001", "410523100", "410505"])
relations = st.sampled_from(["spouse", "child", "parent", "grandparent", "sibling", "other"])


@st.composite
def settlement_facts(draw: Any) -> dict[str, Any]:
    name = draw(
        st.sampled_from(["zhao_worker", "li_graduate", "sun_town_resident", "wang_student"])
    )
    facts = persona(name)
    facts["consent"] = draw(st.booleans())
    facts["destination"] = {"division_code": draw(places), "kind": draw(kinds)}
    facts["employment"] = {
        "employed": draw(st.booleans()),
        "division_code": draw(places),
        "legal_stable": draw(st.booleans()),
    }
    facts["residence"] = {
        "division_code": draw(places),
        "legal_stable": draw(st.booleans()),
        "tenure": draw(st.sampled_from(["owned", "rented", "employer_provided", "other"])),
    }
    facts["urban_insurance_months_at_destination"] = draw(st.integers(0, 30))
    facts["years_employed_and_living_in_town"] = draw(st.integers(0, 10))
    facts["whole_family_migration"] = draw(st.booleans())
    facts["hukou"] = {**facts["hukou"], "nature": draw(st.sampled_from(["rural", "urban"]))}
    facts["family_members"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "relation": relations,
                    "birth_date": st.dates(dt.date(1940, 1, 1), dt.date(2018, 1, 1)),
                    "co_residing": st.booleans(),
                    "consent": st.booleans(),
                }
            ),
            max_size=3,
        )
    )
    return facts


@st.composite
def forbidden_facts(draw: Any) -> dict[str, Any]:
    return {
        "owns_home": draw(maybe_bool),
        "made_investment": draw(maybe_bool),
        "tax_paid": draw(maybe_bool),
        "settlement_points": draw(st.one_of(st.none(), st.integers(0, 10_000))),
        "willing_to_give_up_rural_rights": draw(maybe_bool),
        "rural_rights": {
            "land_contract": draw(maybe_bool),
            "homestead": draw(maybe_bool),
            "collective_income": draw(maybe_bool),
        },
        "province": draw(st.one_of(st.none(), st.sampled_from(["河南省", "北京市", "四川省"]))),
    }


def _with(facts: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    changed = {**facts, **{k: v for k, v in extra.items() if k != "province"}}
    changed["hukou"] = {**facts["hukou"], "province": extra["province"]}
    return changed


def _outcome(facts: dict[str, Any]) -> Any:
    try:
        result = evaluate(facts, trace=False)
    except MissingFacts as exc:
        return ("missing", sorted(p.field for p in exc.problems))
    return (
        result["decision"],
        [c["channel"] for c in result["channels"]],
        [f["flag"] for f in result["priority_flags"]],
        [m["decision"] for m in result["family_members"]],
    )


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(settlement_facts(), forbidden_facts(), forbidden_facts())
def test_forbidden_facts_and_origin_never_change_an_outcome(facts, first, second):
    assert _outcome(_with(facts, first)) == _outcome(_with(facts, second))


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(settlement_facts())
def test_no_positive_outcome_without_consent(facts):
    facts = {**facts, "consent": False}
    outcome = _outcome(facts)
    if outcome[0] == "missing":
        return
    decision, channels, _, members = outcome
    assert decision != "eligible" and channels == []
    assert "admitted" not in members and "needs_review" not in members


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(settlement_facts())
def test_no_adult_member_admitted_without_own_consent(facts):
    for member in facts["family_members"]:
        member["consent"] = False
    result = _outcome(facts)
    if result[0] == "missing":
        return
    as_of = dt.date.fromisoformat(str(facts["as_of"]))
    for member, decision in zip(facts["family_members"], result[3], strict=True):
        born = member["birth_date"]
        adult = (as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))) >= 18
        if adult:
            assert decision != "admitted"


@settings(
    max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(settlement_facts(), min_size=5, max_size=30), st.randoms())
def test_population_outcomes_ignore_forbidden_columns(population, random):
    """Scrambling the forbidden columns of a whole frame leaves every output column equal."""
    frame = frame_from_facts(population)
    scrambled = frame.with_columns(
        pl.Series("owns_home", [random.random() < 0.5 for _ in population]),
        pl.Series("tax_paid", [random.random() < 0.5 for _ in population]),
        pl.Series("made_investment", [random.random() < 0.5 for _ in population]),
        pl.Series(
            "settlement_points", [random.randint(0, 500) for _ in population], dtype=pl.Int32
        ),
        pl.Series("willing_to_give_up_rural_rights", [random.random() < 0.5 for _ in population]),
        pl.Series("hukou_province", [random.choice(["河南省", "北京市"]) for _ in population]),
    )
    engine = default_engine()
    assert (
        engine.evaluate_frame(frame.lazy())
        .collect()
        .equals(engine.evaluate_frame(scrambled.lazy()).collect())
    )
