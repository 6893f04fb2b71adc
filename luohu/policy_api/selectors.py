"""Read-only views of the rule base: clauses, parameters, rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luohu.policy import default_engine
from luohu.policy.checks import cited_clauses
from luohu.policy.parameters import default_parameters
from luohu.policy.rules import RULES
from luohu.policy.sources import all_clauses


def clause_list() -> list[dict[str, Any]]:
    params = default_parameters()
    cited = cited_clauses(RULES, params)
    return [
        {
            "citation": c.citation,
            "heading": c.heading,
            "text": c.text,
            "encoded": c.citation in cited,
            "cited_by": sorted(set(cited.get(c.citation, []))),
            "not_encoded": c.not_encoded,
        }
        for c in all_clauses()
    ]


def parameter_list(on: dt.date | None = None, county: str | None = None) -> list[dict[str, Any]]:
    params = default_parameters()
    out = []
    for param in params.parameters.values():
        item = param.as_dict()
        if on is not None:
            dated = params.value(param.path, on, county) if param.values[0].start <= on else None
            item["value_on"] = (
                None
                if dated is None
                else {
                    "value": item_value(dated.value),
                    "start": dated.start.isoformat(),
                    "clause": dated.clause,
                }
            )
        out.append(item)
    return out


def item_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def county_setting_list() -> list[dict[str, Any]]:
    return [
        {
            "county": d.county,
            "effective_from": d.effective_from.isoformat(),
            "decided_by": d.decided_by,
            "overrides": d.overrides,
            "source": d.source,
        }
        for d in default_parameters().counties
    ]


def rule_list() -> list[dict[str, Any]]:
    engine = default_engine()
    graph = engine.dependencies()
    return [
        {
            "name": r.name,
            "rule_set": r.rule_set,
            "level": r.level,
            "clause": r.citation,
            "term_zh": r.term_zh,
            "label_en": r.label_en,
            "in_force_from": r.in_force_from.isoformat(),
            # Rules of other rule sets (permits, services) are not in the
            # settlement engine's graph; each rule knows what it reads.
            "depends_on": graph.get(r.name) or list(r.depends_on(engine.params)),
            "quote": next((t for c, t in r.quotes() if c == r.citation), ""),
            "doc": r.doc.strip(),
        }
        for r in RULES.values()
    ]
