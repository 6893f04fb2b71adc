from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "luohu.web"
    label = "web"
    verbose_name = "页面 Web"
