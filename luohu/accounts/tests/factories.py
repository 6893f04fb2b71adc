"""Named personas, one per role, built through the real service.

Staff personas get a confirmed TOTP device with a fixed test key, so a test
that signs in through the real pages can compute the current code with
``otp_code`` (django-otp's own TOTP, no other library).
"""

from __future__ import annotations

import hashlib
import time

from luohu.accounts.demo import DEMO_ACCOUNTS
from luohu.accounts.models import User
from luohu.accounts.services import user_create

PERSONA_PASSWORD = "Persona-pass-2018"


def persona_totp_key(username: str) -> str:
    """The persona's fixed TOTP key (hex, 20 bytes): test data, never a real secret."""
    return hashlib.sha1(f"luohu-persona-totp:{username}".encode()).hexdigest()  # noqa: S324


def persona(username: str) -> User:
    """The named persona, created on first use and the same user afterwards."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    account = next(a for a in DEMO_ACCOUNTS if a.username == username)
    user = user_create(
        username=account.username,
        password=PERSONA_PASSWORD,
        role=account.role,
        jurisdiction_code=account.jurisdiction_code,
        full_name=account.full_name,
    )
    if user.is_staff_role:
        from luohu.security.otp import otp_enrol_with_key

        otp_enrol_with_key(user, persona_totp_key(username))
    return user


def all_personas() -> dict[str, User]:
    return {a.username: persona(a.username) for a in DEMO_ACCOUNTS}


def otp_code(username: str, *, fresh: bool = True) -> str:
    """The current authenticator code of a staff persona.

    ``fresh`` forgets the last code used (django-otp refuses a code twice in
    one 30-second step), so a test may sign the same persona in again at once.
    """
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    if fresh:
        TOTPDevice.objects.filter(pk=device.pk).update(
            last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
        )
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def totp_code_now(key_hex: str, at: float | None = None) -> str:
    """A TOTP code for a hex key at a moment (default now), six digits."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    generator = TOTP(unhexlify(key_hex))
    generator.time = at if at is not None else time.time()
    return f"{generator.token():06d}"
