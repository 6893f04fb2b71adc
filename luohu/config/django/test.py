"""Test settings: the same as base, with fast hashing."""

from luohu.config.django.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LUOHU_DEMO = True

# force_login uses the first backend; sessions it makes count as past the
# second factor (luohu.security.testing). Password logins still go through
# axes and the TOTP step. Never named outside the test settings.
AUTHENTICATION_BACKENDS = [
    "luohu.security.testing.ForceLoginBackend",
    *AUTHENTICATION_BACKENDS,  # noqa: F405
]
LUOHU_SECOND_FACTOR_TRUSTED_BACKENDS = ("luohu.security.testing.ForceLoginBackend",)
# Rate limits are off in tests except where a test turns them on.
LUOHU_RATE_LIMITS = {}
