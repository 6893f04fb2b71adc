"""政策规则 The settlement plan 安政办〔2018〕19号 as cited, dated, executable rules.

Pure Python: nothing here imports Django, so the same code runs in a CLI, a
test, a web request and a Spark worker.

    >>> from luohu.policy import evaluate
    >>> decision = evaluate({...})          # one case, with a trace
    >>> Engine().evaluate_frame(lazyframe)   # a population
"""

from luohu.policy.engine import (
    DECISION_FORMAT,
    TRACE_FORMAT,
    Engine,
    default_engine,
    evaluate,
    frame_from_facts,
)
from luohu.policy.errors import CountyOverrideRefused, MissingFacts, RuleNotInForce
from luohu.policy.facts import SettlementFacts, parse_facts

__all__ = [
    "DECISION_FORMAT",
    "TRACE_FORMAT",
    "CountyOverrideRefused",
    "Engine",
    "MissingFacts",
    "RuleNotInForce",
    "SettlementFacts",
    "default_engine",
    "evaluate",
    "frame_from_facts",
    "parse_facts",
]
