"""引用检查 Citation checks: every citation resolves, every quote matches, every clause is covered.

Pure Python. The tests run :func:`run_checks`; the Django adapter surfaces
the same problems as system checks ``policy.E001`` … (luohu.policy_api).
"""

from __future__ import annotations

from dataclasses import dataclass

from luohu.policy.parameters import COUNTY_CLAUSE, ParameterSet, default_parameters
from luohu.policy.rules import RULES, Rule
from luohu.policy.sources import UnknownCitation, all_clauses, clause, normalize_text

E001_CITATION_NOWHERE = "policy.E001"
E002_QUOTE_DIFFERS = "policy.E002"
E003_CLAUSE_UNCOVERED = "policy.E003"
E004_RULE_WITHOUT_QUOTE = "policy.E004"
E005_GUARDRAIL_BROKEN = "policy.E005"
E006_FORBIDDEN_DEPENDENCY = "policy.E006"
E008_SERVICE_READS_ORIGIN = "policy.E008"
W001_ENCODED_AND_NOT_ENCODED = "policy.W001"


@dataclass(frozen=True)
class CheckProblem:
    id: str
    message: str
    obj: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return ".E" in self.id


def cited_clauses(rules: dict[str, Rule], params: ParameterSet) -> dict[str, list[str]]:
    """Citation -> the rules and parameters that cite it."""
    cited: dict[str, list[str]] = {}
    for r in rules.values():
        cited.setdefault(r.citation, []).append(f"rule {r.name}")
        for citation, _ in r.quotes():
            cited.setdefault(citation, []).append(f"rule {r.name}")
    for param in params.parameters.values():
        for dated in param.values:
            cited.setdefault(dated.clause, []).append(f"parameter {param.path}")
    cited.setdefault(COUNTY_CLAUSE, []).append("county settings (luohu.policy.parameters)")
    return cited


def check_citations(rules: dict[str, Rule], params: ParameterSet) -> list[CheckProblem]:
    problems = []
    for citation, users in sorted(cited_clauses(rules, params).items()):
        try:
            clause(citation)
        except UnknownCitation as exc:
            for user in users:
                problems.append(
                    CheckProblem(
                        E001_CITATION_NOWHERE,
                        f"{user} cites {citation}, which points nowhere: {exc}",
                        user,
                        "Cite a clause that exists in luohu/policy/sources/.",
                    )
                )
    return problems


def check_quotes(rules: dict[str, Rule]) -> list[CheckProblem]:
    problems = []
    for r in rules.values():
        quotes = r.quotes()
        if not any(citation == r.citation for citation, _ in quotes):
            problems.append(
                CheckProblem(
                    E004_RULE_WITHOUT_QUOTE,
                    f"rule {r.name} cites {r.citation} but its docstring does not quote it",
                    f"rule {r.name}",
                    "Quote the clause under a line starting with the citation.",
                )
            )
        for citation, text in quotes:
            try:
                source = clause(citation)
            except UnknownCitation:
                continue  # reported by check_citations
            if not text or normalize_text(text) not in normalize_text(source.text):
                problems.append(
                    CheckProblem(
                        E002_QUOTE_DIFFERS,
                        f"rule {r.name} quotes {citation} with text that is not in the source: "
                        f"{text!r}",
                        f"rule {r.name}",
                        "Copy the text character for character from luohu/policy/sources/.",
                    )
                )
    return problems


def check_coverage(rules: dict[str, Rule], params: ParameterSet) -> list[CheckProblem]:
    cited = cited_clauses(rules, params)
    problems = []
    for c in all_clauses():
        if c.citation not in cited and not c.not_encoded:
            problems.append(
                CheckProblem(
                    E003_CLAUSE_UNCOVERED,
                    f"clause {c.citation} ({c.heading}) is neither encoded nor explained",
                    c.citation,
                    "Cite it from a rule or parameter, or give it `not_encoded: <reason>`.",
                )
            )
        if c.citation in cited and c.not_encoded:
            problems.append(
                CheckProblem(
                    W001_ENCODED_AND_NOT_ENCODED,
                    f"clause {c.citation} is cited by {', '.join(cited[c.citation])} "
                    "but marked not_encoded",
                    c.citation,
                )
            )
    return problems


def check_guardrails(params: ParameterSet) -> list[CheckProblem]:
    """The city's own values must respect the guardrails too."""
    problems = []
    for param in params.parameters.values():
        if param.guardrail is None:
            continue
        limit_param = params[param.guardrail.parameter]
        for dated in param.values:
            if dated.value is None:
                continue
            limit = limit_param.at(max(dated.start, limit_param.values[0].start))
            broken = (param.guardrail.kind == "max" and dated.value > limit.value) or (
                param.guardrail.kind == "includes"
                and any(item not in dated.value for item in limit.value)
            )
            if broken:
                problems.append(
                    CheckProblem(
                        E005_GUARDRAIL_BROKEN,
                        f"parameter {param.path} from {dated.start} is {dated.value!r}, which "
                        f"breaks {param.guardrail.parameter} ({limit.clause})",
                        f"parameter {param.path}",
                    )
                )
    return problems


def check_forbidden_dependencies(params: ParameterSet) -> list[CheckProblem]:
    # Imported here: the engine imports the rules, which the other checks
    # must be able to inspect even when the engine cannot be built.
    from luohu.policy.engine import Engine
    from luohu.policy.facts import FORBIDDEN_FACTS
    from luohu.policy.guarantees import forbidden_dependencies

    return [
        CheckProblem(
            E006_FORBIDDEN_DEPENDENCY,
            f"{node} depends on {fact}, which {FORBIDDEN_FACTS[fact]} forbids as a condition",
            node,
        )
        for node, facts in forbidden_dependencies(Engine(params)).items()
        for fact in facts
    ]


def check_service_origin() -> list[CheckProblem]:
    """No supporting service may depend on the origin of the person (AY2018-19:1.2.a)."""
    from luohu.policy.guarantees import origin_dependencies_of_services
    from luohu.policy.service_facts import ORIGIN_FACTS

    return [
        CheckProblem(
            E008_SERVICE_READS_ORIGIN,
            f"service {service} depends on {fact}, which {ORIGIN_FACTS[fact]} keeps out of "
            "every answer (同城同待遇)",
            f"service {service}",
        )
        for service, facts in origin_dependencies_of_services().items()
        for fact in facts
    ]


def run_checks(
    rules: dict[str, Rule] | None = None, params: ParameterSet | None = None
) -> list[CheckProblem]:
    """Every citation, quote, coverage and guardrail problem of the rule base."""
    rules = RULES if rules is None else rules
    params = params or default_parameters()
    return [
        *check_citations(rules, params),
        *check_quotes(rules),
        *check_coverage(rules, params),
        *check_guardrails(params),
        *check_forbidden_dependencies(params),
        *check_service_origin(),
    ]
