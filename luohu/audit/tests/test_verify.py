from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luohu.accounts.tests.factories import persona
from luohu.audit.chain import entry_digest
from luohu.audit.events import AuditEventType
from luohu.audit.management.commands.audit import VERIFY_BROKEN, VERIFY_OK
from luohu.audit.models import AuditChainHead, AuditEntry
from luohu.audit.selectors import (
    CHAIN_BEYOND_HEAD,
    CHAIN_HASH_MISMATCH,
    CHAIN_HEAD_HASH_MISMATCH,
    CHAIN_PREV_HASH_MISMATCH,
    CHAIN_SEQUENCE_GAP,
    CHAIN_TAIL_MISSING,
    audit_chain_verify,
)
from luohu.audit.tests.helpers import record_entries, tamper, tamper_column

TABLE = AuditEntry._meta.db_table


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def broken(sequence: int, spec: tuple[str, str], **values: Any) -> str:
    zh, en = spec
    return VERIFY_BROKEN.format(
        sequence=sequence, problem_en=en.format(**values), problem_zh=zh.format(**values)
    )


def assert_verify_fails(expected: str) -> None:
    with pytest.raises(CommandError) as caught:
        verify()
    assert str(caught.value) == expected
    assert caught.value.returncode == 1


@pytest.mark.django_db
class TestVerifyIntactChain:
    def test_intact_chain_verifies_with_count_and_head(self) -> None:
        """An untouched trail prints OK with the number of entries and the head hash."""
        entries = record_entries(5)
        assert verify() == VERIFY_OK.format(count=5, head=entries[-1].entry_hash)

    def test_empty_trail_verifies(self) -> None:
        """A trail with no entries is intact."""
        assert verify() == VERIFY_OK.format(count=0, head="0" * 64)

    def test_streaming_in_small_chunks_gives_the_same_answer(self) -> None:
        """Chunking is invisible: a chunk size of 2 still checks every link."""
        entries = record_entries(7)
        ticks: list[int] = []
        report = audit_chain_verify(chunk_size=2, on_entry=lambda: ticks.append(1))
        assert (report.ok, report.count, report.head_hash) == (True, 7, entries[-1].entry_hash)
        assert len(ticks) == 7

    def test_record_option_appends_the_result_to_the_trail(self) -> None:
        """`verify --record` leaves an AUDIT_VERIFIED entry saying what was found."""
        entries = record_entries(2)
        call_command(
            "audit",
            "verify",
            "--no-progress",
            "--record",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        entry = AuditEntry.objects.get(event_type=AuditEventType.AUDIT_VERIFIED)
        assert entry.after == {
            "ok": True,
            "entries": 2,
            "head": entries[-1].entry_hash,
            "broken_at": None,
        }


@pytest.mark.django_db
class TestVerifyDetectsTampering:
    """Each way of tampering directly in the database is detected and located."""

    def test_edited_field_is_a_hash_mismatch(self) -> None:
        """Changing a stored value breaks that entry's hash."""
        record_entries(5)
        tamper_column(3, "after", {"status": "refused", "number": 3})
        assert_verify_fails(broken(3, CHAIN_HASH_MISMATCH))

    def test_edited_field_with_recomputed_hash_breaks_the_next_link(self) -> None:
        """Re-hashing an edited entry does not help: the next entry points at the old hash."""
        record_entries(5)
        tamper_column(3, "reason", "forged")
        entry = AuditEntry.objects.get(sequence=3)
        tamper_column(3, "entry_hash", entry_digest(entry.chain_content()))
        assert_verify_fails(broken(4, CHAIN_PREV_HASH_MISMATCH))

    def test_deleted_entry_is_a_sequence_gap(self) -> None:
        """Removing an entry leaves a gap at the next one."""
        record_entries(5)
        tamper(f"DELETE FROM {TABLE} WHERE sequence = 2")  # noqa: S608
        assert_verify_fails(broken(3, CHAIN_SEQUENCE_GAP, expected=2))

    def test_deleted_last_entry_is_missing_at_the_end(self) -> None:
        """Removing the newest entries is caught by the chain head."""
        record_entries(5)
        tamper(f"DELETE FROM {TABLE} WHERE sequence >= 4")  # noqa: S608
        assert_verify_fails(broken(4, CHAIN_TAIL_MISSING, head=5))

    def test_reordered_entries_break_the_link(self) -> None:
        """Swapping the places of two entries breaks the chain where the swap starts."""
        record_entries(5)
        tamper(f"UPDATE {TABLE} SET sequence = 1000 WHERE sequence = 2")  # noqa: S608
        tamper(f"UPDATE {TABLE} SET sequence = 2 WHERE sequence = 4")  # noqa: S608
        tamper(f"UPDATE {TABLE} SET sequence = 4 WHERE sequence = 1000")  # noqa: S608
        assert_verify_fails(broken(2, CHAIN_PREV_HASH_MISMATCH))

    def test_forged_entry_with_a_made_up_hash_is_a_hash_mismatch(self) -> None:
        """An entry inserted behind the service's back with a made-up hash is caught."""
        entries = record_entries(3)
        forged = AuditEntry(
            sequence=4,
            occurred_at=entries[-1].occurred_at + dt.timedelta(seconds=1),
            event_type=AuditEventType.PERMIT_ISSUED,
            object_type="permits.permit",
            object_id="99",
            prev_hash=entries[-1].entry_hash,
            entry_hash="f" * 64,
        )
        AuditEntry.objects.bulk_create([forged])
        assert_verify_fails(broken(4, CHAIN_HASH_MISMATCH))

    def test_forged_entry_with_a_correct_hash_lies_beyond_the_head(self) -> None:
        """Even a well-formed forged entry is caught: the chain head does not know it."""
        entries = record_entries(3)
        forged = AuditEntry(
            sequence=4,
            occurred_at=entries[-1].occurred_at + dt.timedelta(seconds=1),
            event_type=AuditEventType.PERMIT_ISSUED,
            object_type="permits.permit",
            object_id="99",
            prev_hash=entries[-1].entry_hash,
        )
        forged.entry_hash = entry_digest(forged.chain_content())
        AuditEntry.objects.bulk_create([forged])
        assert_verify_fails(broken(4, CHAIN_BEYOND_HEAD, head=3))

    def test_edited_chain_head_is_caught(self) -> None:
        """Pointing the head at another hash is caught at the last entry."""
        record_entries(3)
        AuditChainHead.objects.update(entry_hash="e" * 64)
        assert_verify_fails(broken(3, CHAIN_HEAD_HASH_MISMATCH))


# Columns the hash covers, with values to write into them.
_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_EDITS: dict[str, st.SearchStrategy[Any]] = {
    "occurred_at": st.integers(1, 10**9).map(lambda us: dt.timedelta(microseconds=us)),
    "actor_id": st.just("other"),
    "actor_username": _TEXT,
    "actor_role": _TEXT,
    "actor_jurisdiction_code": st.from_regex(r"\A[0-9]{6}\Z"),
    "event_type": st.integers(0, 32767),
    "object_type": _TEXT,
    "object_id": _TEXT,
    "jurisdiction_code": st.from_regex(r"\A[0-9]{6}\Z"),
    "before": st.none() | st.dictionaries(_TEXT, st.integers() | _TEXT, max_size=3),
    "after": st.none() | st.dictionaries(_TEXT, st.integers() | _TEXT, max_size=3),
    "reason": _TEXT,
    "request_id": st.from_regex(r"\A[0-9a-f]{32}\Z"),
    "remote_addr": st.ip_addresses().map(str),
    "prev_hash": st.from_regex(r"\A[0-9a-f]{64}\Z"),
    "entry_hash": st.from_regex(r"\A[0-9a-f]{64}\Z"),
    "sequence": st.integers(1, 10**6),
}


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    position=st.integers(1, 3),
    edit=st.sampled_from(sorted(_EDITS)).flatmap(lambda f: st.tuples(st.just(f), _EDITS[f])),
)
def test_any_single_field_edit_is_detected(position: int, edit: tuple[str, Any]) -> None:
    """Whatever hashed field of whichever entry is changed, verify fails at that entry.

    A changed sequence number moves the entry, so the break is reported
    where the sequence goes wrong rather than at the old position.
    """
    field, value = edit
    with transaction.atomic():
        actor = persona("auditor_zhou")
        other = persona("admin_wu")
        record_entries(3, acting_user=actor)
        entry = AuditEntry.objects.get(sequence=position)
        if field == "occurred_at":
            value = entry.occurred_at + value
        if field == "actor_id":
            value = None if position % 2 else other.pk
        if field == "sequence":
            value += AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True)[0]
        current = getattr(entry, field)
        if field != "occurred_at" and value == current:
            transaction.set_rollback(True)
            return
        tamper_column(position, field, value)
        report = audit_chain_verify()
        transaction.set_rollback(True)
    assert report.ok is False
    assert report.broken is not None
    if field != "sequence":
        assert report.broken.sequence == position
