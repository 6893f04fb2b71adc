from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "luohu.security"
    label = "security"
    verbose_name = "安全 Security controls"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from luohu.security import lockout

        user_locked_out.connect(lockout.on_user_locked_out, dispatch_uid="luohu.security.lockout")
