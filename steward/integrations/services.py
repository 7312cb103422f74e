"""Imports: upload a file, preview it as a job, then apply it as a job.

Applying is all or nothing unless the user asked for valid rows only; either way every row
goes through ``steward.core.services`` (permission-checked, validated, audited as a task).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.core.export import xlsx_bytes
from steward.core.jobs import JobReporter, job_handler, job_start
from steward.core.registry import ImportResource, import_resources
from steward.integrations import bulk, readers
from steward.integrations.importing import Importer, RowOutcome, check_header, required_columns
from steward.integrations.models import ImportBatch, ImportStatus

MAX_LISTED_ERRORS = 1000
MAX_LISTED_ROWS = 500


def import_resources_for(user: Any) -> list[ImportResource]:
    """The resources this user may import: those whose model they may add or change."""
    return [
        r
        for r in import_resources.values()
        if permissions.can(user, "add", r.model) or permissions.can(user, "change", r.model)
    ]


def import_resource_get(*, name: str, user: Any) -> ImportResource:
    resource = import_resources.get(name)
    if resource is None:
        raise ValidationError({"resource": [_("Unknown import resource %(r)s.") % {"r": name}]})
    if resource not in import_resources_for(user):
        raise PermissionDenied(_("You may not import %(r)s.") % {"r": name})
    return resource


def import_template(*, resource: ImportResource, fmt: str) -> bytes:
    """An empty file with the header row (required columns first)."""
    required = required_columns(resource)
    header = required + [c.field for c in resource.columns if c.field not in required]
    if fmt == "xlsx":
        return xlsx_bytes(header, [], title=resource.name)
    buffer = io.StringIO()
    csv.writer(buffer).writerow(header)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@transaction.atomic
def import_batch_create(
    *,
    resource: str,
    upload: Any,
    actor: Any,
    dry_run: bool = True,
    valid_rows_only: bool = False,
) -> ImportBatch:
    """Stores the file and starts its preview (or, without dry run, its application).

    Raises ValidationError for a file that cannot be read at all (empty, too big, wrong
    encoding, damaged, wrong columns) and PermissionDenied for a resource the actor may not
    import."""
    permissions.ensure(actor, "add", ImportBatch)
    spec = import_resource_get(name=resource, user=actor)
    if upload is None:
        raise ValidationError({"file": [_("Choose a file to upload.")]})
    if (upload.size or 0) > readers.max_bytes():
        raise readers.ImportFileError(
            _("The file is larger than %(mb).1f MB.") % {"mb": readers.max_bytes() / 1024 / 1024}
        )
    content = upload.read()
    name = (upload.name or "import").rsplit("/", 1)[-1][:200]
    fmt = readers.detect_format(name, content)
    table = readers.read_table(content, fmt)
    check_header(spec, table.header)
    batch = ImportBatch(
        resource=spec.name,
        file_name=name,
        format=fmt,
        valid_rows_only=valid_rows_only,
        created_by=actor,
    )
    batch.file.save(name, ContentFile(content), save=False)
    batch.full_clean()
    batch.save()
    if dry_run:
        _start(batch, "integrations.import_preview", _("Check import of %(f)s"), actor)
    else:
        _start(batch, "integrations.import_apply", _("Import %(f)s"), actor)
    return batch


@transaction.atomic
def import_batch_apply(*, batch: ImportBatch, actor: Any, valid_rows_only: bool) -> ImportBatch:
    """Confirms a checked batch. Raises ValidationError when it is not ready or its preview
    found bad rows and the actor did not ask to apply the valid rows only."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != getattr(actor, "pk", None) and not permissions.has_role(
        actor, permissions.Role.ADMIN
    ):
        raise PermissionDenied(_("Only the person who uploaded this import may apply it."))
    import_resource_get(name=batch.resource, user=actor)
    if batch.status != ImportStatus.CHECKED:
        raise ValidationError(
            _("This import cannot be applied now (%(s)s).") % {"s": batch.get_status_display()}
        )
    if batch.summary.get("invalid") and not valid_rows_only:
        raise ValidationError(
            _("The check found bad rows. Fix the file, or apply the valid rows only.")
        )
    if not batch.summary.get("created") and not batch.summary.get("updated"):
        raise ValidationError(_("There is nothing to apply."))
    batch.valid_rows_only = valid_rows_only
    batch.save(update_fields=["valid_rows_only", "updated_at"])
    _start(batch, "integrations.import_apply", _("Import %(f)s"), actor)
    return batch


