"""Engine evaluations for casework: build the facts from the case, ask the engine.

Casework never decides eligibility itself; it hands the case's facts, with
each member's consent as it stands now (1.2.d), to ``luohu.policy`` and keeps
what the engine answered.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from luohu.casework.models import Decision, SettlementApplication, StatusChange
from luohu.casework.workflow import Status
from luohu.common.errors import FieldError
from luohu.policy import Engine, RuleNotInForce, evaluate


def case_facts(application: SettlementApplication, *, as_of: dt.date) -> dict[str, Any]:
    """The submitted facts, asked on ``as_of``, with members' current consent."""
    facts = copy.deepcopy(application.facts)
    facts["as_of"] = as_of.isoformat()
    members = {m.position: m for m in application.members.all()}
    for position, member_facts in enumerate(facts.get("family_members", [])):
        member = members[position]
        has_consent = member.consent_given_at is not None and member.consent_withdrawn_at is None
        # Consent as recorded now, not as first submitted: it may have been
        # given later or withdrawn. The engine ignores it for minors.
        member_facts["consent"] = has_consent
    return facts


def acceptance_date(application: SettlementApplication) -> dt.date:
    """The day the case was accepted: the rules of that day decide it."""
    change = (
        StatusChange.objects.filter(application=application, to_status=Status.ACCEPTED)
        .order_by("version")
        .first()
    )
    moment = change.at if change else application.submitted_at
    return moment.astimezone(dt.UTC).date() if moment.tzinfo else moment.date()


def facts_evaluate(
    facts: dict[str, Any], *, trace: bool = True, engine: Engine | None = None
) -> dict[str, Any]:
    """Ask the engine; FieldError (zh + en) for missing facts or a date before the plan."""
    try:
        if engine is not None:
            return engine.evaluate(facts, trace=trace)
        return evaluate(facts, trace=trace)
    except RuleNotInForce as exc:
        raise FieldError(exc.as_problem()) from exc


def decision_rerun(
    decision: Decision, *, today: dt.date, engine: Engine | None = None
) -> dict[str, Any]:
    """Re-run a decision under its own rules and under today's, and list the differences.

    ``engine`` defaults to the city's rules with the counties' dated settings;
    both runs use the same one, so only the dates differ.
    """
    then = facts_evaluate(decision.facts, engine=engine)
    now = facts_evaluate({**decision.facts, "as_of": today.isoformat()}, engine=engine)
    return {
        "reproduced": _outcome(then) == _outcome(decision.evaluation),
        "then": _outcome(then),
        "today": _outcome(now),
        "differences": _differences(_outcome(then), _outcome(now)),
        "parameters_changed": _parameter_changes(then["parameters"], now["parameters"]),
    }


def _outcome(evaluation: dict[str, Any]) -> dict[str, Any]:
    return {
        "decision": evaluation["decision"],
        "channels": sorted(c["channel"] for c in evaluation["channels"]),
        "members": [m["decision"] for m in evaluation["family_members"]],
    }


def _differences(then: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": key, "then": then[key], "today": now[key]}
        for key in then
        if then[key] != now[key]
    ]


def _parameter_changes(
    then: list[dict[str, Any]], now: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    old = {p["path"]: p for p in then}
    return [
        {
            "path": p["path"],
            "then": old[p["path"]]["value"],
            "today": p["value"],
            "since": p["start"],
            "clause": p["clause"],
        }
        for p in now
        if p["path"] in old and old[p["path"]]["value"] != p["value"]
    ]
