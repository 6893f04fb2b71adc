"""One case with its trace, and the same rules over a population frame."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from luohu.common.errors import FieldError
from luohu.policy import (
    DECISION_FORMAT,
    TRACE_FORMAT,
    Engine,
    MissingFacts,
    RuleNotInForce,
    SettlementFacts,
    evaluate,
    frame_from_facts,
)
from luohu.policy.casefiles import case_facts, load_cases
from luohu.policy.engine import (
    CHANNEL_BITS,
    MISSING_BITS,
    OUTPUT_COLUMNS,
    REASON_BITS,
    decode_outputs,
    default_engine,
)
from luohu.policy.rules import RULES
from luohu.policy.sources import clause, normalize_text
from luohu.policy.tests.conftest import persona


def test_trace_names_every_rule_with_value_clause_text_and_sentences():
    result = evaluate(persona("zhao_worker", urban_insurance_months_at_destination=9))
    trace = result["trace"]
    assert trace["format"] == TRACE_FORMAT
    person_rules = [r for r in RULES.values() if r.level == "person" and r.rule_set == "settlement"]
    assert [e["rule"] for e in trace["entries"]] == [r.name for r in person_rules]
    for entry in trace["entries"]:
        assert isinstance(entry["value"], bool)
        assert entry["sentence_zh"] and entry["sentence_en"]
        assert normalize_text(entry["clause_text"]) in normalize_text(clause(entry["clause"]).text)
    insurance = next(
        e for e in trace["entries"] if e["rule"] == "meets_urban_insurance_requirement"
    )
    assert insurance["value"] is False
    assert insurance["sentence_en"] == (
        "9 months of urban social insurance at the destination, fewer than the 12 required"
    )
    assert insurance["inputs"] == {
        "param:settlement/city_worker/urban_insurance_months_required": 12,
        "urban_insurance_months_at_destination": 9,
    }
    json.dumps(result, ensure_ascii=False)


def test_decision_output_shape():
    result = evaluate(persona("zhao_worker"))
    assert result["format"] == DECISION_FORMAT
    assert result["decision"] == "eligible" and result["eligible"] is True
    assert result["channels"] == [
        {"channel": "city_worker", "clause": "AY2018-19:2.2", "label_zh": "城市就业落户",
         "label_en": "worker in the city"}
    ]  # fmt: skip
    assert result["why_not"] == []
    assert result["processing_time_working_days"] == 20
    codes = [d["code"] for d in result["documents"]]
    assert codes[:3] == ["resident_id_card", "hukou_booklet", "application_form"]
    assert "insurance_record" in codes and "relationship_proof" not in codes
    assert {p["path"] for p in result["parameters"]} >= {
        "settlement/city_worker/urban_insurance_months_required"
    }


def test_family_documents_and_member_trace():
    facts = persona(
        "zhao_worker",
        family_members=[
            {"relation": "spouse", "birth_date": "1989-02-03", "co_residing": True, "consent": True}
        ],
    )
    result = evaluate(facts)
    assert "relationship_proof" in [d["code"] for d in result["documents"]]
    member_entries = [e for e in result["trace"]["entries"] if e["level"] == "member"]
    assert {e["member_index"] for e in member_entries} == {0}
    assert member_entries[-1]["rule"] == "member_admitted" and member_entries[-1]["value"] is True


def test_a_rule_left_unknown_says_so_in_the_trace():
    """A graduate's residence is not needed; its rules are traced as unknown, not as no."""
    result = evaluate(persona("li_graduate"))
    residence = next(
        e
        for e in result["trace"]["entries"]
        if e["rule"] == "has_legal_stable_residence_at_destination"
    )
    assert residence["value"] is None
    assert residence["sentence_en"].startswith("unknown")


def test_trace_can_be_left_out():
    assert "trace" not in evaluate(persona("li_graduate"), trace=False)


def test_facts_may_be_a_validated_model():
    facts = SettlementFacts.model_validate(persona("li_graduate"))
    assert evaluate(facts)["decision"] == "eligible"


def test_a_not_eligible_member_lists_what_stands_in_the_way():
    facts = persona(
        "zhao_worker",
        urban_insurance_months_at_destination=1,
        family_members=[
            {
                "relation": "sibling",
                "birth_date": "1990-01-01",
                "co_residing": False,
                "consent": False,
            }
        ],
    )
    member = evaluate(facts)["family_members"][0]
    assert member["decision"] == "not_admitted"
    assert [u["rule"] for u in member["unmet"]] == [
        "is_eligible",
        "member_relation_named",
        "member_co_resides",
        "member_has_consented",
    ]


