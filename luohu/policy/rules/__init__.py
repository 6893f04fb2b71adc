"""Rules of the plan and of the documents it relies on, one function per rule.

Importing this package registers every rule in :data:`RULES` in definition
order, which is also an order in which they can be evaluated. Each rule
belongs to one rule set: ``settlement`` (AY2018-19 chapter 2), ``permits``
(居住证暂行条例, SC663) and ``services`` (AY2018-19:3.6–3.10).
"""

from luohu.policy.rules import settlement as settlement  # isort: skip - settlement first
from luohu.policy.rules import permits as permits
from luohu.policy.rules import services as services
from luohu.policy.rules.base import RULES, Rule, rule, rules_of

__all__ = ["RULES", "Rule", "permits", "rule", "rules_of", "services", "settlement"]
