"""The security administrator's page: accounts' roles, lockouts and second factors.

No case data here: an account is shown by username, role, jurisdiction and
its security state only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from luohu.accounts.models import User
from luohu.accounts.roles import Role
from luohu.accounts.services import user_role_change
from luohu.common.errors import FieldError
from luohu.security.lockout import account_unlock, locked_usernames
from luohu.security.otp import otp_reset

SECURITY_PAGE_ROLES = frozenset({Role.SECURITY_ADMIN})


def _require_security_admin(request: HttpRequest) -> None:
    if getattr(request.user, "role", None) not in SECURITY_PAGE_ROLES:
        raise Http404


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    jurisdiction_code = forms.CharField(label=_("Jurisdiction"), required=False, max_length=6)


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _require_security_admin(request)
    users = list(
        User.objects.order_by("username").only(
            "id", "username", "role", "jurisdiction_code", "is_active"
        )
    )
    locked = locked_usernames()
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [
        {
            "user": user,
            "locked": user.username in locked,
            "enrolled": user.pk in enrolled,
            "form": RoleForm(
                initial={"role": user.role, "jurisdiction_code": user.jurisdiction_code},
                prefix=f"u{user.pk}",
            ),
        }
        for user in users
    ]
    return render(request, "security/user_list.html", {"rows": rows})


def _message_for(exc: FieldError) -> str:
    return "；".join(f"{p.message_zh} · {p.message_en}" for p in exc.problems)


@login_required
@require_POST
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_security_admin(request)
    target = get_object_or_404(User, pk=user_id)
    form = RoleForm(request.POST, prefix=f"u{target.pk}")
    if not form.is_valid():
        messages.error(request, str(form.errors))
        return redirect("security:users")
    try:
        user_role_change(
            acting_user=request.user,  # type: ignore[arg-type]
            user_id=target.pk,
            role=form.cleaned_data["role"],
            jurisdiction_code=form.cleaned_data["jurisdiction_code"],
        )
    except FieldError as exc:
        messages.error(request, _message_for(exc))
    else:
        messages.success(request, f"{target.username}: 角色已变更 · role changed")
    return redirect("security:users")


@login_required
@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_security_admin(request)
    target = get_object_or_404(User, pk=user_id)
    account_unlock(acting_user=request.user, user=target, request=request)  # type: ignore[arg-type]
    messages.success(request, f"{target.username}: 已解锁 · unlocked")
    return redirect("security:users")


@login_required
@require_POST
def user_otp_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_security_admin(request)
    target = get_object_or_404(User, pk=user_id)
    otp_reset(acting_user=request.user, user=target, request=request)  # type: ignore[arg-type]
    messages.success(request, f"{target.username}: 动态口令已重置 · second factor reset")
    return redirect("security:users")
