"""A missing fact is named exactly: only facts not given, and the member it belongs to."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from luohu.policy import MissingFacts, evaluate
from luohu.policy.casefiles import CASES_DIR


def persona(name: str) -> dict[str, Any]:
    personas = yaml.safe_load(Path(CASES_DIR / "personas.yaml").read_text(encoding="utf-8"))
    return copy.deepcopy(personas[name])


def test_given_facts_are_never_reported_missing() -> None:
    """Without a residence, only the residence facts are asked for (helper report, issue 4)."""
    facts = persona("zhao_worker")
    facts.pop("residence")
    facts["family_members"] = [
        {"relation": "spouse", "birth_date": "1989-02-03", "co_residing": True, "consent": True}
    ]
    with pytest.raises(MissingFacts) as caught:
        evaluate(facts)
    fields = [problem.field for problem in caught.value.problems]
    assert fields and all(field.startswith("residence.") for field in fields), fields


def test_a_members_missing_consent_names_that_member() -> None:
    facts = persona("zhao_worker")
    facts["family_members"] = [
        {"relation": "spouse", "birth_date": "1989-02-03", "co_residing": True, "consent": True},
        {"relation": "parent", "birth_date": "1960-11-12", "co_residing": True},
    ]
    with pytest.raises(MissingFacts) as caught:
        evaluate(facts)
    assert [problem.field for problem in caught.value.problems] == ["family_members[1].consent"]
