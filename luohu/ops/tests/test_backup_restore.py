"""``luohu backup`` and ``luohu restore``: the whole platform, round trip.

Real database (SQLite or PostgreSQL, whichever the suite runs on), real
services, real files under a scratch MEDIA_ROOT. The round trip compares
every table row by row and every document byte by byte.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.audit.services import audit_record
from luohu.casework.documents import DocumentUpload, application_submit_with_documents
from luohu.casework.tests.factories import submit_in
from luohu.ops.backup import MANIFEST, NOT_COPIED

pytestmark = pytest.mark.usefixtures("divisions")

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def populate() -> str:
    """An application with two documents, a clerk's look at it, a second applicant."""
    applicant = persona("applicant_zhao")
    uploads = [
        DocumentUpload(
            field="documents[0]",
            document_type="residence_proof",
            member_position=None,
            file=SimpleUploadedFile("户口簿.pdf", PDF),
        ),
        DocumentUpload(
            field="documents[1]",
            document_type="residence_proof",
            member_position=0,
            file=SimpleUploadedFile("scan.png", PNG),
        ),
    ]
    application, _ = application_submit_with_documents(
        acting_user=applicant, data=submit_in(), uploads=uploads
    )
    clerk = persona("clerk_li_huaxian")
    with transaction.atomic():
        audit_record(
            acting_user=clerk,
            event_type=AuditEventType.PERSONAL_DATA_UNMASKED,
            obj_type="settlement_application",
            obj_id=application.number,
            jurisdiction_code=application.county_code,
            reason="受理核对 intake check",
        )
    persona("auditor_zhou")
    return application.number


def tables() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as stored, in a stable order."""
    result = {}
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            if name in NOT_COPIED:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")  # noqa: S608
            rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cursor]
            result[name] = sorted(rows, key=repr)
    return result


def files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def wipe(media_root: Path) -> None:
    call_command("flush", "--noinput", verbosity=0)
    shutil.rmtree(media_root, ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_back_every_row_and_every_file(
    media_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tables, audit trail and documents come back identical; the chain verifies."""
    populate()
    archive = tmp_path / "luohu.tar.gz"
    call_command("backup", str(archive), "--no-progress")
    before, documents = tables(), files(media_root)
    assert len(documents) == 2
    assert len(before["audit_auditentry"]) >= 5
    wipe(media_root)
    assert AuditEntry.objects.count() == 0 and files(media_root) == {}

    call_command("restore", str(archive), "--no-progress")

    after = tables()
    assert files(media_root) == documents
    restored_entries = after.pop("audit_auditentry")
    before_entries = before.pop("audit_auditentry")
    after.pop("audit_auditchainhead")
    before.pop("audit_auditchainhead")
    assert after == before
    # The trail is the backup's, plus one entry recording the restore.
    assert len(restored_entries) == len(before_entries) + 1
    assert set(before_entries) < set(restored_entries)
    last = AuditEntry.objects.order_by("-sequence").first()
    assert last is not None and last.event_type == AuditEventType.BACKUP_RESTORED
    call_command("audit", "verify", "--no-progress")
    out = capsys.readouterr().out
    assert "OK:" in out and "审计链完整" in out


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data(media_root: Path, tmp_path: Path) -> None:
    populate()
    archive = tmp_path / "luohu.tar.gz"
    call_command("backup", str(archive), "--no-progress")
    count = AuditEntry.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(archive), "--no-progress")
    message = str(caught.value)
    assert "目标数据库不是空的" in message and "is not empty" in message
    assert AuditEntry.objects.count() == count


def _rewrite(archive: Path, damaged: Path, member: str, change: Any) -> None:
    """Copy ``archive`` to ``damaged`` with one member's bytes changed."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for info in source:
            data = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == member:
                data = change(data)
                info.size = len(data)
            target.addfile(info, io.BytesIO(data))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_archive_and_writes_nothing(
    media_root: Path, tmp_path: Path
) -> None:
    """A changed row, a changed document, a changed manifest or a cut archive: refused."""
    populate()
    archive = tmp_path / "luohu.tar.gz"
    call_command("backup", str(archive), "--no-progress")
    with tarfile.open(archive, "r:gz") as opened:
        manifest = json.loads(opened.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    audit_member = manifest["tables"]["audit_auditentry"]["member"]
    document = "media/" + next(iter(manifest["media"]))
    wipe(media_root)

    cases = {
        "row": (audit_member, lambda b: b.replace(b"410526", b"410527", 1)),
        "document": (document, lambda b: b[:-1] + bytes([b[-1] ^ 1])),
        "manifest": (MANIFEST, lambda b: b.replace(b'"rows": ', b'"rows": 1', 1)),
    }
    for label, (member, change) in cases.items():
        damaged = tmp_path / f"damaged-{label}.tar.gz"
        _rewrite(archive, damaged, member, change)
        with pytest.raises(CommandError) as caught:
            call_command("restore", str(damaged), "--no-progress")
        message = str(caught.value)
        assert "已损坏" in message and "damaged" in message, label
        assert member in message, label

    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(cut), "--no-progress")
    assert "无法读取或已损坏" in str(caught.value) and "cannot be read" in str(caught.value)

    not_gzip = tmp_path / "not.tar.gz"
    not_gzip.write_bytes(gzip.compress(b"not a tar archive"))
    with pytest.raises(CommandError):
        call_command("restore", str(not_gzip), "--no-progress")

    assert AuditEntry.objects.count() == 0
    assert files(media_root) == {}
