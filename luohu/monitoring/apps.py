from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """监测 Indicators, targets and dashboards; reads, never writes the registry."""

    name = "luohu.monitoring"
    label = "monitoring"
    verbose_name = "监测 Monitoring"
