"""Writes for accounts. Every change goes through these functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from luohu.accounts.models import User
from luohu.accounts.roles import CITY_CODE, ROLE_SCOPE, Role, Scope
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
    user = User(username=username, role=role, jurisdiction_code=code, first_name=full_name)
    user.set_password(password)
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.full_clean()
    user.save()
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.USER_CREATED,
        obj_type="accounts.user",
        obj_id=user.pk,
        jurisdiction_code=code,
        after={"role": role, "jurisdiction_code": code},
    )
    return user
