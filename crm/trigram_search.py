"""Substring search through an index on both databases: "contains, in any case".

PostgreSQL serves ``icontains`` through pg_trgm GIN indexes (the apps' migrations add them).
SQLite has no such index, and its ``LIKE '%…%'`` reads every row: a search at 100,000
customers read 300,000 names, 100,000 complaints' words and 500,000 follow-up subjects
(about 200 ms). There, each searched set of columns gets an FTS5 table with the trigram
tokenizer, which finds a substring of three characters or more through its index, in any
case. The FTS5 table holds the index only: its text is read from the model's table
("external content"), and triggers keep the index in step with every insert, update and
delete.

The apps declare what they search (``register``, from their AppConfig.ready()), and
``ensure_sqlite_indexes`` makes the tables and triggers after every migrate rather than in a
migration: on SQLite, Django alters a table by copying it to a new one, which drops its
triggers, and an index whose triggers are gone would answer from stale text. A table that
lacked any of them is rebuilt from the model's rows.

A core module: it imports no app.
"""

from functools import cache, reduce
from operator import or_

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

# Below three characters a trigram index cannot help; such queries read the table.
TRIGRAM = 3

# {(model label, columns): FTS5 table name}
_searched: dict[tuple[str, tuple[str, ...]], str] = {}


def register(model, *columns: str) -> None:
    """Declare that ``containing(queryset of model, query, *columns)`` is served by an index."""
    _searched[(model._meta.label, columns)] = f"{model._meta.db_table}_trigram"


def containing(
    queryset: QuerySet, query: str, *columns: str, lookup: str = "icontains"
) -> QuerySet:
    """Keep the rows where any of the columns contains the query, in any case.

    ``lookup`` is what other databases are asked: "contains" for a column stored folded
    (its PostgreSQL index is on the column itself, not on its upper case).
    """
    table = _searched.get((queryset.model._meta.label, columns))
    if table is not None and len(query) >= TRIGRAM and _sqlite_trigram(queryset.db):
        # A phrase of trigrams is a substring; inside double quotes nothing is an operator.
        phrase = '"' + query.replace('"', '""') + '"'
        # The table's name is Tend's own; the query goes in as a parameter.
        sql = f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s'  # noqa: S608
        return queryset.filter(pk__in=RawSQL(sql, [phrase]))  # noqa: S611
    condition = reduce(or_, (Q(**{f"{column}__{lookup}": query}) for column in columns))
    return queryset.filter(condition)


def ensure_sqlite_indexes(using="default", **kwargs) -> None:
    """Make each declared FTS5 table and its triggers where missing (post_migrate, SQLite)."""
    if not _sqlite_trigram(using):
        return
    from django.apps import apps

    connection = connections[using]

    with connection.cursor() as cursor:
        for (label, columns), table in _searched.items():
            model = apps.get_model(label)
            statements = _statements(model._meta.db_table, model._meta.pk.column, table, columns)
            names = [name for name, _sql in statements]
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = {row[0] for row in cursor.fetchall()} & set(names)
            if present == set(names):
                continue
            for name, sql in statements:
                if name not in present:
                    cursor.execute(sql)
            rebuild = f'INSERT INTO "{table}"("{table}") VALUES (\'rebuild\')'  # noqa: S608
            cursor.execute(rebuild)


@cache
def _sqlite_trigram(using: str) -> bool:
    """Tell whether the database is a SQLite with FTS5 and its trigram tokenizer (3.34+).

    Python's SQLite nearly always has them; one without keeps searching by reading the table.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version(), sqlite_compileoption_used('ENABLE_FTS5')")
        version, fts5 = cursor.fetchone()
    return bool(fts5) and tuple(int(part) for part in version.split(".")[:2]) >= (3, 34)


def _statements(source: str, key: str, table: str, columns: tuple[str, ...]) -> list:
    """Return (name, CREATE statement) of the FTS5 table and its three triggers.

    Every name in them is one of Tend's tables or columns, never input.
    """
    listed = ", ".join(f'"{column}"' for column in columns)
    new = ", ".join(f'new."{column}"' for column in columns)
    old = ", ".join(f'old."{column}"' for column in columns)
    add = f'INSERT INTO "{table}"(rowid, {listed}) VALUES (new."{key}", {new});'  # noqa: S608
    remove = (
        f'INSERT INTO "{table}"("{table}", rowid, {listed}) '  # noqa: S608
        f"VALUES ('delete', old.\"{key}\", {old});"
    )
    return [
        (
            table,
            f'CREATE VIRTUAL TABLE "{table}" USING fts5({listed}, content="{source}", '
            f"content_rowid=\"{key}\", tokenize='trigram')",
        ),
        (
            f"{table}_insert",
            f'CREATE TRIGGER "{table}_insert" AFTER INSERT ON "{source}" BEGIN {add} END',
        ),
        (
            f"{table}_delete",
            f'CREATE TRIGGER "{table}_delete" AFTER DELETE ON "{source}" BEGIN {remove} END',
        ),
        (
            f"{table}_update",
            f'CREATE TRIGGER "{table}_update" AFTER UPDATE OF {listed} ON "{source}" '
            f"BEGIN {remove} {add} END",
        ),
    ]
