from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "luohu.audit"
    label = "audit"
    verbose_name = "审计 Audit trail"

    def ready(self) -> None:
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )
        from django.db.backends.signals import connection_created

        from luohu.audit import receivers
        from luohu.audit.db import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="luohu.audit.sqlite")
        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="luohu.audit.login")
        user_logged_out.connect(receivers.on_user_logged_out, dispatch_uid="luohu.audit.logout")
        user_login_failed.connect(
            receivers.on_user_login_failed, dispatch_uid="luohu.audit.login_failed"
        )
