from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "steward.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from steward.knowledge import policies, registration

        policies.register()
        registration.register()
        post_migrate.connect(_search_index, sender=self, dispatch_uid="knowledge_search_index")


def _search_index(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    """SQLite rebuilds a table on some schema changes and drops its triggers with it: make
    sure the search table and its triggers are there after every ``migrate``."""
    from django.db import connections

    from steward.knowledge import fts

    connection = connections[using]
    if connection.vendor != "sqlite":
        return  # PostgreSQL keeps its index through schema changes; the migration made it
    if "knowledge_article" in connection.introspection.table_names():
        fts.install(connection)
