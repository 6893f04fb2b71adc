"""Django system checks for the rule base (ids policy.E001 …), run by `luohu check`."""

from __future__ import annotations

from typing import Any

from django.core import checks

from luohu.policy.errors import CountyOverrideRefused

E007_COUNTY_SETTINGS_REFUSED = "policy.E007"


def policy_rule_base_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Citations resolve, quotes match, clauses are covered, guardrails and guarantees hold."""
    from luohu.policy.checks import run_checks
    from luohu.policy.parameters import load_parameters

    try:
        params = load_parameters()
    except CountyOverrideRefused as exc:
        return [
            checks.Error(
                f"county settings refused: {problem}",
                hint=f"The setting breaks {citation}; fix or remove the file in "
                "luohu/policy/counties/.",
                id=E007_COUNTY_SETTINGS_REFUSED,
            )
            for problem, citation in zip(exc.problems, exc.clauses, strict=True)
        ]
    messages: list[checks.CheckMessage] = []
    for problem in run_checks(params=params):
        kind = checks.Error if problem.is_error else checks.Warning
        messages.append(
            kind(problem.message, hint=problem.hint or None, obj=problem.obj, id=problem.id)
        )
    return messages
