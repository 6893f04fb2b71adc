"""Lockout after repeated failed logins (django-axes), audited; unlock by the security admin."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.db import transaction
from django.http import HttpRequest

from luohu.accounts.models import User
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record

USER_OBJECT_TYPE = "accounts.user"


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def on_user_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    """Record ACCOUNT_LOCKED on the account (by id; a name that is no account is not kept)."""
    account = User.objects.filter(username=username or "").first()
    with transaction.atomic():
        audit_record(
            acting_user=None,
            event_type=AuditEventType.ACCOUNT_LOCKED,
            obj_type=USER_OBJECT_TYPE,
            obj_id=account.pk if account else "",
            jurisdiction_code=account.jurisdiction_code if account else "",
            remote_addr=_address(request),
        )


def locked_usernames() -> frozenset[str]:
    """Usernames whose failed logins reached the limit and are still counted."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return frozenset(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).values_list("username", flat=True)
    )


@transaction.atomic
def account_unlock(*, acting_user: User, user: User, request: HttpRequest | None = None) -> int:
    """Clear the failed-login counters of ``user`` and record who unlocked it."""
    removed = axes_reset(username=user.username)
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.ACCOUNT_UNLOCKED,
        obj_type=USER_OBJECT_TYPE,
        obj_id=user.pk,
        jurisdiction_code=user.jurisdiction_code,
        after={"attempts_cleared": removed},
        remote_addr=_address(request),
    )
    return removed
