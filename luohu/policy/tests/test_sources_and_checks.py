"""The plan as data, and the checks that keep citations and quotes honest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from luohu.policy import checks
from luohu.policy.parameters import ParameterSet, default_parameters, load_parameter
from luohu.policy.rules import RULES
from luohu.policy.rules.base import Rule
from luohu.policy.sources import (
    UnknownCitation,
    all_clauses,
    clause,
    normalize_text,
    parse_citation,
    plan,
)

# shared/ sits beside the repository, for developers and CI alike.
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "policy"
CLAUSES_MD = SHARED / "CLAUSES.md"
PLAN_MD = SHARED / "plan-2018-19.md"


def test_sources_hold_every_clause_id_of_clauses_md():
    """Every id of the clause index is in the sources, and nothing else but notice and preamble."""
    ids = {c.clause_id for c in all_clauses() if c.citation.startswith("AY2018-19:")}
    expected = {
        "1.1", "1.2.a", "1.2.b", "1.2.c", "1.2.d", "1.2.e", "1.3", "2.1", "2.2", "2.3",
        *(f"3.{i}" for i in range(1, 11)), "4.1", "4.2", "4.3", "4.4",
    }  # fmt: skip
    assert ids == expected | {"notice", "preamble"}
    if CLAUSES_MD.exists():
        listed = set(re.findall(r"^\| (\d\.\d+(?:\.[a-e])?) \|", CLAUSES_MD.read_text(), re.M))
        assert listed == expected


@pytest.mark.skipif(not PLAN_MD.exists(), reason="shared/policy/plan-2018-19.md not present")
def test_every_clause_text_is_verbatim_from_the_plan():
    """Each clause's text appears in the plan, ignoring the printed layout."""
    plan_text = normalize_text(PLAN_MD.read_text(encoding="utf-8"))
    for c in plan().clauses.values():
        for paragraph in c.text.splitlines():
            assert normalize_text(paragraph) in plan_text, c.citation


def test_plan_metadata():
    source = plan()
    assert source.document_number == "安政办〔2018〕19号"
    assert source.in_force_from.isoformat() == "2018-03-12"


def test_clause_lookup_and_bad_citations():
    assert clause("AY2018-19:2.2").heading == "调整完善城市落户政策"
    with pytest.raises(UnknownCitation, match="no clause"):
        clause("AY2018-19:9.9")
    with pytest.raises(UnknownCitation, match="no source document"):
        clause("SZF-2024-07:12.2")
    with pytest.raises(UnknownCitation, match="not a citation"):
        parse_citation("2.2")


def test_the_repository_passes_every_check():
    assert checks.run_checks() == []


def _with_doc(rule: Rule, doc: str, citation: str | None = None) -> dict[str, Rule]:
    broken = dataclasses.replace(rule, doc=doc, citation=citation or rule.citation)
    return {**RULES, rule.name: broken}


def test_a_quote_that_differs_from_the_source_is_e002():
    """Changing one character of a quoted clause fails the check."""
    rule = RULES["meets_urban_insurance_requirement"]
    doc = rule.doc.replace("不得超过 1 年", "不得超过 2 年")
    problems = checks.run_checks(_with_doc(rule, doc))
    assert [p.id for p in problems] == [checks.E002_QUOTE_DIFFERS]
    assert "meets_urban_insurance_requirement" in problems[0].message


def test_a_citation_pointing_nowhere_is_e001():
    rule = RULES["has_consented"]
    problems = checks.run_checks(_with_doc(rule, rule.doc, citation="AY2018-19:9.9"))
    assert checks.E001_CITATION_NOWHERE in [p.id for p in problems]
    assert checks.E004_RULE_WITHOUT_QUOTE in [p.id for p in problems]


def test_a_clause_neither_encoded_nor_explained_is_e003(monkeypatch):
    """Dropping the not_encoded reason of 4.4 makes it uncovered."""
    source = plan()
    c = source.clauses["4.4"]
    monkeypatch.setitem(source.clauses, "4.4", dataclasses.replace(c, not_encoded=None))
    problems = checks.run_checks()
    assert [(p.id, p.obj) for p in problems] == [(checks.E003_CLAUSE_UNCOVERED, "AY2018-19:4.4")]


def test_a_clause_both_encoded_and_marked_not_encoded_is_w001(monkeypatch):
    source = plan()
    c = source.clauses["2.2"]
    monkeypatch.setitem(source.clauses, "2.2", dataclasses.replace(c, not_encoded="why"))
    problems = checks.run_checks()
    assert [p.id for p in problems] == [checks.W001_ENCODED_AND_NOT_ENCODED]
    assert problems[0].is_error is False


def test_a_city_value_above_its_guardrail_is_e005():
    city = default_parameters()
    path = "settlement/city_worker/urban_insurance_months_required"
    data = {
        "description": "test",
        "term_zh": "测试",
        "unit": "month",
        "guardrail": {"kind": "max", "parameter": "guardrails/urban_insurance_months_max"},
        "values": {
            dt.date(2018, 3, 12): {"value": 12, "clause": "AY2018-19:2.2"},
            dt.date(2024, 1, 1): {"value": 18, "clause": "AY2018-19:2.2"},
        },
    }
    params = ParameterSet({**city.parameters, path: load_parameter(path, data)})
    problems = checks.run_checks(params=params)
    assert [p.id for p in problems] == [checks.E005_GUARDRAIL_BROKEN]


def test_a_rule_reading_home_ownership_is_e006():
    """A rule that makes home ownership a condition is caught statically (2.2)."""
    rule = RULES["is_eligible"]
    original = rule.build

    def build(p: ParameterSet) -> pl.Expr:
        return original(p) & pl.col("owns_home")

    broken = {**RULES, "is_eligible": dataclasses.replace(rule, build=build)}
    import luohu.policy.engine as engine_module

    saved = dict(engine_module.RULES)
    engine_module.RULES.clear()
    engine_module.RULES.update(broken)
    try:
        problems = checks.check_forbidden_dependencies(default_parameters())
    finally:
        engine_module.RULES.clear()
        engine_module.RULES.update(saved)
    assert {p.id for p in problems} == {checks.E006_FORBIDDEN_DEPENDENCY}
    assert any("owns_home" in p.message and "AY2018-19:2.2" in p.message for p in problems)
