"""Full-text search: a GIN expression index on PostgreSQL, an FTS5 table kept by triggers on
SQLite (see ``steward.knowledge.fts``)."""

from django.db import migrations


def install(apps, schema_editor):
    from steward.knowledge import fts

    fts.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from steward.knowledge import fts

    fts.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
