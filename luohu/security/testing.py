"""Test-only pieces. Named only by luohu.config.django.test, never by production."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class ForceLoginBackend(ModelBackend):
    """First backend in the test settings, so ``Client.force_login`` uses it.

    It authenticates nothing (passwords still go through axes and
    ModelBackend); sessions it made count as past the second factor, so
    tests that are not about signing in can keep using ``force_login``.
    """

    def authenticate(
        self, request: Any, username: Any = None, password: Any = None, **kwargs: Any
    ) -> None:
        return None
