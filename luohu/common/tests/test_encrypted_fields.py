"""Encrypted fields and blind indexes on the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import serializers
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.casework.models import FamilyMember, SettlementApplication
from luohu.common import crypto
from luohu.common.fields import MSG_LOOKUP_REFUSED
from luohu.registry.household_selectors import person_get
from luohu.registry.models import Person

ID = "41052619880506011X"
NAME = "欧阳澜汐"

pytestmark = pytest.mark.django_db


def _person(citizen_id: str = ID, name: str = NAME) -> Person:
    person = Person(citizen_id=citizen_id, name=name, sex="male", birth_date=dt.date(1988, 5, 6))
    person.full_clean()
    person.save()
    return person


def _raw(table: str, columns: str, pk: int) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return tuple(cursor.fetchone())


class TestEncryptedField:
    def test_values_are_stored_sealed_and_read_in_full(self) -> None:
        person = _person()
        raw_id, raw_name, index = _raw(
            "registry_person", "citizen_id, name, citizen_id_index", person.pk
        )
        assert raw_id.startswith("e1:") and ID not in raw_id
        assert raw_name.startswith("e1:") and NAME not in raw_name
        assert index == crypto.citizen_id_index(ID)
        fresh = Person.objects.get(pk=person.pk)
        assert (fresh.citizen_id, fresh.name) == (ID, NAME)

    def test_querying_the_plain_column_is_refused(self) -> None:
        """A forgotten filter on the encrypted column fails loudly instead of finding nothing."""
        with pytest.raises(FieldError) as excinfo:
            list(Person.objects.filter(citizen_id=ID))
        assert str(excinfo.value) == MSG_LOOKUP_REFUSED.format(
            label="registry.person.citizen_id", lookup="exact"
        )
        with pytest.raises(FieldError):
            list(SettlementApplication.objects.filter(**{"applicant_name__startswith": "欧"}))

    def test_the_blind_index_finds_the_person_however_the_id_is_typed(self) -> None:
        person = _person()
        assert person_get(" 41052619880506011x ").pk == person.pk

    def test_the_id_stays_unique_through_its_index(self) -> None:
        _person()
        with pytest.raises(ValidationError) as excinfo:
            _person(name="另一人")
        assert "citizen_id_index" in excinfo.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.create(
                citizen_id=ID.lower(), name="另一人", sex="male", birth_date=dt.date(1988, 5, 6)
            )

    def test_the_database_refuses_plaintext_written_past_the_orm(self) -> None:
        person = _person()
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE registry_person SET name = %s WHERE id = %s", [NAME, person.pk])

    def test_length_limits_apply_to_the_plaintext(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            _person(name="名" * 101)
        assert "name" in excinfo.value.message_dict
        with pytest.raises(ValidationError) as excinfo:
            _person(citizen_id="41052619880506011")
        assert "citizen_id" in excinfo.value.message_dict

    def test_serialised_copies_keep_the_ciphertext_and_load_back(self) -> None:
        """dumpdata and loaddata (backups, fixtures) never carry the plaintext."""
        person = _person()
        dumped = serializers.serialize("json", [person])
        assert ID not in dumped and NAME not in dumped and '"e1:' in dumped
        Person.objects.all().delete()
        for item in serializers.deserialize("json", dumped):
            item.save()
        assert Person.objects.get(pk=person.pk).name == NAME

    def test_typed_text_shaped_like_a_ciphertext_is_kept_as_typed(self) -> None:
        """Nobody can forge a value that opens: such input is plaintext, sealed like any other."""
        typed = "e1:1:" + "A" * 40
        person = _person(name=typed)
        assert Person.objects.get(pk=person.pk).name == typed

    def test_a_copy_sealed_under_a_missing_key_is_refused(self) -> None:
        field = Person._meta.get_field("name")
        with pytest.raises(ValidationError, match="does not hold"):
            field.to_python("e1:99999:" + "A" * 40)

    def test_a_blank_member_id_stays_blank(self) -> None:
        field = FamilyMember._meta.get_field("citizen_id")
        assert field.get_prep_value("") == ""


class TestStatisticsNeedNoPersonalData:
    def test_the_registry_snapshot_is_built_without_opening_a_ciphertext(
        self, divisions: None
    ) -> None:
        """With keys that open nothing, the statistics snapshot still comes out whole."""
        from luohu.registry.households import person_register
        from luohu.registry.snapshot import registry_snapshot

        person_register(
            acting_user=None,
            citizen_id=ID,
            name=NAME,
            sex="male",
            birth_date=dt.date(1988, 5, 6),
            division_code="410581001",
            relation_to_head="head",
            on=dt.date(2016, 1, 1),
            reason_in="initial_load",
        )
        with override_settings(LUOHU_FIELD_KEYS=crypto.generate_spec().replace("1=", "7=")):
            with pytest.raises(crypto.DecryptionError):
                Person.objects.get()
            table = registry_snapshot(dt.date(2020, 11, 1))
        assert table.num_rows == 1
        assert not {"citizen_id", "name"} & set(table.column_names)


def _with_key(spec: str, name: str) -> str:
    return f"{spec},{name}={crypto.generate_key()}"


class TestRotateFieldKeys:
    def test_rotation_reseals_under_the_newest_key_and_the_old_key_can_go(
        self, settings: pytest.FixtureRequest
    ) -> None:
        person = _person()
        original = settings.LUOHU_FIELD_KEYS  # type: ignore[attr-defined]
        old_ring = crypto.parse_keys(original)
        newest = old_ring.current_key_id + 1
        both = _with_key(original, str(newest))
        stdout, stderr = io.StringIO(), io.StringIO()
        with override_settings(LUOHU_FIELD_KEYS=both):
            call_command("rotate_field_keys", stdout=stdout, stderr=stderr)
        assert "registry.Person: 1 re-encrypted" in stdout.getvalue()
        assert "row" in stderr.getvalue()  # the progress bar
        raw_id, raw_name = _raw("registry_person", "citizen_id, name", person.pk)
        assert crypto.key_id_of(raw_id) == newest and crypto.key_id_of(raw_name) == newest
        # The old key removed, everything still reads.
        only_new = ",".join(
            part for part in both.split(",") if not part.startswith(f"{old_ring.current_key_id}=")
        )
        with override_settings(LUOHU_FIELD_KEYS=only_new):
            assert Person.objects.get(pk=person.pk).citizen_id == ID
            rerun = io.StringIO()
            call_command("rotate_field_keys", "--no-progress", stdout=rerun)
            assert "registry.Person: 0 re-encrypted" in rerun.getvalue()
        entry = AuditEntry.objects.filter(event_type=AuditEventType.FIELD_KEYS_ROTATED).first()
        assert entry is not None
        assert entry.after is not None
        assert entry.after["key_id"] == newest and entry.after["registry.Person"] == 1

    def test_a_new_index_key_is_applied_by_the_same_command(
        self, settings: pytest.FixtureRequest
    ) -> None:
        person = _person()
        original = settings.LUOHU_FIELD_KEYS  # type: ignore[attr-defined]
        replaced = ",".join(
            part if not part.startswith("index=") else f"index={crypto.generate_key()}"
            for part in original.split(",")
        )
        with override_settings(LUOHU_FIELD_KEYS=replaced):
            with pytest.raises(Exception, match="no person with this citizen id"):
                person_get(ID)
            call_command("rotate_field_keys", "--no-progress", stdout=io.StringIO())
            assert person_get(ID).pk == person.pk

    def test_dry_run_counts_and_changes_nothing(self, settings: pytest.FixtureRequest) -> None:
        person = _person()
        before = _raw("registry_person", "citizen_id", person.pk)
        original = settings.LUOHU_FIELD_KEYS  # type: ignore[attr-defined]
        newest = crypto.parse_keys(original).current_key_id + 1
        out = io.StringIO()
        with override_settings(LUOHU_FIELD_KEYS=_with_key(original, str(newest))):
            call_command("rotate_field_keys", "--dry-run", "--no-progress", stdout=out)
        assert "registry.Person: 1 stale" in out.getvalue()
        assert _raw("registry_person", "citizen_id", person.pk) == before
        assert not AuditEntry.objects.filter(event_type=AuditEventType.FIELD_KEYS_ROTATED).exists()