def _start(batch: ImportBatch, handler: str, title: str, actor: Any) -> None:
    job = job_start(
        handler=handler,
        name=title % {"f": batch.file_name},
        arguments={"batch_id": batch.pk},
        user=actor,
    )
    applying = handler.endswith("apply")
    batch.status = ImportStatus.APPLYING if applying else ImportStatus.CHECKING
    if applying:
        batch.apply_job = job
    else:
        batch.preview_job = job
    batch.save(update_fields=["status", "apply_job", "preview_job", "updated_at"])


# Jobs ----------------------------------------------------------------------------------


def _summary(batch: ImportBatch, outcomes: list[RowOutcome], applied: bool) -> dict[str, Any]:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "invalid": 0}
    errors: list[dict[str, Any]] = []
    for o in outcomes:
        counts[o.action] = counts.get(o.action, 0) + 1
        errors.extend(o.errors)
    return {
        "resource": batch.resource,
        "total": len(outcomes),
        **counts,
        "applied": applied,
        "errors": errors[:MAX_LISTED_ERRORS],
        "errors_total": len(errors),
        "rows": [
            {"row": o.row, "action": o.action, "key": o.key, "changes": o.changes}
            for o in outcomes[:MAX_LISTED_ROWS]
        ],
    }


def _finish(batch: ImportBatch, status: str, summary: dict[str, Any], error: str = "") -> None:
    batch.status, batch.summary, batch.error = status, summary, error
    batch.save(update_fields=["status", "summary", "error", "updated_at"])


def _load(batch_id: int, user: Any) -> tuple[ImportBatch, ImportResource, Importer, list[Any]]:
    batch = ImportBatch.objects.get(pk=batch_id)
    resource = import_resource_get(name=batch.resource, user=user)
    with batch.file.open("rb") as handle:
        content = handle.read()
    table = readers.read_table(content, batch.format)
    check_header(resource, table.header)
    rows = list(table.rows)
    return batch, resource, Importer(resource, user, table.header), rows


