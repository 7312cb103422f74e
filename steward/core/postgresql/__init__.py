"""Django's PostgreSQL backend with Steward's one change (``compiler.SQLInsertCompiler``):
``STEWARD_DATABASE_URL=postgres://…`` selects it (settings)."""
