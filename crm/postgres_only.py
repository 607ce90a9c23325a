"""A migration step that runs SQL on PostgreSQL only (trigram indexes and the like).

SQLite has no pg_trgm and no GIN; Tend's migrations that add such indexes declare their
statements and hand them to ``postgresql_only``, which skips them on any other database.

A core module: it imports no app.
"""

from django.db import migrations


def postgresql_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """Return a reversible operation that executes these statements on PostgreSQL only."""
    return migrations.RunPython(_executing(forward), _executing(backward))


def _executing(statements: list[str]):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation
