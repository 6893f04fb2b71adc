"""Fixtures for the pure policy tests: no Django, real engine, real parameters."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from luohu.policy.casefiles import Case, case_facts, load_cases


@pytest.fixture(scope="session")
def yaml_cases() -> list[Case]:
    return load_cases()


def persona(name: str, **overlay: Any) -> dict[str, Any]:
    """The facts of a persona from cases/personas.yaml with top-level overrides."""
    facts = case_facts(Case("", "", {"persona": name}))
    facts = copy.deepcopy(facts)
    facts.update(overlay)
    return facts
