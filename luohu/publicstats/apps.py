from django.apps import AppConfig


class PublicstatsConfig(AppConfig):
    name = "luohu.publicstats"
    label = "publicstats"
    verbose_name = "Public progress and statistical bulletin"
