"""Rules of the settlement plan, one function per rule, each citing its clause.

Importing this package registers every rule in :data:`RULES` in definition
order, which is also an order in which they can be evaluated.
"""

from luohu.policy.rules import settlement as settlement
from luohu.policy.rules.base import RULES, Rule, rule

__all__ = ["RULES", "Rule", "rule", "settlement"]