def test_missing_facts_name_the_fact_path():
    with pytest.raises(MissingFacts) as caught:
        evaluate(persona("zhao_worker", employment={"employed": True}))
    assert sorted(p.field for p in caught.value.problems) == [
        "employment.division_code",
        "employment.legal_stable",
    ]
    assert caught.value.problems[0].code == "missing_fact"


def test_before_the_plan_evaluation_raises_rule_not_in_force():
    with pytest.raises(RuleNotInForce) as caught:
        evaluate(persona("li_graduate", as_of="2018-03-11"))
    assert caught.value.citation == "AY2018-19:notice"


def test_bad_input_is_a_field_error():
    with pytest.raises(FieldError) as caught:
        evaluate({"as_of": "2019-01-01"})
    fields = {p.field for p in caught.value.problems}
    assert {"request", "citizen_id", "hukou", "destination"} <= fields


def _good_cases():
    return [c for c in load_cases() if "error" not in c.body and not c.body.get("county_settings")]


def test_population_evaluation_agrees_with_one_case_for_every_yaml_case():
    """One definition: the frame path returns the one-case decisions, channels, flags, members."""
    cases = _good_cases()
    facts = [case_facts(c) for c in cases]
    frame = frame_from_facts(facts)
    result = decode_outputs(default_engine().evaluate_frame(frame.lazy()).collect())
    for case, one, row in zip(cases, facts, result.iter_rows(named=True), strict=True):
        single = evaluate(one, trace=False)
        assert row["decision"] == single["decision"], case.name
        assert row["channels"] == [c["channel"] for c in single["channels"]], case.name
        assert row["channel"] == (row["channels"] or [None])[0]
        assert row["priority_flags"] == [f["flag"] for f in single["priority_flags"]], case.name
        assert row["member_decisions"] == [m["decision"] for m in single["family_members"]]
        unmet = {u["rule"] for b in single["why_not"] for u in b["unmet"]}
        assert set(row["reasons"]) == unmet, case.name
        assert row["missing_facts"] == []


def test_population_rows_with_missing_facts_or_before_the_plan_are_marked():
    frame = frame_from_facts([persona("zhao_worker"), persona("li_graduate")])
    frame = frame.with_columns(
        pl.Series("urban_insurance_months_at_destination", [None, None], dtype=pl.Int32),
        pl.Series("as_of", [dt.date(2020, 1, 1), dt.date(2018, 1, 1)]),
    ).drop("family_members", "whole_family_migration")
    result = decode_outputs(default_engine().evaluate_frame(frame.lazy()).collect())
    assert result["decision"].to_list() == ["missing_facts", "not_in_force"]
    assert result["missing_facts"].to_list() == [
        ["urban_insurance_months_at_destination", "whole_family_migration"],
        [],
    ]


def test_a_row_without_request_reports_it_missing():
    frame = frame_from_facts([persona("zhao_worker")]).with_columns(request=pl.lit(None, pl.String))
    result = decode_outputs(default_engine().evaluate_frame(frame.lazy()).collect())
    assert result["decision"].to_list() == ["missing_facts"]
    assert result["missing_facts"].to_list() == [["request"]]


def test_bit_tables_only_grow():
    """Stored population outputs keep their meaning: the first bits never move."""
    assert CHANNEL_BITS[:5] == (
        "key_group",
        "city_worker",
        "town_residence",
        "student_move_in",
        "graduate_move_out",
    )
    assert REASON_BITS[:2] == ("has_consented", "is_already_registered")
    assert len(REASON_BITS) <= 32 and len(MISSING_BITS) <= 64


def test_arrow_batches_round_trip_with_kept_columns():
    frame = (
        frame_from_facts([persona("zhao_worker"), persona("wang_student")])
        .drop("family_members")
        .with_columns(person_id=pl.Series([7, 8]))
    )
    engine = Engine()
    batches = list(
        engine.map_arrow_batches(iter(frame.to_arrow().to_batches()), keep=["person_id"])
    )
    got = pl.DataFrame(pa.Table.from_batches(batches))
    assert got.columns == ["person_id", *OUTPUT_COLUMNS]
    assert got["decision"].to_list() == ["eligible", "eligible"]
    expected = engine.evaluate_frame(frame.lazy(), keep=["person_id"]).collect()
    assert_frame_equal(got, expected)


def test_facts_needed_per_request():
    engine = default_engine()
    settle = engine.facts_needed("settle")
    assert "urban_insurance_months_at_destination" in settle
    assert "student.admitted_to_college" not in settle
    assert "family_members[].consent" in settle
    student = engine.facts_needed("student_move_in")
    assert "student.college_division_code" in student
    assert "urban_insurance_months_at_destination" not in student
    everything = engine.facts_needed()
    assert "request" in everything and set(settle) <= set(everything)
    for forbidden in ("owns_home", "tax_paid", "hukou.province", "willing_to_give_up_rural_rights"):
        assert forbidden not in everything
