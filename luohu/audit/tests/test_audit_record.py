from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client

from luohu.accounts.models import User
from luohu.accounts.services import user_create
from luohu.accounts.tests.factories import persona
from luohu.audit.chain import AUDIT_VALUE_UNSUPPORTED, GENESIS_HASH, entry_digest
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditChainHead, AuditEntry
from luohu.audit.services import (
    AUDIT_ADDRESS_NOT_KEPT,
    AUDIT_EVENT_UNKNOWN,
    AUDIT_JURISDICTION_INVALID,
    AUDIT_OUTSIDE_TRANSACTION,
    AUDIT_REASON_REQUIRED,
    AuditRecordError,
    audit_record,
)
from luohu.audit.tests.helpers import record_entries
from luohu.common.citizen_id import make_citizen_id

CITIZEN_ID = make_citizen_id("410526", dt.date(1990, 5, 17), 123)


def create_applicant(username: str = "new_applicant") -> User:
    return user_create(username=username, password="x-Password-1", role="applicant")


@pytest.mark.django_db
class TestAuditRecord:
    def test_entry_keeps_actor_snapshot_object_and_change(self) -> None:
        """An entry names who acted (as they were then), on what, and what changed."""
        auditor = persona("auditor_zhou")
        with transaction.atomic():
            entry = audit_record(
                acting_user=auditor,
                event_type=AuditEventType.EXPORT_CREATED,
                obj_type="casework.case",
                obj_id=42,
                jurisdiction_code="410526",
                before={"status": "decided"},
                after={"rows": 3},
                reason="年度审计抽查 annual sample",
            )
        entry.refresh_from_db()
        assert (entry.actor_id, entry.actor_username, entry.actor_role) == (
            auditor.pk,
            "auditor_zhou",
            "auditor",
        )
        assert entry.actor_jurisdiction_code == "410500"
        assert (entry.event_type, entry.object_type, entry.object_id) == (32, "casework.case", "42")
        assert (entry.before, entry.after) == ({"status": "decided"}, {"rows": 3})
        assert entry.reason == "年度审计抽查 annual sample"
        assert entry.occurred_at.tzinfo is not None

    def test_entries_form_a_chain_from_the_genesis_hash(self) -> None:
        """Each entry carries the previous entry's hash; the first carries 64 zeros."""
        with transaction.atomic():
            first = audit_record(
                acting_user=None,
                event_type=AuditEventType.DIVISIONS_LOADED,
                obj_type="registry.division",
                obj_id="",
            )
            second = audit_record(
                acting_user=None,
                event_type=AuditEventType.DIVISIONS_LOADED,
                obj_type="registry.division",
                obj_id="",
            )
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.sequence, second.sequence) == (1, 2)
        assert first.prev_hash == GENESIS_HASH
        assert second.prev_hash == first.entry_hash
        assert first.entry_hash == entry_digest(first.chain_content())
        head = AuditChainHead.objects.get()
        assert (head.sequence, head.entry_hash) == (2, second.entry_hash)

    def test_citizen_ids_in_snapshots_are_masked(self) -> None:
        """A citizen id passed in before/after is stored masked, wherever it sits."""
        with transaction.atomic():
            entry = audit_record(
                acting_user=None,
                event_type=AuditEventType.CASE_SUBMITTED,
                obj_type="casework.case",
                obj_id=1,
                after={"applicant": {"id": CITIZEN_ID}, "family": [CITIZEN_ID]},
            )
        entry.refresh_from_db()
        masked = f"410526********{CITIZEN_ID[-4:]}"
        assert entry.after == {"applicant": {"id": masked}, "family": [masked]}
        assert CITIZEN_ID not in str(entry.chain_content())

    def test_unknown_event_type_is_refused(self) -> None:
        """A code outside AuditEventType is refused with AUDIT_EVENT_UNKNOWN."""
        with pytest.raises(AuditRecordError) as caught, transaction.atomic():
            audit_record(acting_user=None, event_type=777, obj_type="x", obj_id="")
        assert str(caught.value) == AUDIT_EVENT_UNKNOWN.format(code=777)

    def test_unmasking_without_a_reason_is_refused(self) -> None:
        """Unmasking personal data needs a reason (AUDIT_REASON_REQUIRED)."""
        with pytest.raises(AuditRecordError) as caught, transaction.atomic():
            audit_record(
                acting_user=None,
                event_type=AuditEventType.PERSONAL_DATA_UNMASKED,
                obj_type="registry.person",
                obj_id=7,
                reason="  ",
            )
        assert str(caught.value) == AUDIT_REASON_REQUIRED.format(event="PERSONAL_DATA_UNMASKED")

    def test_client_address_is_refused_outside_security_events(self) -> None:
        """Only sign-in events keep the client address (AUDIT_ADDRESS_NOT_KEPT)."""
        with pytest.raises(AuditRecordError) as caught, transaction.atomic():
            audit_record(
                acting_user=None,
                event_type=AuditEventType.CASE_SUBMITTED,
                obj_type="casework.case",
                obj_id=1,
                remote_addr="10.0.0.1",
            )
        assert str(caught.value) == AUDIT_ADDRESS_NOT_KEPT.format(event="CASE_SUBMITTED")

    def test_request_id_from_the_middleware_is_kept(self, client: Client) -> None:
        """An entry written during a request carries that request's id."""
        assert "luohu.audit.context.RequestIdMiddleware" in settings.MIDDLEWARE
        user = persona("applicant_zhao")
        response = client.post(
            "/login/", {"username": user.username, "password": "Persona-pass-2018"}
        )
        entry = AuditEntry.objects.get(event_type=AuditEventType.LOGIN_SUCCEEDED)
        assert len(entry.request_id) == 32
        assert response["X-Request-ID"] == entry.request_id


