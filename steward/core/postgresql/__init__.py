"""Django's PostgreSQL backend with Steward's two changes: small bulk INSERTs as VALUES
(``compiler.SQLInsertCompiler``) and times read by psycopg's C parser
(``base.UTCTimestamptzLoader``). ``STEWARD_DATABASE_URL=postgres://…`` selects it
(settings)."""
