"""Sign-in: password (with lockout), then for staff the TOTP second factor.

Applicants sign in with a password alone. Every member of staff passes a
second factor: an authenticator code (TOTP, django-otp). Without a confirmed
device they enrol first, scanning a QR code served as an SVG image.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from luohu.common.errors import FieldError
from luohu.security import otp


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if not user.is_staff_role:
            return response
        step = "web:otp_verify" if otp.confirmed_device(user) else "web:otp_enrol"
        return HttpResponseRedirect(
            f"{resolve_url(step)}?{urlencode({'next': self.get_success_url()})}"
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Authenticator code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _code_page(
    request: HttpRequest, template: str, form: CodeForm, extra: dict[str, Any] | None = None
) -> HttpResponse:
    status = 200 if not form.errors else 400
    context = {"form": form, "next": _next_url(request), **(extra or {})}
    return render(request, template, context, status=status)


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not getattr(request.user, "is_staff_role", False):
        return redirect(settings.LOGIN_REDIRECT_URL)
    return None


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask a member of staff with a confirmed device for the current code."""
    if (early := _staff_only(request)) is not None:
        return early
    user = request.user
    if otp.confirmed_device(user) is None:  # type: ignore[arg-type]
        return redirect(f"{resolve_url('web:otp_enrol')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.otp_verify(request=request, user=user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except FieldError as exc:
            problem = exc.problems[0]
            form.add_error("code", f"{problem.message_zh} · {problem.message_en}")
        else:
            return redirect(_next_url(request))
    return _code_page(request, "web/otp_verify.html", form)


@never_cache
@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a member of staff: show the QR code, confirm one code."""
    if (early := _staff_only(request)) is not None:
        return early
    user = request.user
    if otp.confirmed_device(user) is not None:  # type: ignore[arg-type]
        return redirect(
            f"{resolve_url('web:otp_verify')}?{urlencode({'next': _next_url(request)})}"
        )
    device = otp.enrolment_device(user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.otp_enrol_confirm(request=request, user=user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except FieldError as exc:
            problem = exc.problems[0]
            form.add_error("code", f"{problem.message_zh} · {problem.message_en}")
        else:
            return redirect(_next_url(request))
    return _code_page(request, "web/otp_enrol.html", form, {"secret": otp.base32_key(device)})


@never_cache
@login_required
@require_GET
def otp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the enrolling device, as an SVG image (no inline script or style)."""
    if (early := _staff_only(request)) is not None:
        return early
    if otp.confirmed_device(request.user) is not None:  # type: ignore[arg-type]
        return HttpResponse(status=404)
    device = otp.enrolment_device(request.user)  # type: ignore[arg-type]
    return HttpResponse(otp.qr_svg(device), content_type="image/svg+xml")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes: the account is locked; say so in Chinese and English, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "web/lockout.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
