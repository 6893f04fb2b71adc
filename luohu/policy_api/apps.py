from django.apps import AppConfig


class PolicyApiConfig(AppConfig):
    """Django adapter for the pure-Python engine in luohu.policy: CLI, API, checks."""

    name = "luohu.policy_api"
    label = "policy_api"
    verbose_name = "政策规则 Policy rules"

    def ready(self) -> None:
        from django.core import checks

        from luohu.policy_api.checks import policy_rule_base_check

        checks.register(policy_rule_base_check, "policy")
