"""Full-text index of tickets: FTS5 with triggers on SQLite, a trigger-kept tsvector column
under a GIN index on PostgreSQL. The SQL lives in ``steward.servicedesk.search``."""

from django.db import migrations


def install(apps, schema_editor):
    from steward.servicedesk import search

    search.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from steward.servicedesk import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0002_default_priority_matrix")]
    operations = [migrations.RunPython(install, uninstall)]
