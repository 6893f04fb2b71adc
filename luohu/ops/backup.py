"""备份与恢复 Backup and restore of the whole platform in one archive.

An archive is a gzip-compressed tar holding

- ``manifest.json``: format, time, database vendor, the applied migrations,
  and for every table its columns, row count and the SHA-256 of its data
  member; for every uploaded document its size and SHA-256; the audit
  trail's entry count and head hash at the time of the backup;
- ``manifest.sha256``: the SHA-256 of ``manifest.json``;
- ``tables/<table>.<ext>``: every table's rows as the database holds them
  (SQLite: JSON lines of the stored values; PostgreSQL: ``COPY`` text), so
  ciphertext stays ciphertext and the audit trail's hashed values are
  copied bit for bit;
- ``media/<path>``: every file under MEDIA_ROOT.

Rows are read in one transaction, so the tables agree with each other. A
restore checks every checksum before it touches anything, refuses a database
that already holds data, loads all tables in one transaction (the trail's
triggers refuse UPDATE and DELETE, not INSERT), restores sequences, writes
the documents, and commits only if the audit chain verifies.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import secrets
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from luohu.audit.events import AuditEventType
from luohu.audit.selectors import audit_chain_verify
from luohu.audit.services import audit_record

FORMAT = "luohu-backup/1"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
BACKUP_OBJECT_TYPE = "ops.backup"
# Tables migrate fills by itself; a restore replaces their rows.
MIGRATE_FILLED = frozenset({"django_content_type", "auth_permission"})
# Not data: the migration state is compared, not copied.
NOT_COPIED = frozenset({"django_migrations"})
BATCH = 1000
CHUNK = 1 << 20

BACKUP_ARCHIVE_UNREADABLE = (
    "备份文件无法读取或已损坏：{detail}。",
    "The backup archive cannot be read or is damaged: {detail}.",
)
BACKUP_CHECKSUM_MISMATCH = (
    "备份文件已损坏：{member} 的校验和不符。",
    "The backup archive is damaged: the checksum of {member} does not match.",
)
BACKUP_MEMBER_MISSING = (
    "备份文件不完整：缺少 {member}。",
    "The backup archive is incomplete: {member} is missing.",
)
BACKUP_FORMAT_UNKNOWN = (
    "不认识的备份格式：{format}。",
    "Unknown backup format: {format}.",
)
RESTORE_VENDOR_MISMATCH = (
    "备份来自 {source} 数据库，不能恢复到 {target} 数据库。",
    "The backup was taken from {source}; it cannot be restored into {target}.",
)
RESTORE_MIGRATIONS_MISMATCH = (
    "数据库结构与备份不一致（迁移不同：{detail}）。请用与备份时相同版本的程序恢复。",
    "The database schema differs from the backup's (migrations differ: {detail}). "
    "Restore with the version of luohu that took the backup.",
)
RESTORE_DATABASE_NOT_EMPTY = (
    "目标数据库不是空的：表 {table} 已有 {rows} 行。恢复只写入空数据库。",
    "The target database is not empty: table {table} has {rows} rows. "
    "A restore writes only into an empty database.",
)
RESTORE_MEDIA_CONFLICT = (
    "上传文件目录中已有不同内容的同名文件：{path}。",
    "MEDIA_ROOT already holds a different file at {path}.",
)
RESTORE_CHAIN_BROKEN = (
    "恢复后的审计链校验失败（第 {sequence} 条：{problem_zh}），已撤销恢复。",
    "The audit chain does not verify after the restore (entry #{sequence}: {problem_en}); "
    "the restore was rolled back.",
)


class BackupError(Exception):
    """A backup or restore refused, with its reason in Chinese and English."""

    def __init__(self, spec: tuple[str, str], **values: Any) -> None:
        self.message_zh = spec[0].format(**values)
        self.message_en = spec[1].format(**values)
        super().__init__(f"{self.message_zh} {self.message_en}")


Progress = Callable[[int], object]
Bar = Callable[[str, int | None], Progress]


@dataclass(frozen=True)
class BackupSummary:
    tables: int
    rows: int
    files: int
    audit_entries: int
    audit_head: str


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def _tables(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(
            info.name
            for info in connection.introspection.get_table_list(cursor)
            if info.type == "t"
        )


def _columns(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s "
                "ORDER BY ordinal_position",
                [table],
            )
            return [name for (name,) in cursor.fetchall()]
        cursor.execute(f"PRAGMA table_info({_quote(connection, table)})")
        return [row[1] for row in cursor.fetchall()]


def _migrations(connection: BaseDatabaseWrapper) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [[app, name] for app, name in cursor.fetchall()]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _encode_sqlite(value: Any) -> Any:
    # SQLite hands back int, float, str, bytes or None; bytes become an
    # object, the only kind of object a row can hold.
    if isinstance(value, bytes | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode_sqlite(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["b64"])
    return value


def _dump_table(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[str],
    out: IO[bytes],
    progress: Progress,
) -> int:
    quoted = ", ".join(_quote(connection, c) for c in columns)
    rows = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {_quote(connection, table)} ({quoted}) TO STDOUT"  # noqa: S608
            with cursor.copy(sql) as copy:
                for data in copy:
                    chunk = bytes(data)
                    out.write(chunk)
                    rows += chunk.count(b"\n")
                    progress(chunk.count(b"\n"))
            return rows
        # COALESCE(c, NULL) hides the declared type, so Django's converters
        # (datetime, decimal, bool) leave the stored value as it is.
        raw = ", ".join(f"COALESCE({_quote(connection, c)}, NULL)" for c in columns)
        cursor.execute(f"SELECT {raw} FROM {_quote(connection, table)}")  # noqa: S608
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                out.write(json.dumps([_encode_sqlite(v) for v in row]).encode("utf-8"))
                out.write(b"\n")
            rows += len(batch)
            progress(len(batch))
    return rows


def _sequences(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cursor.fetchone() is None:
                return {}
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return {name: int(value) for name, value in cursor.fetchall()}


def _row_count(connection: BaseDatabaseWrapper, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(connection, table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(
        path for path in root.rglob("*") if path.is_file() and not path.name.startswith(".upload-")
    )


@contextmanager
def _snapshot(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """One read transaction: on PostgreSQL repeatable read, on SQLite the write lock."""
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def backup_create(
    *,
    out: Path,
    using: str = DEFAULT_DB_ALIAS,
    progress: Bar | None = None,
) -> BackupSummary:
    """Write the database and MEDIA_ROOT to ``out``, with a manifest and checksums.

    The backup is recorded in the audit trail first, so the archive holds
    the entry of its own making.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        audit_record(
            acting_user=None,
            event_type=AuditEventType.BACKUP_CREATED,
            obj_type=BACKUP_OBJECT_TYPE,
            obj_id="",
            after={"format": FORMAT},
        )
    bar = progress or (lambda _label, _total: lambda _n: None)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "tables": {},
        "media": {},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="luohu-backup-") as scratch:
        work = Path(scratch)
        with _snapshot(connection):
            manifest["migrations"] = _migrations(connection)
            tables = [t for t in _tables(connection) if t not in NOT_COPIED]
            total = sum(_row_count(connection, t) for t in tables)
            step = bar("rows", total)
            for table in tables:
                columns = _columns(connection, table)
                member = (
                    f"tables/{table}.{'copy' if connection.vendor == 'postgresql' else 'jsonl'}"
                )
                path = work / member
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("wb") as handle:
                    rows = _dump_table(connection, table, columns, handle, step)
                manifest["tables"][table] = {
                    "member": member,
                    "columns": columns,
                    "rows": rows,
                    "sha256": _sha256_file(path),
                }
            manifest["sequences"] = _sequences(connection)
            report = audit_chain_verify()
            manifest["audit"] = {"entries": report.count, "head": report.head_hash}
        media_root = Path(settings.MEDIA_ROOT)
        files = _media_files(media_root)
        for file in files:
            relative = file.relative_to(media_root).as_posix()
            manifest["media"][relative] = {
                "size": file.stat().st_size,
                "sha256": _sha256_file(file),
            }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, MANIFEST, manifest_bytes)
                _add_bytes(
                    archive, MANIFEST_SUM, hashlib.sha256(manifest_bytes).hexdigest().encode()
                )
                for entry in manifest["tables"].values():
                    archive.add(work / entry["member"], arcname=entry["member"])
                step = bar("files", len(files))
                for file in files:
                    archive.add(file, arcname=f"media/{file.relative_to(media_root).as_posix()}")
                    step(1)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return BackupSummary(
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        files=len(files),
        audit_entries=manifest["audit"]["entries"],
        audit_head=manifest["audit"]["head"],
    )


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def archive_read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    """The manifest, after checking it against its own checksum."""
    manifest_bytes = _member_bytes(archive, MANIFEST)
    expected = _member_bytes(archive, MANIFEST_SUM).decode("ascii", "replace").strip()
    if hashlib.sha256(manifest_bytes).hexdigest() != expected:
        raise BackupError(BACKUP_CHECKSUM_MISMATCH, member=MANIFEST)
    try:
        manifest: dict[str, Any] = json.loads(manifest_bytes)
    except ValueError as exc:
        raise BackupError(BACKUP_ARCHIVE_UNREADABLE, detail=MANIFEST) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(BACKUP_FORMAT_UNKNOWN, format=manifest.get("format"))
    return manifest


