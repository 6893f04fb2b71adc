"""保障 Static guarantees read off the dependency graph of the decision.

Home ownership, investment, tax paid and points (AY2018-19:2.2), rural rights
and the willingness to give them up (3.5), and the province of origin (1.2.a)
may never reach a settlement decision, a channel, a priority flag or a family
member's decision. The graph is built from the rules' own expressions, so the
guarantee holds for the code that actually runs.
"""

from __future__ import annotations

from luohu.policy.channels import CHANNELS, PRIORITY_FLAGS
from luohu.policy.engine import Engine
from luohu.policy.facts import FORBIDDEN_FACTS

DECISION_NODES = (
    "is_eligible",
    *(c.rule for c in CHANNELS),
    *PRIORITY_FLAGS,
    "member_admitted",
)


def forbidden_dependencies(engine: Engine) -> dict[str, list[str]]:
    """Decision node -> forbidden facts it reaches (empty when the guarantee holds)."""
    found = {}
    for node in DECISION_NODES:
        reached = sorted(engine.closure([node]) & set(FORBIDDEN_FACTS))
        if reached:
            found[node] = reached
    return found


def origin_dependencies_of_services() -> dict[str, list[str]]:
    """Service -> origin facts (hukou nature, hukou place) it reaches; empty when 1.2.a holds.

    Every supporting service of AY2018-19:3.6–3.10 is decided without knowing
    where the person comes from (同城同待遇).
    """
    from luohu.policy.service_facts import ORIGIN_FACTS
    from luohu.policy.services import SERVICES, services_engine

    engine = services_engine()
    found = {}
    for service in SERVICES:
        reached = sorted(engine.facts_read_by([service.rule]) & set(ORIGIN_FACTS))
        if reached:
            found[service.name] = reached
    return found
