"""Writes for accounts. Every change goes through these functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from luohu.accounts.models import User
from luohu.accounts.roles import CITY_CODE, ROLE_SCOPE, SEPARATED_ROLES, Role, Scope
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.common.errors import FieldError, field_error

USER_ROLE_UNKNOWN = ("role_unknown", "未知角色", "unknown role")
USER_JURISDICTION_REQUIRED = (
    "jurisdiction_required",
    "该角色须指定一个县（市、区）",
    "this role must be given one county-level unit",
)
USER_JURISDICTION_NOT_COUNTY = (
    "jurisdiction_not_county",
    "管辖范围须为安阳市下辖的县（市、区）",
    "the jurisdiction must be a county-level unit of Anyang",
)
USER_JURISDICTION_FORBIDDEN = (
    "jurisdiction_forbidden",
    "申请人账户不设管辖范围",
    "applicant accounts have no jurisdiction",
)


USER_SEPARATED_DUTY_TAKEN = (
    "separated_duty_taken",
    "三员分立：该账户已担任系统管理员、安全管理员或审计员之一，不得再担任其中另一角色",
    "separation of duties: this account already holds one of system administrator, "
    "security administrator or auditor and can never hold another of them",
)
USER_NOT_FOUND = ("user_not_found", "账户不存在", "no such account")
USER_ROLE_UNCHANGED = ("role_unchanged", "角色未改变", "the account already has this role")

# What the system administrator may do on the admin site: accounts and the
# reference divisions; nothing of a case, a person or the audit trail.
SYSTEM_ADMIN_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("accounts", "view_user"),
    ("accounts", "add_user"),
    ("accounts", "change_user"),
    ("registry", "view_division"),
)


USER_PASSWORD_WEAK = "password_weak"  # noqa: S105 (an error code, not a password)


def _password_check(password: str, user: User) -> None:
    """Django's password validators (base.py AUTH_PASSWORD_VALIDATORS), reported in zh and en."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    messages = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            try:
                validate_password(password, user)
            except ValidationError as exc:
                messages[language] = " ".join(exc.messages)
    if messages:
        raise field_error("password", (USER_PASSWORD_WEAK, messages["zh-hans"], messages["en"]))


def _separated_duty_check(user: User, role: str) -> None:
    if role in SEPARATED_ROLES and user.separated_duty and user.separated_duty != role:
        raise field_error("role", USER_SEPARATED_DUTY_TAKEN)


def _apply_role(user: User, role: str) -> None:
    """Set the role and what follows from it: duty, admin-site access, no superuser."""
    _separated_duty_check(user, role)
    user.role = role
    if role in SEPARATED_ROLES:
        user.separated_duty = role
    user.is_staff = role == Role.SYSTEM_ADMIN
    user.is_superuser = False


def _sync_permissions(user: User) -> list[str]:
    """Grant exactly the model permissions the role's duty needs; return them."""
    from django.contrib.auth.models import Permission

    wanted = SYSTEM_ADMIN_PERMISSIONS if user.role == Role.SYSTEM_ADMIN else ()
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in wanted
    ]
    user.user_permissions.set(permissions)
    user.groups.clear()
    return [f"{app}.{codename}" for app, codename in wanted]


def _normalised_jurisdiction(role: str, jurisdiction_code: str, on: dt.date) -> str:
    from luohu.registry.models import COUNTY_LEVELS
    from luohu.registry.selectors import division_get

    if role not in ROLE_SCOPE:
        raise field_error("role", USER_ROLE_UNKNOWN)
    scope = ROLE_SCOPE[role]
    if scope == Scope.SELF:
        if jurisdiction_code:
            raise field_error("jurisdiction_code", USER_JURISDICTION_FORBIDDEN)
        return ""
    if scope == Scope.CITY:
        return CITY_CODE
    if not jurisdiction_code:
        raise field_error("jurisdiction_code", USER_JURISDICTION_REQUIRED)
    try:
        division = division_get(jurisdiction_code, on)
    except FieldError as exc:
        raise FieldError(
            [replace(problem, field="jurisdiction_code") for problem in exc.problems]
        ) from exc
    if division.level not in COUNTY_LEVELS:
        raise field_error("jurisdiction_code", USER_JURISDICTION_NOT_COUNTY)
    return str(division.code)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    jurisdiction_code: str = "",
    full_name: str = "",
    acting_user: User | None = None,
) -> User:
    """Create a user whose jurisdiction fits the role, or raise FieldError."""
    code = _normalised_jurisdiction(role, jurisdiction_code, timezone.localdate())
    user = User(username=username, jurisdiction_code=code, first_name=full_name)
    _apply_role(user, role)
    _password_check(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    _sync_permissions(user)
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.USER_CREATED,
        obj_type="accounts.user",
        obj_id=user.pk,
        jurisdiction_code=code,
        after={"role": role, "jurisdiction_code": code},
    )
    return user


@transaction.atomic
def user_role_change(
    *, acting_user: User | None, user_id: int, role: str, jurisdiction_code: str = ""
) -> User:
    """Give an account another role (security administrator's duty), audited.

    An account that once held one of the three separated duties can never be
    given another of them (三员分立); the model refuses it too.
    """
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise field_error("user", USER_NOT_FOUND)
    code = _normalised_jurisdiction(role, jurisdiction_code, timezone.localdate())
    if user.role == role and user.jurisdiction_code == code:
        raise field_error("role", USER_ROLE_UNCHANGED)
    before = {"role": user.role, "jurisdiction_code": user.jurisdiction_code}
    before_permissions = sorted(user.get_all_permissions())
    _apply_role(user, role)
    user.jurisdiction_code = code
    user.full_clean()
    user.save()
    after_permissions = _sync_permissions(user)
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.ROLE_CHANGED,
        obj_type="accounts.user",
        obj_id=user.pk,
        jurisdiction_code=code,
        before=before,
        after={"role": role, "jurisdiction_code": code},
    )
    if before_permissions != sorted(after_permissions):
        audit_record(
            acting_user=acting_user,
            event_type=AuditEventType.PERMISSIONS_CHANGED,
            obj_type="accounts.user",
            obj_id=user.pk,
            jurisdiction_code=code,
            before={"permissions": before_permissions},
            after={"permissions": sorted(after_permissions)},
        )
    return user
