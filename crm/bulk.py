"""Writing many new rows fast: PostgreSQL's COPY, SQLite's executemany.

Used by the synthetic data (seed_scale) and by the keep-in-touch planner, which plans tens of
thousands of follow-ups in one run at 100,000 customers.

``bulk_create`` compiles one INSERT per few hundred rows and prepares every value through the
ORM: at a million rows that is most of ``seed_scale``'s time, far more than the database takes
to store them. ``insert_rows`` writes the same unsaved instances (built by the services'
builders, so every value is the one a service would store) straight through the driver, and
sends no signals (no history either).

A core module: it imports no app.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import NotSupportedError, connections
from django.db.models import DateTimeField, ForeignKey, Model

# Fields whose stored value is the attribute's value as it is, on every database.
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def insert_rows(
    model: type[Model], rows: Iterable[Model], *, keys: bool = False, using: str = "default"
) -> int:
    """Insert the unsaved instances as new rows; return how many.

    With ``keys``, each instance without a primary key gets one first (see number_rows), so
    that rows inserted later can point at it.
    """
    connection = connections[using]
    rows = list(rows)
    if keys:
        number_rows(model, [row for row in rows if row.pk is None], using=using)
    fields = [
        field
        for field in model._meta.concrete_fields
        # The database computes a generated column and refuses a value for it.
        if not field.generated
        and (keys or not (field.primary_key and getattr(field, "db_returning", False)))
    ]
    readers = [_reader(field, connection) for field in fields]
    values = ([read(row) for read in readers] for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # The driver's own errors become Django's (IntegrityError …), as through any cursor.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # the driver's own: no per-statement logging or wrapping
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            # One statement run for every row: the driver loops, nothing is compiled twice.
            marks = ", ".join(["%s"] * len(fields))
            statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            raw.executemany(statement, list(values))
    for row in rows:
        row._state.adding, row._state.db = False, using
    return len(rows)


def insert_history(model: type[Model], pks: list, *, at, using: str = "default") -> None:
    """Write a "created" history row for each of the saved rows, as simple-history would.

    For rows written with insert_rows, which sends no signals. The database copies the tracked
    columns from the rows themselves in one statement: nothing is built in Python.
    """
    if not pks:
        return
    history = model.history.model
    connection = connections[using]
    quote = connection.ops.quote_name
    # A historical model keeps each tracked field under the original's column name.
    tracked = ", ".join(quote(field.column) for field in history.tracked_fields)
    marks = ", ".join(["%s"] * len(pks))
    statement = (
        f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608 (names quoted, values bound)
        f"({tracked}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {tracked}, %s, '', '+', NULL FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [connection.ops.adapt_datetimefield_value(at), *pks])


def number_rows(model: type[Model], rows: list[Model], *, using: str = "default") -> None:
    """Give each unsaved instance a new primary key of the model's table (not saved yet)."""
    connection = connections[using]
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise NotSupportedError("Numbering rows ahead needs PostgreSQL or SQLite.")
    if not rows:
        return
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Reserved from the sequence: safe beside anyone else inserting at the same time.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, len(rows)],
            )
            numbers = [number for (number,) in cursor.fetchall()]
        else:
            # SQLite: numbering on from the largest key is what SQLite itself would do. Inside
            # a transaction, which Tend begins IMMEDIATE on SQLite (crm/env.py), nobody else
            # writes between this read and the insert.
            quoted = connection.ops.quote_name
            cursor.execute(f"SELECT COALESCE(MAX({quoted(column)}), 0) FROM {quoted(table)}")  # noqa: S608
            last = cursor.fetchone()[0]
            numbers = range(last + 1, last + 1 + len(rows))
    for row, number in zip(rows, numbers, strict=True):
        row.pk = number


def _reader(field, connection) -> Callable[[Model], Any]:
    """Return a function giving the value to store for the field of an instance."""
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda row: field.get_db_prep_save(field.pre_save(row, add=True), connection)
    if isinstance(field, ForeignKey):
        # As bulk_create does: a related object saved after it was assigned gives its key now.
        def related_key(row: Model):
            value = getattr(row, attname)
            if value is None and field.is_cached(row):
                related = field.get_cached_value(row)
                value = related.pk if related is not None else None
            return value

        return related_key
    if field.get_internal_type() in PLAIN_TYPES:
        return lambda row: getattr(row, attname)
    if isinstance(field, DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        return lambda row: adapt(getattr(row, attname))
    return lambda row: field.get_db_prep_save(getattr(row, attname), connection)