def _member_bytes(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        handle = archive.extractfile(name)
    except KeyError:
        raise BackupError(BACKUP_MEMBER_MISSING, member=name) from None
    if handle is None:
        raise BackupError(BACKUP_MEMBER_MISSING, member=name)
    return handle.read()


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(BACKUP_ARCHIVE_UNREADABLE, detail=type(exc).__name__) from exc


def archive_verify(path: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Check every member of the archive against the manifest; return the manifest."""
    step = progress or (lambda _n: None)
    expected: dict[str, str] = {}
    try:
        with _open(path) as archive:
            manifest = archive_read_manifest(archive)
            for entry in manifest["tables"].values():
                expected[entry["member"]] = entry["sha256"]
            for relative, entry in manifest["media"].items():
                expected[f"media/{relative}"] = entry["sha256"]
            seen: set[str] = set()
            for info in archive:
                if info.name in (MANIFEST, MANIFEST_SUM):
                    continue
                if info.name not in expected or not info.isfile():
                    raise BackupError(BACKUP_ARCHIVE_UNREADABLE, detail=info.name)
                handle = archive.extractfile(info)
                digest = hashlib.sha256()
                while handle is not None and (chunk := handle.read(CHUNK)):
                    digest.update(chunk)
                    step(len(chunk))
                if digest.hexdigest() != expected[info.name]:
                    raise BackupError(BACKUP_CHECKSUM_MISMATCH, member=info.name)
                seen.add(info.name)
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(BACKUP_MEMBER_MISSING, member=missing[0])
    except (OSError, tarfile.TarError, EOFError, UnicodeDecodeError) as exc:
        raise BackupError(BACKUP_ARCHIVE_UNREADABLE, detail=type(exc).__name__) from exc
    return manifest


def database_refuse_if_not_empty(connection: BaseDatabaseWrapper) -> None:
    for table in _tables(connection):
        if table in NOT_COPIED or table in MIGRATE_FILLED:
            continue
        rows = _row_count(connection, table)
        if rows:
            raise BackupError(RESTORE_DATABASE_NOT_EMPTY, table=table, rows=rows)


def _load_table(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[str],
    handle: IO[bytes],
    progress: Progress,
) -> None:
    quoted = ", ".join(_quote(connection, c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {_quote(connection, table)} ({quoted}) FROM STDIN"
            with cursor.copy(sql) as copy:
                while chunk := handle.read(CHUNK):
                    copy.write(chunk)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {_quote(connection, table)} ({quoted}) VALUES ({placeholders})"  # noqa: S608
        batch: list[list[Any]] = []
        for line in handle:
            batch.append([_decode_sqlite(v) for v in json.loads(line)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                progress(len(batch))
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            progress(len(batch))


def _restore_sequences(connection: BaseDatabaseWrapper, sequences: dict[str, int]) -> None:
    with connection.cursor() as cursor:
        for name, value in sequences.items():
            if connection.vendor == "postgresql":
                cursor.execute("SELECT setval(%s, %s, true)", [_quote(connection, name), value])
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, value]
                )


def _media_restore(
    archive: tarfile.TarFile, manifest: dict[str, Any], created: list[Path], progress: Progress
) -> None:
    root = Path(settings.MEDIA_ROOT).resolve()
    for relative, entry in manifest["media"].items():
        target = (root / relative).resolve()
        if root not in target.parents:
            raise BackupError(BACKUP_ARCHIVE_UNREADABLE, detail=relative)
        if target.exists():
            if _sha256_file(target) != entry["sha256"]:
                raise BackupError(RESTORE_MEDIA_CONFLICT, path=relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = archive.extractfile(f"media/{relative}")
        if handle is None:
            raise BackupError(BACKUP_MEMBER_MISSING, member=f"media/{relative}")
        temporary = target.with_name(f".upload-{secrets.token_hex(8)}")
        try:
            with temporary.open("wb") as out:
                while chunk := handle.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
            created.append(target)
        finally:
            temporary.unlink(missing_ok=True)
        progress(1)


def backup_restore(
    *,
    source: Path,
    using: str = DEFAULT_DB_ALIAS,
    progress: Bar | None = None,
) -> BackupSummary:
    """Restore an archive into an empty, migrated database and MEDIA_ROOT.

    All or nothing: the checksums are checked first; tables, sequences and
    files go in together and are undone if anything fails, including an
    audit chain that does not verify afterwards.
    """
    bar = progress or (lambda _label, _total: lambda _n: None)
    connection = connections[using]
    manifest = archive_verify(source, bar("bytes", None))
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            RESTORE_VENDOR_MISMATCH, source=manifest["vendor"], target=connection.vendor
        )
    here = {tuple(m) for m in _migrations(connection)}
    there = {tuple(m) for m in manifest["migrations"]}
    if here != there:
        detail = ", ".join(
            [f"+{a}.{n}" for a, n in sorted(here - there)]
            + [f"-{a}.{n}" for a, n in sorted(there - here)]
        )
        raise BackupError(RESTORE_MIGRATIONS_MISMATCH, detail=detail[:300])
    database_refuse_if_not_empty(connection)
    created: list[Path] = []
    total = sum(t["rows"] for t in manifest["tables"].values())
    try:
        with _open(source) as archive, transaction.atomic(using=using):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                else:
                    cursor.execute("PRAGMA defer_foreign_keys = ON")
                for table in sorted(MIGRATE_FILLED & set(manifest["tables"]), reverse=True):
                    cursor.execute(f"DELETE FROM {_quote(connection, table)}")  # noqa: S608
            step = bar("rows", total)
            for table, entry in manifest["tables"].items():
                handle = archive.extractfile(entry["member"])
                if handle is None:
                    raise BackupError(BACKUP_MEMBER_MISSING, member=entry["member"])
                _load_table(connection, table, entry["columns"], handle, step)
            _restore_sequences(connection, manifest["sequences"])
            report = audit_chain_verify()
            if report.broken is not None:
                raise BackupError(
                    RESTORE_CHAIN_BROKEN,
                    sequence=report.broken.sequence,
                    problem_zh=report.broken.problem_zh,
                    problem_en=report.broken.problem_en,
                )
            _media_restore(archive, manifest, created, bar("files", len(manifest["media"])))
            audit_record(
                acting_user=None,
                event_type=AuditEventType.BACKUP_RESTORED,
                obj_type=BACKUP_OBJECT_TYPE,
                obj_id="",
                after={
                    "format": FORMAT,
                    "created_at": manifest["created_at"],
                    "entries": manifest["audit"]["entries"],
                    "head": manifest["audit"]["head"],
                },
            )
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return BackupSummary(
        tables=len(manifest["tables"]),
        rows=total,
        files=len(manifest["media"]),
        audit_entries=manifest["audit"]["entries"],
        audit_head=manifest["audit"]["head"],
    )
