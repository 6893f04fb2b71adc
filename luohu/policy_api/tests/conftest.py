"""Fixtures for the policy adapter tests: personas whose destinations exist in the registry."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from luohu.policy.casefiles import Case, case_facts


def persona(name: str, **overlay: Any) -> dict[str, Any]:
    facts = copy.deepcopy(case_facts(Case("", "", {"persona": name})))
    facts.update(overlay)
    # The API takes the kind from the registry of divisions.
    facts["destination"] = {"division_code": facts["destination"]["division_code"]}
    return _jsonable(facts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.fixture
def zhao_worker() -> dict[str, Any]:
    """赵: rural worker renting in 东大街街道 (410502001), a city district."""
    return persona("zhao_worker")


@pytest.fixture
def sun_town_resident() -> dict[str, Any]:
    """孙: tenant in 汤阴县城关镇 (410523100), the county seat."""
    return persona("sun_town_resident")
