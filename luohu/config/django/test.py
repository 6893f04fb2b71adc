"""Test settings: the same as base, with fast hashing."""

from luohu.config.django.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LUOHU_DEMO = True
