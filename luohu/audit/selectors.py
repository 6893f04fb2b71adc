"""Reads of the audit trail: verification, the auditor's search, a person's viewers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from luohu.audit.chain import GENESIS_HASH, entry_digest
from luohu.audit.events import PERSON_VIEW_EVENTS, AuditEventType
from luohu.audit.models import AuditChainHead, AuditEntry

# The object type of a registered person. A person is referred to by the
# registry's primary key, never by citizen id: the trail is not a lookup
# table of ids.
PERSON_OBJECT_TYPE = "registry.person"

CHAIN_HASH_MISMATCH = (
    "内容与哈希不符",
    "hash mismatch: its content does not match its entry_hash",
)
CHAIN_PREV_HASH_MISMATCH = (
    "前一哈希与上一条记录不符",
    "prev_hash mismatch: it does not carry the hash of the entry before it",
)
CHAIN_SEQUENCE_GAP = (
    "序号不连续（应为第 {expected} 条）",
    "sequence gap: expected #{expected}",
)
CHAIN_HEAD_MISSING = (
    "链头记录缺失",
    "the chain head row is missing",
)
CHAIN_BEYOND_HEAD = (
    "记录超出链头（链头为第 {head} 条）",
    "entry lies beyond the chain head #{head}",
)
CHAIN_TAIL_MISSING = (
    "末尾记录缺失（链头为第 {head} 条）",
    "entries missing at the end: the chain head is #{head}",
)
CHAIN_HEAD_HASH_MISMATCH = (
    "链头哈希与最后一条记录不符",
    "the chain head hash does not match this last entry",
)


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    problem_zh: str
    problem_en: str


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _break(sequence: int, spec: tuple[str, str], **values: int) -> ChainBreak:
    zh, en = spec
    return ChainBreak(sequence, zh.format(**values), en.format(**values))


def audit_entry_count() -> int:
    return AuditEntry.objects.count()


def audit_chain_verify(
    *, chunk_size: int = 2000, on_entry: Callable[[], object] | None = None
) -> ChainReport:
    """Recompute the chain in sequence order and report the first broken entry.

    Streams the table in chunks, so memory stays flat on a trail of millions.
    """
    expected = 1
    prev_hash = GENESIS_HASH
    count = 0
    entries = AuditEntry.objects.order_by("sequence").iterator(chunk_size=chunk_size)
    for entry in entries:
        if entry.sequence != expected:
            return ChainReport(
                count, prev_hash, _break(entry.sequence, CHAIN_SEQUENCE_GAP, expected=expected)
            )
        if entry.prev_hash != prev_hash:
            return ChainReport(count, prev_hash, _break(entry.sequence, CHAIN_PREV_HASH_MISMATCH))
        if entry_digest(entry.chain_content()) != entry.entry_hash:
            return ChainReport(count, prev_hash, _break(entry.sequence, CHAIN_HASH_MISMATCH))
        prev_hash = entry.entry_hash
        expected += 1
        count += 1
        if on_entry is not None:
            on_entry()

    head = AuditChainHead.objects.filter(id=1).first()
    if head is None:
        if count:
            return ChainReport(count, prev_hash, _break(count, CHAIN_HEAD_MISSING))
        return ChainReport(0, GENESIS_HASH, None)
    if head.sequence < count:
        return ChainReport(
            count, prev_hash, _break(head.sequence + 1, CHAIN_BEYOND_HEAD, head=head.sequence)
        )
    if head.sequence > count:
        return ChainReport(
            count, prev_hash, _break(count + 1, CHAIN_TAIL_MISSING, head=head.sequence)
        )
    if head.entry_hash != prev_hash:
        return ChainReport(count, prev_hash, _break(count, CHAIN_HEAD_HASH_MISMATCH))
    return ChainReport(count, prev_hash, None)


@dataclass(frozen=True)
class AuditFilter:
    event_type: int | None = None
    actor_username: str = ""
    object_type: str = ""
    object_id: str = ""
    jurisdiction_code: str = ""
    occurred_from: dt.datetime | None = None
    occurred_before: dt.datetime | None = None


def audit_entry_search(filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Return matching entries, newest first. Exact matches: the trail is evidence."""
    query = Q()
    if filters.event_type is not None:
        query &= Q(event_type=filters.event_type)
    if filters.actor_username:
        query &= Q(actor_username=filters.actor_username)
    if filters.object_type:
        query &= Q(object_type=filters.object_type)
    if filters.object_id:
        query &= Q(object_id=filters.object_id)
    if filters.jurisdiction_code:
        query &= Q(jurisdiction_code=filters.jurisdiction_code)
    if filters.occurred_from is not None:
        query &= Q(occurred_at__gte=filters.occurred_from)
    if filters.occurred_before is not None:
        query &= Q(occurred_at__lt=filters.occurred_before)
    return AuditEntry.objects.filter(query).order_by("-sequence")


