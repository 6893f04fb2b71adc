from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "luohu.registry"
    label = "registry"
    verbose_name = "户籍登记 Registry"
