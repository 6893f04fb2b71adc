"""The admin site is the system administrator's (三员分立): accounts and reference data.

Signing in to it goes through the platform's own login (password, lockout,
second factor); the admin site's own login form is never offered. Roles are
the security administrator's duty: the admin site shows them read-only, and
an account created here starts as an applicant until a role is given.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from luohu.accounts.models import User
from luohu.accounts.roles import Role
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record


def _platform_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    return redirect_to_login(request.GET.get("next", "/admin/"))


admin.site.login = _platform_login  # type: ignore[method-assign]


@admin.register(User)
class LuohuUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "jurisdiction_code", "is_active")
    list_filter = ("role", "jurisdiction_code", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("luohu", {"fields": ("first_name", "role", "jurisdiction_code", "is_active")}),
        ("dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("role", "jurisdiction_code", "last_login", "date_joined")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: the trail points at them.
        return False

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.role = Role.APPLICANT
            obj.jurisdiction_code = ""
        before = None
        if change:
            old = User.objects.get(pk=obj.pk)
            before = {"is_active": old.is_active}
        super().save_model(request, obj, form, change)
        event = AuditEventType.USER_CREATED
        after: dict[str, Any] = {"role": obj.role, "jurisdiction_code": obj.jurisdiction_code}
        if change:
            event = AuditEventType.USER_DEACTIVATED
            after = {"is_active": obj.is_active}
            if before == after:
                return
        audit_record(
            acting_user=request.user,  # type: ignore[arg-type]
            event_type=event,
            obj_type="accounts.user",
            obj_id=obj.pk,
            jurisdiction_code=obj.jurisdiction_code,
            before=before,
            after=after,
        )
