"""One-file backups: every row of every model and the data folder, in a portable tar.gz.

The database part is written model by model as JSON lines of Django's serialised form, read
inside one snapshot transaction (REPEATABLE READ, READ ONLY on PostgreSQL; a deferred read
transaction on SQLite, which in WAL mode does not block writers). It is therefore portable
between SQLite and PostgreSQL. ``manifest.json``, the last member, records the Steward version,
the applied migrations, the row count of every table and the sha256 of every other member.
``steward.core.restore`` reads it back. See docs/administration/backup.md.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise
from django.utils.translation import gettext as _

FORMAT = "steward-backup"
FORMAT_VERSION = 1
CHUNK = 2000
MANIFEST = "manifest.json"
# Never copied from the data folder: the live database, rebuilt caches and earlier backups.
EXCLUDED_DIRS = frozenset({"static", "prometheus", "backups"})
EXCLUDED_SUFFIXES = (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".sqlite3-journal")


class BackupError(Exception):
    """A backup cannot be written or an archive cannot be trusted; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    rows: int
    tables: int
    files: int
    size: int


class Encoder(json.JSONEncoder):
    """Like DjangoJSONEncoder, but keeps microseconds (which it truncates to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, dt.timedelta):
            return duration_iso_string(o)
        if isinstance(o, decimal.Decimal | uuid.UUID | Promise):
            return str(o)
        return super().default(o)


def steward_version() -> str:
    try:
        return metadata.version("steward")
    except metadata.PackageNotFoundError:
        return "unknown"


def backed_up_models() -> list[type[models.Model]]:
    """Concrete, managed models (M2M tables included) in dependency order: a model comes after
    the models its foreign keys point to, except inside cycles (constraints are deferred)."""
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed
        and not m._meta.proxy
        and not m._meta.swapped
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, m)
    ]
    candidates.sort(key=lambda m: m._meta.label_lower)
    deps = {
        m: {
            f.remote_field.model._meta.concrete_model
            for f in m._meta.local_concrete_fields
            if f.remote_field is not None and f.remote_field.model._meta.concrete_model is not m
        }
        & set(candidates)
        for m in candidates
    }
    ordered: list[type[models.Model]] = []
    remaining = list(candidates)
    while remaining:
        ready = [m for m in remaining if deps[m] <= set(ordered)] or remaining[:1]
        for m in ready:
            ordered.append(m)
            remaining.remove(m)
    return ordered


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def serialised_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.local_fields if getattr(f, "serialize", True)]


@contextmanager
def read_snapshot(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Every query inside sees the same committed state of the whole database.

    Inside a caller's transaction (tests, or a wrapping atomic block) that transaction is the
    snapshot: its isolation level can no longer be changed.
    """
    connection = connections[alias]
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT count(*) FROM sqlite_master")  # takes the read snapshot
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic(using=alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def dump_model(model: type[models.Model], out: IO[bytes], alias: str = DEFAULT_DB_ALIAS) -> int:
    """Writes the rows of ``model`` as JSON lines, ``CHUNK`` rows in memory at a time."""
    fields = serialised_fields(model)
    rows = 0
    queryset = model._base_manager.using(alias).order_by("pk")
    chunk: list[models.Model] = []

    def flush() -> None:
        for item in serializers.serialize("python", chunk, fields=fields):
            out.write(
                json.dumps(item, cls=Encoder, ensure_ascii=False, sort_keys=True).encode() + b"\n"
            )
        chunk.clear()

    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        rows += 1
        if len(chunk) >= CHUNK:
            flush()
    flush()
    return rows


def data_files(output: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every file to keep: ``data/...`` for the data folder,
    ``media/...`` for attachments (MEDIA_ROOT may live outside the data folder)."""
    data_dir = Path(settings.DATA_DIR).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    skip = {output.resolve()} if output else set()
    for prefix, root in (("media", media_root), ("data", data_dir)):
        if not root.is_dir():
            continue
        for folder, dirs, names in os.walk(root):
            here = Path(folder)
            dirs[:] = sorted(
                d
                for d in dirs
                if (here / d).resolve() != media_root
                and not (here == data_dir and d in EXCLUDED_DIRS)
            )
            for name in sorted(names):
                path = here / name
                if name.endswith(EXCLUDED_SUFFIXES) or path in skip or not path.is_file():
                    continue
                yield f"{prefix}/{path.relative_to(root).as_posix()}", path


class _HashingReader:
    """Hashes exactly the bytes tarfile copies into the archive."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data


def _add(
    tar: tarfile.TarFile, name: str, raw: IO[bytes], size: int, mtime: float
) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    reader = _HashingReader(raw)
    tar.addfile(info, reader)
    return {"sha256": reader.sha.hexdigest(), "size": size}


def default_output() -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"steward-{stamp}.tar.gz"


def backup_create(*, output: Path | None = None, alias: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Writes the archive to ``output.partial`` and renames it when complete.

    Raises BackupError if the output cannot be written.
    """
    output = (output or default_output()).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    # The archive holds the secret key, password hashes and tokens: private from the first
    # byte, not only once complete.
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "steward_version": steward_version(),
        "engine": connections[alias].vendor,
        "migrations": {},
        "tables": [],
        "files": {},
    }
    try:
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            with read_snapshot(alias):
                manifest["migrations"] = applied_migrations(alias)
                existing = set(connections[alias].introspection.table_names())
                for model in backed_up_models():
                    if model._meta.db_table not in existing:  # not migrated yet: no rows
                        continue
                    name = f"db/{label(model)}.jsonl"
                    with tempfile.TemporaryFile(dir=output.parent) as spool:
                        rows = dump_model(model, spool, alias)
                        size = spool.seek(0, os.SEEK_END)
                        spool.seek(0)
                        manifest["files"][name] = _add(tar, name, spool, size, time.time())
                    manifest["tables"].append(
                        {"model": label(model), "table": model._meta.db_table, "rows": rows}
                    )
            for name, path in data_files(output=partial):
                with path.open("rb") as raw:
                    stat = path.stat()
                    manifest["files"][name] = _add(tar, name, raw, stat.st_size, stat.st_mtime)
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
            tar.addfile(info, io.BytesIO(body))
        partial.chmod(0o600)
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(_("Cannot write the backup: %(error)s") % {"error": exc}) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=output,
        rows=sum(t["rows"] for t in manifest["tables"]),
        tables=len(manifest["tables"]),
        files=sum(1 for n in manifest["files"] if not n.startswith("db/")),
        size=output.stat().st_size,
    )
