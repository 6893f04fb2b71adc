"""申请材料 Documents handed in with an application: checks and storage.

A file is accepted when its first bytes say PDF, JPEG or PNG (the name and
the browser's content type are not trusted) and it is no larger than the
``CASEWORK_UPLOAD_MAX_BYTES`` setting. Files are stored content-addressed
(``casework/documents/ab/<sha256>-<random>.<ext>`` under MEDIA_ROOT) in the same
transaction as the application: each is written to a temporary name and moved
into place before the commit, and every file this submission created is
removed again if anything fails. A crash between the move and the commit can
leave an unreferenced file behind, never a row pointing at a missing file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from luohu.accounts.models import User
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.casework.models import Document, DocumentContentType, SettlementApplication
from luohu.casework.selectors import application_get_for_user
from luohu.casework.services import CaseSubmitIn, application_act, application_submit
from luohu.casework.workflow import Action
from luohu.common.errors import FieldError, FieldProblem
from luohu.policy import default_engine

DOCUMENT_TYPE_UNKNOWN = (
    "document_type_unknown",
    "不是所列的材料类型",
    "not one of the listed document types",
)
DOCUMENT_TYPE_NOT_ALLOWED = (
    "document_type_not_allowed",
    "文件“{name}”不是 PDF、JPG 或 PNG 格式",
    "the file “{name}” is not a PDF, JPG or PNG",
)
DOCUMENT_TOO_LARGE = (
    "document_too_large",
    "文件“{name}”超过 {limit} 字节的上限",
    "the file “{name}” is larger than the limit of {limit} bytes",
)
DOCUMENT_EMPTY = ("document_empty", "文件“{name}”是空的", "the file “{name}” is empty")
DOCUMENT_MEMBER_UNKNOWN = (
    "document_member_unknown",
    "申请中没有这位家庭成员",
    "there is no such family member on the application",
)

# First bytes of each accepted format.
_SIGNATURES: tuple[tuple[bytes, DocumentContentType, str], ...] = (
    (b"%PDF", DocumentContentType.PDF, "pdf"),
    (b"\xff\xd8\xff", DocumentContentType.JPEG, "jpg"),
    (b"\x89PNG", DocumentContentType.PNG, "png"),
)
_EXTENSIONS = {content_type: ext for _, content_type, ext in _SIGNATURES}
DOCUMENTS_DIR = "casework/documents"


@dataclass(frozen=True)
class DocumentType:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class DocumentUpload:
    """One uploaded file, with the field its problems are reported on."""

    field: str
    document_type: str
    member_position: int | None
    file: UploadedFile


def upload_max_bytes() -> int:
    """The size limit, read at call time so tests and deployments can change it."""
    try:
        return int(settings.CASEWORK_UPLOAD_MAX_BYTES)  # type: ignore[misc]
    except AttributeError as exc:
        raise ImproperlyConfigured("CASEWORK_UPLOAD_MAX_BYTES is not set") from exc


def document_types(on: dt.date) -> list[DocumentType]:
    """Every document an application may ask for on ``on``, from the engine's lists."""
    params = default_engine().params
    lists: list[Iterable[dict[str, Any]]] = [params.value("local/documents/common", on).value]
    lists.extend(params.value("local/documents/by_channel", on).value.values())
    seen: dict[str, DocumentType] = {}
    for entries in lists:
        for entry in entries:
            en = entry.get("en")
            seen.setdefault(
                entry["code"],
                DocumentType(entry["code"], entry["zh"], en if isinstance(en, str) else ""),
            )
    return list(seen.values())


def _problem(field: str, spec: tuple[str, str, str], **params: Any) -> FieldProblem:
    code, zh, en = spec
    return FieldProblem(field, code, zh.format(**params), en.format(**params))


def document_check(upload: DocumentUpload, *, known_types: Iterable[str]) -> DocumentContentType:
    """Return the file's content type from its first bytes, or raise FieldError."""
    name = upload.file.name or ""
    if upload.document_type not in set(known_types):
        raise FieldError(_problem(upload.field, DOCUMENT_TYPE_UNKNOWN))
    limit = upload_max_bytes()
    size = upload.file.size or 0
    if size == 0:
        raise FieldError(_problem(upload.field, DOCUMENT_EMPTY, name=name))
    if size > limit:
        raise FieldError(_problem(upload.field, DOCUMENT_TOO_LARGE, name=name, limit=limit))
    upload.file.seek(0)
    head = upload.file.read(8)
    upload.file.seek(0)
    for signature, content_type, _ext in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise FieldError(_problem(upload.field, DOCUMENT_TYPE_NOT_ALLOWED, name=name))


