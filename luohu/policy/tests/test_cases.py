"""Every YAML case under luohu/policy/cases runs against the real engine."""

import pytest

from luohu.policy.casefiles import load_cases, run_case

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}: {c.name}" for c in CASES])
def test_case(case):
    assert run_case(case) == []


def test_cases_cover_every_channel_and_relation():
    """The case files exercise every channel, every family relation and both errors."""
    text = "\n".join(str(c.body) for c in CASES)
    for word in (
        "key_group",
        "city_worker",
        "town_residence",
        "student_move_in",
        "graduate_move_out",
        "spouse",
        "child",
        "parent",
        "grandparent",
        "grandchild",
        "sibling",
        "'other'",
        "RuleNotInForce",
        "MissingFacts",
    ):
        assert word in text, word
