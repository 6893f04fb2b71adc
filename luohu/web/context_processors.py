from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from luohu.accounts.roles import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": ()}
    if getattr(user, "is_staff_role", False) and not _past_second_factor(request):
        # Staff between password and code see no navigation (nothing is open yet).
        return {"nav_items": ()}
    return {"nav_items": navigation_for(user.role)}


def _past_second_factor(request: HttpRequest) -> bool:
    from django.conf import settings

    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return True
    backend = request.session.get("_auth_user_backend", "")
    return backend in getattr(settings, "LUOHU_SECOND_FACTOR_TRUSTED_BACKENDS", ())
