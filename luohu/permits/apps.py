from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "luohu.permits"
    label = "permits"
    verbose_name = "居住证 Residence permits"
