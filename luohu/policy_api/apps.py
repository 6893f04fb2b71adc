from django.apps import AppConfig


class PolicyApiConfig(AppConfig):
    """Django adapter for the pure-Python engine in luohu.policy: CLI, API, checks."""

    name = "luohu.policy_api"
    label = "policy_api"
    verbose_name = "政策规则 Policy rules"
