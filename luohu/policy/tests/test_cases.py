"""Every YAML case under luohu/policy/cases runs against the real engine."""

import pytest

from luohu.policy.casefiles import Case, load_cases, run_case

CASES = load_cases(rule_sets=None)


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


def _case(file: str, body: dict) -> Case:
    return Case(body.get("name", "t"), file, body)


PERMIT = {
    "residence_months": 6,
    "has_legal_stable_employment": True,
    "residence_division_code": "410502001",
    "hukou_division_code": "410523100",
}
SERVICE = {"residence_division_code": "410502001", "residence_status": "permit_holder"}


@pytest.mark.parametrize(
    ("file", "body", "fragment"),
    [
        ("permits/x.yaml", {"as_of": "2019-01-01", "facts": PERMIT, "expected": {"eligible": False}},
         "eligible: expected False"),
        ("permits/x.yaml", {"as_of": "2019-01-01", "facts": PERMIT,
                            "expected": {"unmet": ["permit_meets_one_condition"]}}, "unmet:"),
        ("permits/x.yaml", {"as_of": "2019-01-01", "facts": PERMIT, "error": "MissingFacts"},
         "expected MissingFacts"),
        ("permits/x.yaml", {"as_of": "2015-01-01", "facts": PERMIT}, "unexpected RuleNotInForce"),
        ("permits/x.yaml", {"as_of": "2015-01-01", "facts": PERMIT, "error": "FieldError"},
         "expected FieldError, got RuleNotInForce"),
        ("permits/x.yaml", {"as_of": "2019-01-01", "facts": {**PERMIT, "residence_months": -1},
                            "error": "FieldError", "fields": ["colour"]}, "fields:"),
        ("services/x.yaml", {"as_of": "2019-01-01", "facts": SERVICE,
                             "expected": {"colour": {"entitled": True}}}, "no service 'colour'"),
        ("services/x.yaml", {"as_of": "2019-01-01", "facts": SERVICE,
                             "expected": {"basic_public_services": {"entitled": False}}},
         "basic_public_services.entitled"),
        ("services/x.yaml", {"as_of": "2019-01-01", "facts": SERVICE,
                             "expected": {"housing_security": {"unmet": []}}}, "housing_security.unmet"),
        ("services/x.yaml", {"as_of": "2019-01-01", "facts": SERVICE,
                             "expected": {"housing_security": {"what_would_change": "luck"}}},
         "what_would_change"),
        ("services/x.yaml", {"as_of": "2019-01-01", "facts": SERVICE,
                             "expected": {"pension_transfer": {"coverage_gaps": ["2019-01"]}}},
         "coverage_gaps"),
        ("services/x.yaml", {"as_of": "2019-01-01", "facts": SERVICE,
                             "county_settings": [{"county": "410502", "effective_from": "x",
                                                  "overrides": {}}]},
         "unexpected CountyOverrideRefused"),
        ("services/x.yaml", {"as_of": "2019-01-01", "facts": SERVICE,
                             "error": "CountyOverrideRefused", "clauses": ["AY2018-19:3.6"],
                             "county_settings": [{"county": "410502",
                                                  "effective_from": __import__("datetime").date(2019, 1, 1),
                                                  "overrides": {"colour": 1}}]},
         "clauses:"),
    ],
)  # fmt: skip
def test_a_wrong_expectation_fails_the_case(file, body, fragment):
    """The runner of the permit and service cases can fail: each mismatch is reported."""
    import datetime as dt

    body = dict(body)
    if isinstance(body["as_of"], str):
        body["as_of"] = dt.date.fromisoformat(body["as_of"])
    problems = run_case(_case(file, body))
    assert problems and fragment in problems[0], problems
