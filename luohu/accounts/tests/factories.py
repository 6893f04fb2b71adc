"""Named personas, one per role, built through the real service."""

from __future__ import annotations

from luohu.accounts.demo import DEMO_ACCOUNTS
from luohu.accounts.models import User
from luohu.accounts.services import user_create

PERSONA_PASSWORD = "Persona-pass-2018"


def persona(username: str) -> User:
    """The named persona, created on first use and the same user afterwards."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    account = next(a for a in DEMO_ACCOUNTS if a.username == username)
    return user_create(
        username=account.username,
        password=PERSONA_PASSWORD,
        role=account.role,
        jurisdiction_code=account.jurisdiction_code,
        full_name=account.full_name,
    )


def all_personas() -> dict[str, User]:
    return {a.username: persona(a.username) for a in DEMO_ACCOUNTS}