def documents_check(
    uploads: list[DocumentUpload], *, on: dt.date, members: int
) -> list[DocumentContentType]:
    """Check every upload; raise one FieldError naming each bad file."""
    known = [t.code for t in document_types(on)]
    problems: list[FieldProblem] = []
    content_types: list[DocumentContentType] = []
    for upload in uploads:
        try:
            content_types.append(document_check(upload, known_types=known))
        except FieldError as exc:
            problems.extend(exc.problems)
        if upload.member_position is not None and not 0 <= upload.member_position < members:
            problems.append(_problem(upload.field, DOCUMENT_MEMBER_UNKNOWN))
    if problems:
        raise FieldError(problems)
    return content_types


def _store(file: UploadedFile, ext: str, created: list[Path]) -> tuple[str, str, int]:
    """Write the file content-addressed; return (relative path, sha256, size)."""
    root = Path(settings.MEDIA_ROOT)
    directory = root / DOCUMENTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".upload-{secrets.token_hex(8)}"
    digest = hashlib.sha256()
    size = 0
    try:
        with temporary.open("wb") as out:
            file.seek(0)
            for chunk in file.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        # A random tail: two applications with the same file never share
        # one, so removing a failed submission's files touches no other.
        relative = f"{DOCUMENTS_DIR}/{sha256[:2]}/{sha256}-{secrets.token_hex(4)}.{ext}"
        final = root / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, final)
        created.append(final)
    finally:
        temporary.unlink(missing_ok=True)
    return relative, sha256, size


@contextmanager
def _files_removed_on_failure() -> Iterator[list[Path]]:
    """Yield a list to record written files in; delete them all if the block fails.

    Entered before the transaction, so a rollback (the block raising) also
    removes every file the transaction would have pointed at.
    """
    created: list[Path] = []
    try:
        yield created
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise


def _documents_store(
    *,
    acting_user: User,
    application: SettlementApplication,
    uploads: list[DocumentUpload],
    content_types: list[DocumentContentType],
    created: list[Path],
) -> None:
    """Store checked uploads on ``application``; the caller holds the transaction."""
    now = timezone.now()
    for upload, content_type in zip(uploads, content_types, strict=True):
        relative, sha256, size = _store(upload.file, _EXTENSIONS[content_type], created)
        document = Document(
            application=application,
            member_position=upload.member_position,
            document_type=upload.document_type,
            original_name=(upload.file.name or "")[:255],
            stored_path=relative,
            content_type=content_type,
            size=size,
            sha256=sha256,
            uploaded_at=now,
            uploaded_by=acting_user,
        )
        document.full_clean()
        document.save()
        # The file name may carry a name or an id number: the trail
        # keeps only the type and a prefix of the content hash.
        audit_record(
            acting_user=acting_user,
            event_type=AuditEventType.DOCUMENT_UPLOADED,
            obj_type="settlement_application",
            obj_id=application.number,
            jurisdiction_code=application.county_code,
            after={
                "document_type": upload.document_type,
                "member": upload.member_position,
                "sha256": sha256[:12],
                "size": size,
            },
        )


def application_submit_with_documents(
    *, acting_user: User, data: CaseSubmitIn, uploads: list[DocumentUpload]
) -> tuple[SettlementApplication, bool]:
    """Submit an application and store its documents, all or nothing.

    A repeated submission key returns the existing application and stores
    nothing again. Bad files raise FieldError before anything is written.
    """
    content_types = documents_check(
        uploads, on=timezone.localdate(), members=len(data.member_names)
    )
    with _files_removed_on_failure() as created, transaction.atomic():
        application, new = application_submit(acting_user=acting_user, data=data)
        if not new:
            return application, False
        _documents_store(
            acting_user=acting_user,
            application=application,
            uploads=uploads,
            content_types=content_types,
            created=created,
        )
    return application, True


def materials_supply(
    *,
    acting_user: User,
    number: str,
    expected_version: int,
    uploads: list[DocumentUpload],
) -> SettlementApplication:
    """Hand in the materials asked for and restart the clock, all or nothing.

    The documents and the SUPPLY_MATERIALS step are one transaction: a
    refused step (someone acted first, wrong status) stores no file.
    """
    application = application_get_for_user(acting_user, number)
    content_types = documents_check(
        uploads, on=timezone.localdate(), members=application.members.count()
    )
    with _files_removed_on_failure() as created, transaction.atomic():
        application = application_act(
            acting_user=acting_user,
            number=number,
            action=Action.SUPPLY_MATERIALS,
            expected_version=expected_version,
        )
        _documents_store(
            acting_user=acting_user,
            application=application,
            uploads=uploads,
            content_types=content_types,
            created=created,
        )
    return application
