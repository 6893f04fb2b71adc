"""Writes of the audit trail. ``audit_record`` is the only way in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from luohu.accounts.models import User
from luohu.audit.chain import GENESIS_HASH, audit_value, entry_digest
from luohu.audit.context import current_request_id
from luohu.audit.events import ADDRESS_KEPT_EVENTS, REASON_REQUIRED_EVENTS, AuditEventType
from luohu.audit.models import AuditChainHead, AuditEntry

__all__ = ["AuditEventType", "AuditRecordError", "audit_record"]

AUDIT_OUTSIDE_TRANSACTION = (
    "audit_record() 必须在调用方的事务中调用。 "
    "audit_record() must be called inside the caller's transaction.atomic block, "
    "so that the action fails when its audit entry cannot be written."
)
AUDIT_EVENT_UNKNOWN = "未知的审计事件类型：{code}。 Unknown audit event type: {code}."
AUDIT_REASON_REQUIRED = "此操作须说明理由：{event}。 This action needs a reason: {event}."
AUDIT_OBJECT_TYPE_REQUIRED = "须指明审计对象类型。 The audited object's type is required."
AUDIT_ADDRESS_NOT_KEPT = (
    "仅安全事件记录客户端地址：{event}。 "
    "The client address is kept only for security events, not for {event}."
)
AUDIT_JURISDICTION_INVALID = (
    "管辖代码须为6位行政区划代码：{code}。 "
    "The jurisdiction must be a six-digit division code, not {code!r}."
)
AUDIT_SNAPSHOT_NOT_OBJECT = (
    "before/after 须为对象或空。 before and after must be a mapping or None."
)


_COUNTY_CODE = re.compile(r"[0-9]{6}")


class AuditRecordError(Exception):
    """The audit entry could not be written; the caller's transaction is doomed."""


def _fail(message: str) -> AuditRecordError:
    # Mark the caller's transaction for rollback: a caller that catches the
    # error still cannot commit its change without the entry.
    transaction.set_rollback(True)
    return AuditRecordError(message)


def _snapshot(value: Mapping[str, Any] | None, name: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _fail(AUDIT_SNAPSHOT_NOT_OBJECT)
    try:
        return audit_value(value, name)
    except TypeError as exc:
        raise _fail(str(exc)) from exc


def _locked_head() -> AuditChainHead:
    # FOR UPDATE on the single head row serialises writers on PostgreSQL
    # until they commit; on SQLite BEGIN IMMEDIATE already has.
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(id=1, sequence=0, entry_hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(id=1)
    return head


def audit_record(
    *,
    acting_user: User | AnonymousUser | None,
    event_type: AuditEventType | int,
    obj_type: str,
    obj_id: str | int,
    jurisdiction_code: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    remote_addr: str | None = None,
) -> AuditEntry:
    """Append one entry to the trail inside the caller's transaction.

    ``acting_user`` is None (or anonymous) for the system and for people not
    signed in. ``before`` and ``after`` hold ids and changed values, not
    personal data: strings shaped like a citizen id are masked here, and
    names are the caller's to mask with ``luohu.audit.masking``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditRecordError(AUDIT_OUTSIDE_TRANSACTION)
    try:
        code = AuditEventType(event_type)
    except ValueError:
        raise _fail(AUDIT_EVENT_UNKNOWN.format(code=event_type)) from None
    if code in REASON_REQUIRED_EVENTS and not reason.strip():
        raise _fail(AUDIT_REASON_REQUIRED.format(event=code.name))
    if remote_addr and code not in ADDRESS_KEPT_EVENTS:
        raise _fail(AUDIT_ADDRESS_NOT_KEPT.format(event=code.name))
    if not obj_type:
        raise _fail(AUDIT_OBJECT_TYPE_REQUIRED)
    if jurisdiction_code and not _COUNTY_CODE.fullmatch(jurisdiction_code):
        raise _fail(AUDIT_JURISDICTION_INVALID.format(code=jurisdiction_code))
    before_value = _snapshot(before, "before")
    after_value = _snapshot(after, "after")

    actor = acting_user if isinstance(acting_user, User) else None
    head = _locked_head()
    entry = AuditEntry(
        sequence=head.sequence + 1,
        occurred_at=timezone.now(),
        actor=actor,
        actor_username=actor.username if actor else "",
        actor_role=actor.role if actor else "",
        actor_jurisdiction_code=actor.jurisdiction_code if actor else "",
        event_type=int(code),
        object_type=obj_type,
        object_id=str(obj_id),
        jurisdiction_code=jurisdiction_code,
        before=before_value,
        after=after_value,
        reason=reason,
        request_id=current_request_id(),
        remote_addr=remote_addr or None,
        prev_hash=head.entry_hash,
    )
    try:
        # Field validation normalises (e.g. IPv6 spelling) before hashing.
        # Model constraints are left to the database: full_clean() would spend
        # one query per CheckConstraint on every audited write.
        entry.clean_fields(exclude=["entry_hash"])
    except ValidationError:
        transaction.set_rollback(True)
        raise
    entry.entry_hash = entry_digest(entry.chain_content())
    entry.save()
    AuditChainHead.objects.filter(id=1).update(sequence=entry.sequence, entry_hash=entry.entry_hash)
    return entry
