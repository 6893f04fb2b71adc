"""Create one demo account per role and print the credentials (demo mode only)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from luohu.accounts.demo import DEMO_ACCOUNTS
from luohu.accounts.models import User
from luohu.accounts.services import user_create

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
                user_create(
                    username=account.username,
                    password=password,
                    role=account.role,
                    jurisdiction_code=account.jurisdiction_code,
                    full_name=account.full_name,
                )
                rows.append((account.username, password, account.role, account.jurisdiction_code))
        lines = ["演示账户 Demo accounts:"]
        lines += [f"  {u:<22} {p:<20} {r:<16} {j or '-'}" for u, p, r, j in rows]
        text = "\n".join(lines) + "\n"
        (settings.VAR_DIR / "demo-accounts.txt").write_text(text)
        self.stdout.write(text)
