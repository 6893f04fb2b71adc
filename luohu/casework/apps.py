from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "luohu.casework"
    label = "casework"
    verbose_name = "办件 Casework"
