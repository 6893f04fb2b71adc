from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    """我能享受什么 Citizen entitlements page and the same-treatment index page."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "luohu.entitlements"
    verbose_name = "Entitlements"
