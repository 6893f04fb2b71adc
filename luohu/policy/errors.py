"""Errors of the policy engine. Bad input is always a FieldError (zh + en)."""

from __future__ import annotations

import datetime as dt

from luohu.common.errors import FieldError, FieldProblem


class RuleNotInForce(Exception):  # noqa: N818 - the name the style guide and issue use
    """Evaluation was asked for a date the rule does not cover.

    Deliberately not a default: a date outside a rule's coverage is an error
    (Catala's coverage assertion), never a silent "no".
    """

    def __init__(self, *, on: dt.date, in_force_from: dt.date, citation: str) -> None:
        self.on = on
        self.in_force_from = in_force_from
        self.citation = citation
        super().__init__(
            f"{citation} 自 {in_force_from.isoformat()} 起施行，{on.isoformat()} 不适用 / "
            f"{citation} is in force from {in_force_from.isoformat()}, "
            f"not on {on.isoformat()}"
        )

    def as_problem(self, field: str = "as_of") -> FieldProblem:
        return FieldProblem(
            field=field,
            code="rule_not_in_force",
            message_zh=f"日期早于方案施行日 {self.in_force_from.isoformat()}（{self.citation}）",
            message_en=(
                f"the date is before the plan came into force on "
                f"{self.in_force_from.isoformat()} ({self.citation})"
            ),
        )


class MissingFacts(FieldError):  # noqa: N818 - the name the style guide and issue use
    """Facts the decision needs were not given; nothing is defaulted."""


class CountyOverrideRefused(FieldError):  # noqa: N818 - the name the style guide and issue use
    """A proposed county configuration breaks a city guardrail or the plan.

    ``clauses[i]`` is the citation that ``problems[i]`` breaks.
    """

    def __init__(self, refusals: list[tuple[FieldProblem, str]]) -> None:
        self.clauses = [citation for _, citation in refusals]
        super().__init__([problem for problem, _ in refusals])