def _every(total: int) -> int:
    return max(1, total // 50)


def _check(
    importer: Importer, rows: list[Any], reporter: JobReporter, offset: int = 0
) -> list[bulk.Checked]:
    """Every row's outcome (and, where rows are checked set-wise, the object to write)."""
    total = len(rows) + offset
    checked: list[bulk.Checked] = []
    if bulk.supported(importer):
        for start in range(0, len(rows), bulk.CHUNK):
            checked.extend(bulk.check(importer, rows[start : start + bulk.CHUNK]))
            reporter.progress(len(checked), total, _("Checking rows"))
        return checked
    for index, (number, cells) in enumerate(rows, start=1):
        checked.append(bulk.Checked(importer.preview(number, cells)))
        if index % _every(len(rows)) == 0:
            reporter.progress(index, total, _("Checking rows"))
    return checked


@contextmanager
def _failing_batch(batch_id: int) -> Iterator[None]:
    """An unexpected crash marks the batch failed (the job keeps the traceback's last line)."""
    try:
        yield
    except Exception:
        ImportBatch.objects.filter(
            pk=batch_id, status__in=[ImportStatus.CHECKING, ImportStatus.APPLYING]
        ).update(status=ImportStatus.FAILED, error=_("The import stopped on an internal error."))
        raise


@job_handler("integrations.import_preview")
def run_import_preview(*, reporter: JobReporter, user: Any, batch_id: int) -> dict[str, Any]:
    with _failing_batch(batch_id):
        return _preview(reporter, user, batch_id)


@job_handler("integrations.import_apply")
def run_import_apply(*, reporter: JobReporter, user: Any, batch_id: int) -> dict[str, Any]:
    with _failing_batch(batch_id):
        return _apply(reporter, user, batch_id)


def _preview(reporter: JobReporter, user: Any, batch_id: int) -> dict[str, Any]:
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        batch, _resource, importer, rows = _load(batch_id, user)
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(getattr(exc, "messages", [str(exc)]))
        _finish(batch, ImportStatus.FAILED, {"file_error": message}, message)
        return {"file_error": message}
    reporter.progress(0, len(rows), _("Checking rows"))
    outcomes = [c.outcome for c in _check(importer, rows, reporter)]
    summary = _summary(batch, outcomes, applied=False)
    reporter.progress(len(rows), len(rows), _("Checked"))
    _finish(batch, ImportStatus.CHECKED, summary)
    return summary


def _apply(reporter: JobReporter, user: Any, batch_id: int) -> dict[str, Any]:
    """Checks every row again (the data may have changed), then writes. All or nothing unless
    the batch says valid rows only; progress counts both passes."""
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        batch, resource, checker, rows = _load(batch_id, user)
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(getattr(exc, "messages", [str(exc)]))
        _finish(batch, ImportStatus.FAILED, {"file_error": message}, message)
        return {"file_error": message}
    total = 2 * len(rows)
    checked = _check(checker, rows, reporter, offset=len(rows))
    bad = {c.outcome.row for c in checked if c.outcome.errors}
    if bad and not batch.valid_rows_only:
        summary = _summary(batch, [c.outcome for c in checked], applied=False)
        _finish(batch, ImportStatus.FAILED, summary, _("Nothing was imported: rows have errors."))
        return summary
    reporter.progress(len(rows), total, _("Writing rows"))
    importer = Importer(resource, user, checker.header)
    set_based = any(c.obj is not None for c in checked)
    outcomes: list[RowOutcome] = []
    with transaction.atomic() if not batch.valid_rows_only else nullcontext():
        step = bulk.CHUNK if set_based else _every(len(rows))
        for start in range(0, len(rows), step):
            part = list(zip(rows[start : start + step], checked[start : start + step], strict=True))
            if set_based:
                outcomes.extend(_write_chunk(importer, part))
            else:
                outcomes.extend(
                    _skip(c.outcome) if c.outcome.errors else _write(importer, number, cells)
                    for (number, cells), c in part
                )
            reporter.progress(len(rows) + start + len(part), total, _("Writing rows"))
        if any(o.errors for o in outcomes) and not batch.valid_rows_only:
            transaction.set_rollback(True)
    failed = any(o.errors for o in outcomes) and not batch.valid_rows_only
    summary = _summary(batch, outcomes, applied=not failed)
    reporter.progress(total, total, _("Done"))
    if failed:
        _finish(batch, ImportStatus.FAILED, summary, _("Nothing was imported: rows have errors."))
    else:
        _finish(batch, ImportStatus.APPLIED, summary)
    return summary


def _skip(outcome: RowOutcome) -> RowOutcome:
    outcome.action = "invalid"
    return outcome


def _write(importer: Importer, number: int, cells: list[str]) -> RowOutcome:
    """One row in its own savepoint, so that a failed row leaves the others usable."""
    return _in_savepoint(lambda: importer.apply(number, cells))


def _in_savepoint(write: Callable[[], RowOutcome]) -> RowOutcome:
    sid = transaction.savepoint() if transaction.get_connection().in_atomic_block else None
    outcome = write()
    if sid is not None:
        if outcome.errors:
            transaction.savepoint_rollback(sid)
        else:
            transaction.savepoint_commit(sid)
    return outcome


def _write_chunk(
    importer: Importer, part: list[tuple[tuple[int, list[str]], bulk.Checked]]
) -> list[RowOutcome]:
    """New rows of a chunk in bulk, changed rows one by one through the services. When the
    database refuses the bulk write (a key taken since the check, an object the user could
    not see once written), the chunk is written again row by row for precise errors."""
    try:
        bulk.create(importer, [c for _row, c in part if c.obj is not None and c.existing is None])
    except (IntegrityError, bulk.OutOfScope):
        return [
            _skip(c.outcome) if c.obj is None else _write(importer, number, cells)
            for (number, cells), c in part
        ]
    outcomes = []
    for _row, c in part:
        if c.obj is None:
            outcomes.append(_skip(c.outcome))
        elif c.existing is not None and c.outcome.changes:
            outcomes.append(_in_savepoint(partial(importer.write, c.outcome, c.data, c.existing)))
        else:
            outcomes.append(c.outcome)
    return outcomes
