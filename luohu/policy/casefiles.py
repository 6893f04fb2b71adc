"""Policy cases in YAML (OpenFisca style): a sentence, a clause, facts, the expected outcome.

A case starts from a persona in ``cases/personas.yaml`` and overlays its own
``facts``. ``county_settings`` lists county decisions in force for the case.
``expected`` may hold ``decision``, ``channels``, ``priority_flags``,
``unmet`` (rules standing in the way, any order), ``what_would_change`` (an
English hint that must appear) and ``members`` (each member's decision).
``error`` names the exception expected, ``fields`` the fact paths it names;
for ``CountyOverrideRefused``, ``clauses`` lists the clauses broken.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from luohu.common.errors import FieldError
from luohu.policy.engine import Engine, default_engine
from luohu.policy.errors import CountyOverrideRefused, MissingFacts, RuleNotInForce
from luohu.policy.parameters import ParameterSet, default_parameters, validate_county_config

CASES_DIR = Path(__file__).parent / "cases"
ERRORS: dict[str, type[Exception]] = {
    "RuleNotInForce": RuleNotInForce,
    "MissingFacts": MissingFacts,
    "FieldError": FieldError,
}


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    body: dict[str, Any]


def _merge(base: Any, overlay: Any) -> Any:
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return copy.deepcopy(overlay)


def case_rule_set(file: str) -> str:
    """The rule set a case file belongs to: its first folder, or ``settlement``."""
    first = file.split("/", 1)[0]
    return first if first in ("permits", "services") else "settlement"


def load_cases(
    root: Path = CASES_DIR, rule_sets: tuple[str, ...] | None = ("settlement",)
) -> list[Case]:
    """The cases of ``rule_sets`` (settlement by default; None for every rule set)."""
    cases = []
    for file in sorted(root.rglob("*.yaml")):
        if file.name == "personas.yaml":
            continue
        if (
            rule_sets is not None
            and case_rule_set(file.relative_to(root).as_posix()) not in rule_sets
        ):
            continue
        for body in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            cases.append(Case(body["name"], file.relative_to(root).as_posix(), body))
    return cases


def case_facts(case: Case, root: Path = CASES_DIR) -> dict[str, Any]:
    personas = yaml.safe_load((root / "personas.yaml").read_text(encoding="utf-8"))
    base = personas[case.body["persona"]] if "persona" in case.body else {}
    return _merge(base, case.body.get("facts") or {})


def case_engine(case: Case) -> Engine:
    settings = case.body.get("county_settings")
    if not settings:
        return default_engine()
    city = default_parameters()
    decisions = [validate_county_config(s, city.parameters) for s in settings]
    return Engine(ParameterSet(city.parameters, decisions))


def run_case(case: Case, root: Path = CASES_DIR) -> list[str]:
    """Mismatches between a case and the engine; empty when the case passes."""
    rule_set = case_rule_set(case.file)
    if rule_set in RULE_SET_RUNNERS:
        return _run_rule_set_case(case, RULE_SET_RUNNERS[rule_set])
    facts = case_facts(case, root)
    expected_error = case.body.get("error")
    try:
        engine = case_engine(case)
    except CountyOverrideRefused as exc:
        if expected_error != "CountyOverrideRefused":
            return [f"unexpected CountyOverrideRefused: {exc}"]
        want = case.body.get("clauses")
        if want is not None and sorted(exc.clauses) != sorted(want):
            return [f"clauses: expected {sorted(want)}, got {sorted(exc.clauses)}"]
        return []
    if expected_error == "CountyOverrideRefused":
        return ["expected CountyOverrideRefused, the county settings were accepted"]
    try:
        result = engine.evaluate(facts)
    except (RuleNotInForce, FieldError) as exc:
        if expected_error is None:
            return [f"unexpected {type(exc).__name__}: {exc}"]
        if not isinstance(exc, ERRORS[expected_error]):
            return [f"expected {expected_error}, got {type(exc).__name__}: {exc}"]
        if isinstance(exc, FieldError) and "fields" in case.body:
            got = sorted(p.field for p in exc.problems)
            if got != sorted(case.body["fields"]):
                return [f"fields: expected {sorted(case.body['fields'])}, got {got}"]
        return []
    if expected_error is not None:
        return [f"expected {expected_error}, got decision {result['decision']}"]
    return _compare(case.body.get("expected") or {}, result)


def _compare(expected: dict[str, Any], result: dict[str, Any]) -> list[str]:
    problems = []
    got: dict[str, Any] = {
        "decision": result["decision"],
        "channels": [c["channel"] for c in result["channels"]],
        "priority_flags": [f["flag"] for f in result["priority_flags"]],
        "members": [m["decision"] for m in result["family_members"]],
        "unmet": sorted({u["rule"] for block in result["why_not"] for u in block["unmet"]}),
    }
    hints = [u.get("what_would_change_en") for b in result["why_not"] for u in b["unmet"]]
    for key, want in expected.items():
        if key == "what_would_change":
            if want not in hints:
                problems.append(f"what_would_change: {want!r} not among {hints}")
            continue
        have = got[key]
        if key == "unmet":
            want = sorted(set(want))
        if have != want:
            problems.append(f"{key}: expected {want!r}, got {have!r}")
    return problems


# --- cases of the other rule sets ---------------------------------------------------
#
# ``cases/permits/*.yaml`` and ``cases/services/*.yaml``: ``as_of`` (the date),
# ``facts``, ``county_settings`` (optional) and either ``error`` (+ ``fields``)
# or ``expected``. For permits ``expected`` holds ``eligible`` and ``unmet``
# (condition codes); for services it maps a service name to ``entitled`` and
# optionally ``unmet`` (condition rules) and ``what_would_change`` (an English
# hint that must appear), plus ``coverage_gaps`` for the named gap months.


def _case_params(case: Case) -> ParameterSet:
    settings = case.body.get("county_settings")
    city = default_parameters()
    if not settings:
        return city
    decisions = [validate_county_config(s, city.parameters) for s in settings]
    return ParameterSet(city.parameters, decisions)


def _run_permit(case: Case, params: ParameterSet) -> list[str]:
    from luohu.policy.permits import _engine, permit_eligibility

    result = permit_eligibility(case.body["facts"], on=case.body["as_of"], engine=_engine(params))
    expected = case.body.get("expected") or {}
    problems = []
    if "eligible" in expected and result.eligible != expected["eligible"]:
        problems.append(f"eligible: expected {expected['eligible']}, got {result.eligible}")
    if "unmet" in expected:
        got = sorted(r.code for r in result.reasons)
        if got != sorted(expected["unmet"]):
            problems.append(f"unmet: expected {sorted(expected['unmet'])}, got {got}")
    return problems


def _run_services(case: Case, params: ParameterSet) -> list[str]:
    from luohu.policy.services import entitlements

    result = entitlements(case.body["facts"], on=case.body["as_of"], params=params)
    by_name = {s["service"]: s for s in result["services"]}
    problems = []
    for name, want in (case.body.get("expected") or {}).items():
        got = by_name.get(name)
        if got is None:
            problems.append(f"no service {name!r}")
            continue
        if "entitled" in want and got["entitled"] != want["entitled"]:
            problems.append(f"{name}.entitled: expected {want['entitled']}, got {got['entitled']}")
        if "unmet" in want:
            unmet = sorted(c["rule"] for c in got["conditions"] if c["value"] is False)
            if unmet != sorted(want["unmet"]):
                problems.append(f"{name}.unmet: expected {sorted(want['unmet'])}, got {unmet}")
        if "what_would_change" in want:
            hints = [c.get("what_would_change_en") for c in got["conditions"]]
            if want["what_would_change"] not in hints:
                problems.append(
                    f"{name}.what_would_change: {want['what_would_change']!r} not in {hints}"
                )
        if "coverage_gaps" in want and got.get("coverage_gaps") != want["coverage_gaps"]:
            problems.append(
                f"{name}.coverage_gaps: expected {want['coverage_gaps']}, got {got.get('coverage_gaps')}"
            )
    return problems


RULE_SET_RUNNERS = {"permits": _run_permit, "services": _run_services}


def _run_rule_set_case(case: Case, runner: Any) -> list[str]:
    expected_error = case.body.get("error")
    try:
        params = _case_params(case)
    except CountyOverrideRefused as exc:
        if expected_error != "CountyOverrideRefused":
            return [f"unexpected CountyOverrideRefused: {exc}"]
        want = case.body.get("clauses")
        if want is not None and sorted(exc.clauses) != sorted(want):
            return [f"clauses: expected {sorted(want)}, got {sorted(exc.clauses)}"]
        return []
    try:
        problems = runner(case, params)
    except (RuleNotInForce, FieldError) as exc:
        if expected_error is None:
            return [f"unexpected {type(exc).__name__}: {exc}"]
        if not isinstance(exc, ERRORS[expected_error]):
            return [f"expected {expected_error}, got {type(exc).__name__}: {exc}"]
        if isinstance(exc, FieldError) and "fields" in case.body:
            got = sorted(p.field for p in exc.problems)
            if got != sorted(case.body["fields"]):
                return [f"fields: expected {sorted(case.body['fields'])}, got {got}"]
        return []
    if expected_error is not None:
        return [f"expected {expected_error}, got an answer"]
    return problems
