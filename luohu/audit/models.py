from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luohu.audit.chain import canonical_time

AUDIT_ENTRY_IMMUTABLE = (
    "审计记录只能追加，不能修改或删除。 "
    "Audit entries are append-only: they cannot be changed or deleted."
)


class AuditEntryImmutableError(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditEntryImmutableError(AUDIT_ENTRY_IMMUTABLE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditEntryImmutableError(AUDIT_ENTRY_IMMUTABLE)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditEntryImmutableError(AUDIT_ENTRY_IMMUTABLE)

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditEntryImmutableError(AUDIT_ENTRY_IMMUTABLE)


AuditEntryManager = models.Manager.from_queryset(AuditEntryQuerySet)


class AuditEntry(models.Model):
    """审计记录 One entry of the hash-chained, append-only audit trail.

    Written only by ``luohu.audit.services.audit_record``. The database
    refuses UPDATE and DELETE on this table (migration 0002); the model
    refuses them before they reach it.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    # PROTECT: a user with a history is deactivated, never deleted; a
    # SET_NULL would be an UPDATE of the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Snapshots: what the actor was when acting, whatever they become later.
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    actor_role = models.CharField(_("actor role"), max_length=32, blank=True)
    actor_jurisdiction_code = models.CharField(_("actor jurisdiction"), max_length=6, blank=True)
    # No choices: codes are validated by the service against AuditEventType,
    # and new codes must not need a migration.
    event_type = models.PositiveSmallIntegerField(_("event type"))
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    jurisdiction_code = models.CharField(_("jurisdiction"), max_length=6, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    remote_addr = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64, unique=True)

    objects = AuditEntryManager()

    class Meta:
        base_manager_name = "objects"
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["event_type", "occurred_at"], name="audit_event_time_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time_idx"),
            models.Index(
                fields=["jurisdiction_code", "occurred_at"], name="audit_jurisdiction_time_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="audit_entry_sequence_positive", condition=Q(sequence__gte=1)
            ),
            models.CheckConstraint(
                name="audit_entry_jurisdiction_is_a_code",
                condition=Q(jurisdiction_code="") | Q(jurisdiction_code__regex=r"^[0-9]{6}$"),
            ),
            models.CheckConstraint(
                name="audit_entry_hashes_are_sha256",
                condition=Q(prev_hash__regex=r"^[0-9a-f]{64}$")
                & Q(entry_hash__regex=r"^[0-9a-f]{64}$"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEntryImmutableError(AUDIT_ENTRY_IMMUTABLE)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEntryImmutableError(AUDIT_ENTRY_IMMUTABLE)

    def chain_content(self) -> dict[str, Any]:
        """Return the fields the entry hash covers, in canonical form."""
        return {
            "sequence": self.sequence,
            "occurred_at": canonical_time(self.occurred_at),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_role": self.actor_role,
            "actor_jurisdiction_code": self.actor_jurisdiction_code,
            "event_type": self.event_type,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "jurisdiction_code": self.jurisdiction_code,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "request_id": self.request_id,
            "remote_addr": self.remote_addr,
            "prev_hash": self.prev_hash,
        }


class AuditChainHead(models.Model):
    """The last entry of the chain: one row, locked by every writer.

    Writers take ``SELECT ... FOR UPDATE`` on this row, so two transactions
    cannot both extend the chain from the same entry. It also lets the
    verifier notice entries cut from the end of the trail.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.CheckConstraint(name="audit_chain_head_single_row", condition=Q(id=1)),
        ]

    def __str__(self) -> str:
        return f"head #{self.sequence} {self.entry_hash[:12]}"
