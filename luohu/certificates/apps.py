from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "luohu.certificates"
    label = "certificates"
    verbose_name = "证明文书 Certificates"
