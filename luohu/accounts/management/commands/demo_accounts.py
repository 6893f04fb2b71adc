"""Create one demo account per role and print the credentials (demo mode only).

Staff accounts sign in with a second factor: each gets a confirmed TOTP
device, and its key is printed (base32, and as an otpauth:// address) so a
person can add it to an authenticator app.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from luohu.accounts.demo import DEMO_ACCOUNTS
from luohu.accounts.models import User
from luohu.accounts.services import user_create
from luohu.security.otp import base32_key, otp_enrol_with_key

MSG_NOT_DEMO = (
    "演示账户只能在演示模式下创建（LUOHU_DEMO=1）。 "
    "Demo accounts exist only in demo mode (set LUOHU_DEMO=1)."
)


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) with fresh passwords and print them."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LUOHU_DEMO:
            raise CommandError(MSG_NOT_DEMO)
        rows = []
        with transaction.atomic():
            for account in DEMO_ACCOUNTS:
                password = f"Demo-{secrets.token_urlsafe(9)}"
                User.objects.filter(username=account.username).delete()
                user = user_create(
                    username=account.username,
                    password=password,
                    role=account.role,
                    jurisdiction_code=account.jurisdiction_code,
                    full_name=account.full_name,
                )
                key, url = "", ""
                if user.is_staff_role:
                    device = otp_enrol_with_key(user)
                    key, url = base32_key(device).replace(" ", ""), device.config_url
                rows.append(
                    (account.username, password, account.role, account.jurisdiction_code, key, url)
                )
        lines = ["演示账户 Demo accounts (username, password, role, jurisdiction, TOTP key):"]
        lines += [
            f"  {u:<22} {p:<20} {r:<16} {j or '-':<7} {k or '-'}" for u, p, r, j, k, _ in rows
        ]
        lines += [
            "",
            "工作人员登录需动态口令：将上面的密钥加入验证器应用（TOTP，30 秒，6 位）。",
            "Staff sign in with a second factor: add the key above to an authenticator app"
            " (TOTP, 30 s, 6 digits), or open its otpauth:// address:",
        ]
        lines += [f"  {u:<22} {url}" for u, _, _, _, _, url in rows if url]
        text = "\n".join(lines) + "\n"
        path = settings.VAR_DIR / "demo-accounts.txt"
        path.write_text(text)
        path.chmod(0o600)
        self.stdout.write(text)
