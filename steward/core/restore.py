"""Restore a ``steward backup`` archive into an empty installation.

Order: unpack into a staging folder and verify every sha256 (a damaged archive stops here,
before anything changes); refuse a target that already holds data; migrate; in one
transaction replace the rows migrations create (content types, permissions, default
schedules) with the archive's, keeping their ids so generic foreign keys stay valid, and
insert every row with its primary key, in dependency order; check foreign keys; reset
PostgreSQL sequences; then move the files into place. Rows are inserted raw, as loaddata
does: no signals, no audit rows, ``auto_now`` dates kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from steward.core.backup import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    backed_up_models,
    label,
)

# Tables ``migrate`` and its post_migrate hooks fill (content types, permissions, default
# schedules and their audit rows). An installation holding rows only there counts as empty;
# the archive's rows replace them, same ids, so generic foreign keys stay valid.
SETUP_MODELS = frozenset(
    {
        "auth.permission",
        "contenttypes.contenttype",
        "core.schedule",
        "core.auditentry",
        "django_tasks_database.dbtaskresult",
    }
)
PREFIXES = ("db", "data", "media")


@dataclass(frozen=True)
class RestoreResult:
    rows: int
    tables: int
    files: int
    manifest: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack(archive: Path, staging: Path) -> dict[str, Any]:
    """Extracts ``archive`` into ``staging`` and returns its verified manifest.

    Raises BackupError if the archive is unreadable, truncated, not a Steward backup, or any
    member differs from the manifest.
    """
    if not archive.is_file():
        raise BackupError(_("No archive at %(path)s.") % {"path": archive})
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                parts = PurePosixPath(member.name).parts
                ok = member.name == MANIFEST or (len(parts) > 1 and parts[0] in PREFIXES)
                if not ok or not member.isfile() or ".." in parts:
                    raise BackupError(
                        _("Unexpected member %(name)s in the archive.") % {"name": member.name}
                    )
            tar.extractall(staging, members=members, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(
            _("The archive %(path)s is damaged or truncated (%(error)s); nothing was changed.")
            % {"path": archive, "error": exc}
        ) from exc
    try:
        manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("The archive has no readable manifest: it is truncated or not a Steward backup.")
        ) from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(_("This is not a Steward backup of a format this version can read."))
    if not _manifest_shape_ok(manifest):
        raise BackupError(_("The archive's manifest is incomplete; nothing was changed."))
    listed = set(manifest["files"])
    present = {m.name for m in members} - {MANIFEST}
    if present != listed:
        missing = sorted(listed - present)[:5] or sorted(present - listed)[:5]
        raise BackupError(
            _("The archive does not match its manifest (%(names)s); nothing was changed.")
            % {"names": ", ".join(missing)}
        )
    for name, meta in sorted(manifest["files"].items()):
        path = staging / name
        if path.stat().st_size != meta["size"] or _sha256(path) != meta["sha256"]:
            raise BackupError(
                _("%(name)s in the archive is corrupted (sha256 mismatch); nothing was changed.")
                % {"name": name}
            )
    for table in manifest["tables"]:
        if f"db/{table['model']}.jsonl" not in listed:
            raise BackupError(_("The rows of %(model)s are missing.") % {"model": table["model"]})
    return manifest


def check_migrations(manifest: dict[str, Any]) -> None:
    """The archive must come from a database at exactly this code's migrations, since rows
    are loaded through today's models. Raises BackupError naming the difference."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    here = {key for key in loader.disk_migrations if key[0] in loader.migrated_apps}
    there = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    there = {key for key in there if key[0] in loader.migrated_apps}
    newer, older = sorted(there - here), sorted(here - there)
    if newer:
        raise BackupError(
            _(
                "The archive was made by a newer Steward (%(version)s, migrations %(names)s). "
                "Upgrade this installation first."
            )
            % {"version": manifest["steward_version"], "names": _names(newer)}
        )
    if older:
        raise BackupError(
            _(
                "The archive was made by an older Steward (%(version)s, without %(names)s). "
                "Restore it with that version, then upgrade."
            )
            % {"version": manifest["steward_version"], "names": _names(older)}
        )


def _names(keys: list[tuple[str, str]]) -> str:
    return ", ".join(f"{app}.{name}" for app, name in keys[:5])


def row_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[type[models.Model], int]:
    existing = set(connections[alias].introspection.table_names())
    return {
        model: model._base_manager.using(alias).count()
        for model in backed_up_models()
        if model._meta.db_table in existing
    }


