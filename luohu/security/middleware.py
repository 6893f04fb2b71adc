"""Security middleware: Content-Security-Policy, rate limits, staff second factor and idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.http import urlencode

from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record

Handler = Callable[[HttpRequest], HttpResponse]

RATE_LIMITED = (
    "rate_limited",
    "请求过于频繁，请稍后再试",
    "too many requests; please wait a moment and try again",
)
SECOND_FACTOR_REQUIRED = (
    "second_factor_required",
    "工作人员须先完成动态口令验证",
    "staff must complete the second factor (authenticator code) first",
)
SESSION_EXPIRED = (
    "session_expired",
    "长时间未操作，已自动退出，请重新登录",
    "you were signed out after a period without activity; please log in again",
)

# Pages a signed-in member of staff may reach before the second factor.
SECOND_FACTOR_OPEN_URLS = frozenset(
    {"web:otp_verify", "web:otp_enrol", "web:otp_qr", "web:logout", "web:login", "set_language"}
)
LAST_SEEN_KEY = "luohu_last_seen"
# Refresh the idle clock at most this often, so most requests write no session.
LAST_SEEN_RESOLUTION = 30


def _url_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _problem(status: int, spec: tuple[str, str, str], request: HttpRequest) -> HttpResponse:
    code, zh, en = spec
    if _wants_json(request):
        return JsonResponse(
            {"errors": [{"field": "", "code": code, "message_zh": zh, "message_en": en}]},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    body = render_to_string(
        "security/problem.html", {"status": status, "message_zh": zh, "message_en": en}
    )
    return HttpResponse(body, status=status)


class ContentSecurityPolicyMiddleware:
    """Set the strict Content-Security-Policy of settings on every response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.LUOHU_CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class RateLimitMiddleware:
    """Count requests per client address and URL name in a fixed window; 429 beyond.

    The counters live in Django's cache (Redis in production, so every worker
    shares them). The client address is REMOTE_ADDR: behind a proxy, the proxy
    must set it (as it must for the audit trail).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limits: dict[str, tuple[int, int]] = settings.LUOHU_RATE_LIMITS
        if limits:
            name = _url_name(request)
            if name in limits:
                allowed, window = limits[name]
                address = request.META.get("REMOTE_ADDR", "")
                bucket = int(time.time() // window)
                key = f"luohu:rl:{name}:{address}:{bucket}"
                cache.add(key, 0, timeout=window + 1)
                try:
                    count = cache.incr(key)
                except ValueError:
                    count = 1
                if count > allowed:
                    response = _problem(429, RATE_LIMITED, request)
                    response["Retry-After"] = str(window - int(time.time()) % window)
                    return response
        return self.get_response(request)


def _trusted_backend(request: HttpRequest) -> bool:
    # Sessions made by a backend named in LUOHU_SECOND_FACTOR_TRUSTED_BACKENDS
    # count as verified: only the test settings name one (for force_login).
    backend = request.session.get("_auth_user_backend", "")
    return backend in getattr(settings, "LUOHU_SECOND_FACTOR_TRUSTED_BACKENDS", ())


class StaffSessionMiddleware:
    """Staff: sign out after LUOHU_STAFF_IDLE_SECONDS idle; nothing before the second factor."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "is_staff_role", False):
            return self.get_response(request)
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - int(last_seen) > settings.LUOHU_STAFF_IDLE_SECONDS:
            return self._expire(request, user)
        if last_seen is None or now - int(last_seen) >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_KEY] = now
        if not (user.is_verified() or _trusted_backend(request)):
            if _url_name(request) not in SECOND_FACTOR_OPEN_URLS:
                if _wants_json(request):
                    return _problem(403, SECOND_FACTOR_REQUIRED, request)
                return HttpResponseRedirect(
                    f"{resolve_url('web:otp_verify')}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)

    def _expire(self, request: HttpRequest, user: object) -> HttpResponse:
        with transaction.atomic():
            audit_record(
                acting_user=user,  # type: ignore[arg-type]
                event_type=AuditEventType.SESSION_EXPIRED,
                obj_type="accounts.user",
                obj_id=user.pk,  # type: ignore[attr-defined]
                jurisdiction_code=getattr(user, "jurisdiction_code", ""),
            )
        logout(request)
        if _wants_json(request):
            return _problem(401, SESSION_EXPIRED, request)
        login = resolve_url(settings.LOGIN_URL)
        return HttpResponseRedirect(
            f"{login}?{urlencode({'next': request.get_full_path(), 'expired': '1'})}"
        )