@dataclass(frozen=True)
class PersonView:
    """One look at a person's record, as shown to that person."""

    viewed_at: dt.datetime
    event_type: AuditEventType
    viewer_role: str
    viewer_unit_code: str
    reason: str


def audit_views_of_person(person_ref: str | int) -> list[PersonView]:
    """Return who (by role and unit, not by name) viewed a person's record, newest first.

    ``person_ref`` is the registry's primary key of the person. Staff are
    shown by role and unit: the citizen learns which office looked and why,
    not the private identity of the clerk.
    """
    entries = (
        AuditEntry.objects.filter(
            object_type=PERSON_OBJECT_TYPE,
            object_id=str(person_ref),
            event_type__in=[int(code) for code in PERSON_VIEW_EVENTS],
        )
        .order_by("-sequence")
        .only("occurred_at", "event_type", "actor_role", "actor_jurisdiction_code", "reason")
    )
    return [
        PersonView(
            viewed_at=entry.occurred_at,
            event_type=AuditEventType(entry.event_type),
            viewer_role=entry.actor_role,
            viewer_unit_code=entry.actor_jurisdiction_code,
            reason=entry.reason,
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class RecordView:
    """One look at one of a citizen's records, as shown to that citizen."""

    viewed_at: dt.datetime
    event_type: AuditEventType
    viewer_role: str
    viewer_unit_code: str
    reason: str
    object_type: str
    object_id: str


def audit_views_of_records(
    refs: Iterable[tuple[str, str]], *, exclude_actor_id: int | None = None
) -> list[RecordView]:
    """Return every view or unmasking of the given records, newest first.

    ``refs`` are ``(object_type, object_id)`` pairs the caller has already
    limited to one citizen's own records. Viewers are given by role and unit
    (the actor's jurisdiction when acting), never by name or account; the
    citizen's own looks are left out with ``exclude_actor_id``.
    """
    by_type: dict[str, set[str]] = {}
    for object_type, object_id in refs:
        by_type.setdefault(object_type, set()).add(str(object_id))
    if not by_type:
        return []
    records = Q()
    for object_type, ids in by_type.items():
        records |= Q(object_type=object_type, object_id__in=sorted(ids))
    entries = AuditEntry.objects.filter(
        records, event_type__in=[int(code) for code in PERSON_VIEW_EVENTS]
    )
    if exclude_actor_id is not None:
        entries = entries.exclude(actor_id=exclude_actor_id)
    return [
        RecordView(
            viewed_at=entry.occurred_at,
            event_type=AuditEventType(entry.event_type),
            viewer_role=entry.actor_role,
            viewer_unit_code=entry.actor_jurisdiction_code,
            reason=entry.reason,
            object_type=entry.object_type,
            object_id=entry.object_id,
        )
        for entry in entries.order_by("-sequence").only(
            "occurred_at",
            "event_type",
            "actor_role",
            "actor_jurisdiction_code",
            "reason",
            "object_type",
            "object_id",
        )
    ]