def ensure_empty(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Refuses a target with data: rows outside SETUP_MODELS, audit entries of a person, or
    files in the attachment folder. Raises BackupError."""
    from steward.core.models import AuditEntry

    counts = row_counts(alias)
    found = [
        f"{model._meta.db_table} ({count})"
        for model, count in counts.items()
        if count and label(model) not in SETUP_MODELS
    ]
    if counts.get(AuditEntry) and AuditEntry.objects.using(alias).exclude(actor=None).exists():
        found.append(AuditEntry._meta.db_table)
    if found:
        raise BackupError(
            _(
                "The target database already holds data: %(tables)s. Restore only into an empty "
                "installation (a new STEWARD_DATA_DIR or database); nothing was changed."
            )
            % {"tables": ", ".join(found[:8])}
        )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(
            _("The attachment folder %(path)s is not empty; nothing was changed.") % {"path": media}
        )


def load_model(model: type[models.Model], path: Path, alias: str) -> int:
    """Inserts the rows of one JSON lines file, ``CHUNK`` at a time, keeping primary keys."""
    rows = 0
    batch: list[dict[str, Any]] = []
    with path.open("rb") as fh:
        for line in fh:
            batch.append(json.loads(line))
            if len(batch) >= CHUNK:
                rows += _insert(model, batch, alias)
                batch = []
    if batch:
        rows += _insert(model, batch, alias)
    return rows


def _insert(model: type[models.Model], rows: list[dict[str, Any]], alias: str) -> int:
    objs = []
    for item in serializers.deserialize("python", rows, using=alias):
        if type(item.object) is not model:
            raise BackupError(
                _("A row of another model sits among %(model)s rows.") % {"model": label(model)}
            )
        objs.append(item.object)
    fields = list(model._meta.local_concrete_fields)
    size = max(1, connections[alias].ops.bulk_batch_size(fields, objs))
    manager: Any = model._base_manager.using(alias)
    for start in range(0, len(objs), size):
        manager._insert(objs[start : start + size], fields=fields, using=alias, raw=True)
    return len(objs)


def load_rows(
    manifest: dict[str, Any], staging: Path, alias: str, log: Callable[[str], None]
) -> int:
    """All rows in one transaction; any error rolls every one of them back."""
    connection = connections[alias]
    loaded: list[type[models.Model]] = []
    total = 0
    with transaction.atomic(using=alias):
        setup = [model for model, count in row_counts(alias).items() if count]
        with connection.cursor() as cursor:
            for model in reversed(setup):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for table in manifest["tables"]:
            try:
                model = apps.get_model(table["model"])
            except LookupError as exc:
                raise BackupError(
                    _("This installation has no model %(model)s.") % {"model": table["model"]}
                ) from exc
            rows = load_model(model, staging / "db" / f"{table['model']}.jsonl", alias)
            if rows != table["rows"]:
                raise BackupError(
                    _("%(model)s: %(rows)s rows in the archive, %(expected)s in the manifest.")
                    % {"model": table["model"], "rows": rows, "expected": table["rows"]}
                )
            loaded.append(model)
            total += rows
            if rows:
                log(f"{table['model']}: {rows}")
        connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
        statements = connection.ops.sequence_reset_sql(no_style(), loaded)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return total


def place_files(manifest: dict[str, Any], staging: Path) -> int:
    roots = {"data": Path(settings.DATA_DIR), "media": Path(settings.MEDIA_ROOT)}
    count = 0
    for name in sorted(manifest["files"]):
        prefix, _sep, rest = name.partition("/")
        if prefix not in roots:
            continue
        target = roots[prefix] / rest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staging / name, target)
        if prefix == "data":
            target.chmod(0o600)
        count += 1
    return count


def _manifest_shape_ok(manifest: Any) -> bool:
    """The keys and types the restore reads, checked before anything is read from them."""
    try:
        return (
            isinstance(manifest["files"], dict)
            and all(
                isinstance(m, dict) and {"sha256", "size"} <= set(m)
                for m in manifest["files"].values()
            )
            and isinstance(manifest["migrations"], dict)
            and isinstance(manifest["steward_version"], str)
            and all(
                isinstance(t["model"], str) and isinstance(t["rows"], int)
                for t in manifest["tables"]
            )
        )
    except (KeyError, TypeError):
        return False


def restore_archive(
    *,
    archive: Path,
    alias: str = DEFAULT_DB_ALIAS,
    log: Callable[[str], None] = print,
    verify_only: bool = False,
) -> RestoreResult:
    """Raises BackupError (nothing changed) if the archive or the target is not fit."""
    staging_root = Path(settings.DATA_DIR) / "backups"
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=staging_root))
    try:
        manifest = unpack(archive.resolve(), staging)
        check_migrations(manifest)
        if verify_only:
            return _result(manifest, sum(t["rows"] for t in manifest["tables"]))
        fresh = not row_counts(alias)
        if not fresh:
            ensure_empty(alias)
        _migrate(alias)  # on a fresh database, every row it writes is setup data
        try:
            rows = load_rows(manifest, staging, alias, log)
        except (DatabaseError, DeserializationError, ValueError) as exc:
            raise BackupError(
                _("The rows could not be loaded (%(error)s); the database was rolled back.")
                % {"error": exc}
            ) from exc
        # Content types of models the archive did not know, if any, with fresh ids.
        _migrate(alias)
        place_files(manifest, staging)
        return _result(manifest, rows)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _migrate(alias: str) -> None:
    # System checks of unrelated apps must not stop a disaster recovery.
    call_command("migrate", interactive=False, verbosity=0, database=alias, skip_checks=True)


def _result(manifest: dict[str, Any], rows: int) -> RestoreResult:
    files = sum(1 for name in manifest["files"] if not name.startswith("db/"))
    return RestoreResult(rows=rows, tables=len(manifest["tables"]), files=files, manifest=manifest)
