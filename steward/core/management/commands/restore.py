from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from steward.core.backup import BackupError
from steward.core.restore import restore_archive


def _quiet(message: str) -> None:
    pass


class Command(BaseCommand):
    # A backup or a restore must work even while an unrelated system check fails.
    requires_system_checks: list[str] = []
    help = (
        "Restore a `steward backup` archive into an empty installation (migrates first). "
        "Refuses a database that already holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help=("Only check the archive (sha256 of every member, migrations); change nothing."),
        )

    def handle(self, *args: Any, archive: Path, verify_only: bool, **options: Any) -> None:
        log: Callable[[str], None] = print if options["verbosity"] > 1 else _quiet
        try:
            result = restore_archive(archive=archive, log=log, verify_only=verify_only)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        values = {
            "version": result.manifest["steward_version"],
            "created": result.manifest["created_at"],
            "rows": result.rows,
            "tables": result.tables,
            "files": result.files,
        }
        if verify_only:
            message = _(
                "The archive is intact: Steward %(version)s, made %(created)s, %(rows)s rows in "
                "%(tables)s tables, %(files)s files."
            )
        else:
            message = _(
                "Restored Steward %(version)s backup made %(created)s: %(rows)s rows in "
                "%(tables)s tables, %(files)s files."
            )
        self.stdout.write(self.style.SUCCESS(message % values))