@pytest.mark.django_db
class TestAuditFailureFailsTheAction:
    def test_unserialisable_value_rolls_back_the_callers_change(self) -> None:
        """When the entry cannot be written, the change it records is not kept either."""
        with pytest.raises(AuditRecordError) as caught, transaction.atomic():
            user = create_applicant()
            audit_record(
                acting_user=None,
                event_type=AuditEventType.USER_CREATED,
                obj_type="accounts.user",
                obj_id=user.pk,
                after={"since": 1.5},
            )
        assert str(caught.value) == AUDIT_VALUE_UNSUPPORTED.format(path="after.since", kind="float")
        assert User.objects.filter(username="new_applicant").exists() is False
        assert AuditEntry.objects.count() == 0

    def test_a_caller_that_swallows_the_error_still_loses_its_change(self) -> None:
        """Catching the audit error does not let the change commit without its entry."""
        with transaction.atomic():
            create_applicant()
            try:
                audit_record(
                    acting_user=None,
                    event_type=AuditEventType.USER_CREATED,
                    obj_type="accounts.user",
                    obj_id=1,
                    after={"blob": b"bytes"},
                )
            except AuditRecordError:
                pass
        assert User.objects.filter(username="new_applicant").exists() is False

    def test_invalid_jurisdiction_rolls_back_the_callers_change(self) -> None:
        """An entry with a malformed county code is refused, and takes the change down with it."""
        with pytest.raises(AuditRecordError) as caught, transaction.atomic():
            user = create_applicant()
            audit_record(
                acting_user=None,
                event_type=AuditEventType.USER_CREATED,
                obj_type="accounts.user",
                obj_id=user.pk,
                jurisdiction_code="41052",
            )
        assert str(caught.value) == AUDIT_JURISDICTION_INVALID.format(code="41052")
        assert User.objects.filter(username="new_applicant").exists() is False
        assert AuditEntry.objects.count() == 0

    def test_database_refusal_of_the_entry_rolls_back_the_callers_change(self) -> None:
        """When the database refuses the entry itself, the change it records is undone too.

        A second chain-head row cannot exist (CheckConstraint id = 1); making
        the head point at an already used sequence makes the INSERT of the
        entry collide with the unique sequence, as a forked chain would.
        """
        record_entries(1)
        AuditChainHead.objects.update(sequence=0)
        with pytest.raises(IntegrityError), transaction.atomic():
            user = create_applicant()
            audit_record(
                acting_user=None,
                event_type=AuditEventType.USER_CREATED,
                obj_type="accounts.user",
                obj_id=user.pk,
            )
        assert User.objects.filter(username="new_applicant").exists() is False
        assert AuditEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    """audit_record() outside transaction.atomic raises AUDIT_OUTSIDE_TRANSACTION and writes nothing."""
    with pytest.raises(AuditRecordError) as caught:
        audit_record(
            acting_user=None,
            event_type=AuditEventType.DIVISIONS_LOADED,
            obj_type="registry.division",
            obj_id="",
        )
    assert str(caught.value) == AUDIT_OUTSIDE_TRANSACTION
    assert AuditEntry.objects.count() == 0
