from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from steward.core.backup import BackupError, backup_create


class Command(BaseCommand):
    # A backup or a restore must work even while an unrelated system check fails.
    requires_system_checks: list[str] = []
    help = "Write one archive (tar.gz) of the database and the data folder while the service runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help=("Archive path (default: DATA_DIR/backups/steward-<time>.tar.gz)."),
        )

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        try:
            result = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Backup written to %(path)s: %(rows)s rows in %(tables)s tables, %(files)s files, "
                "%(size)s bytes."
            )
            % {
                "path": result.path,
                "rows": result.rows,
                "tables": result.tables,
                "files": result.files,
                "size": result.size,
            }
        )
