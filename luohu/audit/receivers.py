"""Sign-in events from Django's auth signals into the trail (等保 2.0 8.1.4.3).

No password ever reaches the trail, nor what was typed as a username: a
failed sign-in points at the account (by id) when the typed name is an
existing account, and otherwise keeps only a keyed hash of what was typed.
People do type their password into the username box, and applicants may
choose a phone number as username; the hash still shows repeated tries at
the same name.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record

USER_OBJECT_TYPE = "accounts.user"
_TYPED_USERNAME_SALT = "luohu.audit.login_failed.username"


def typed_username_digest(typed: str) -> str:
    return salted_hmac(_TYPED_USERNAME_SALT, typed, algorithm="sha256").hexdigest()


def _client_address(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted
    # proxy rewrites it, and the deployment has not named one yet.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _record_sign_in_event(request: HttpRequest | None, **fields: Any) -> None:
    try:
        with transaction.atomic():
            audit_record(remote_addr=_client_address(request), **fields)
    except Exception:
        # No entry, no session: the sign-in does not stand without its record.
        # Django already skips saving the session of a 5xx response; flushing
        # keeps that true whatever handles the error.
        session = getattr(request, "session", None)
        if session is not None:
            session.flush()
        raise


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _record_sign_in_event(
        request,
        acting_user=user,
        event_type=AuditEventType.LOGIN_SUCCEEDED,
        obj_type=USER_OBJECT_TYPE,
        obj_id=user.pk,
        jurisdiction_code=getattr(user, "jurisdiction_code", ""),
    )


def on_user_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    _record_sign_in_event(
        request,
        acting_user=user,
        event_type=AuditEventType.LOGGED_OUT,
        obj_type=USER_OBJECT_TYPE,
        obj_id=user.pk,
        jurisdiction_code=getattr(user, "jurisdiction_code", ""),
    )


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    user_model = get_user_model()
    typed = str(credentials.get(user_model.USERNAME_FIELD) or "")
    account = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: typed}).first()
    if account is not None:
        obj_id: str | int = account.pk
        jurisdiction = getattr(account, "jurisdiction_code", "")
        after: dict[str, Any] | None = None
    else:
        obj_id = ""
        jurisdiction = ""
        after = {"typed_username_hmac": typed_username_digest(typed), "typed_length": len(typed)}
    _record_sign_in_event(
        request,
        acting_user=None,
        event_type=AuditEventType.LOGIN_FAILED,
        obj_type=USER_OBJECT_TYPE,
        obj_id=obj_id,
        jurisdiction_code=jurisdiction,
        after=after,
    )
