"""Pages of a long list that cost the same at any depth: keyset ("seek") pagination.

A page is the rows after (or before) a row already shown, in the list's order, found by a
comparison on the order's columns that an index on those columns answers by seeking. Numbered
pages (OFFSET) read and throw away every row before the page: at 100,000 complaints the last page
cost four times the first. So the links are first, previous, next and last, each a cursor in
the query string next to the list's filters; and the count stops at ``COUNT_LIMIT``.

A core module: it imports no app.
"""

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import ExpressionList
from django.db.models.lookups import Lookup
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.http import urlencode

PAGE_SIZE = 25
# Counting stops here: past it a list says "1,000+", and counting costs no more at any size.
COUNT_LIMIT = 1000
# The query parameters that say which page; every other parameter (the filters) is kept.
CURSOR_PARAMETERS = ("after", "before", "last", "page")


class RowComparison(Lookup):
    """``(a, b, …) > (x, y, …)``: one comparison of a row of columns with a row of values.

    PostgreSQL answers it with one seek into an index on (a, b, …), where the equivalent
    ``a > x OR (a = x AND b > y)`` makes it scan from the first tied row. A lookup rather than a
    plain expression, which Django would compare with true (``(…) > (…) = 1`` on SQLite), and
    no index serves that.
    """

    lookup_name = "row_comparison"

    def __init__(self, columns: Sequence, values: Sequence, operator: str):
        self.operator = operator
        super().__init__(ExpressionList(*columns), ExpressionList(*values))

    @property
    def identity(self):
        return (*super().identity, self.operator)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"({lhs}) {self.operator} ({rhs})", (*lhs_params, *rhs_params)


@dataclass(frozen=True)
class _Key:
    """One column of the list's order: the field, its name, and whether it descends."""

    name: str
    field: object
    descending: bool

    @property
    def ordering(self) -> str:
        return f"-{self.name}" if self.descending else self.name


def _keys(queryset: QuerySet) -> list[_Key]:
    """Return the queryset's order as keys, ending with the primary key so no two rows tie."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys = []
    for item in ordering:
        if not isinstance(item, str) or "__" in item or item.lstrip("-") == "?":
            raise ValueError(f"A keyset page needs plain fields of the model to order by: {item}")
        name = item.lstrip("-")
        meta = queryset.model._meta
        field = meta.pk if name == "pk" else meta.get_field(name)
        attname = "pk" if name == "pk" else field.attname
        if getattr(field, "generated", False):
            # A column the database computes reads and compares as its output field.
            field = field.output_field
        keys.append(_Key(attname, field, item.startswith("-")))
    if not keys or keys[-1].name != "pk":
        descending = keys[-1].descending if keys else False
        keys.append(_Key("pk", queryset.model._meta.pk, descending))
    return keys


def _rows_beyond(ordered: QuerySet, keys: list[_Key], values: list, *, forward: bool, limit: int):
    """Return up to ``limit`` rows after (forward) or before the row with these values.

    ``ordered`` is in the direction of travel. One row comparison where the database seeks it
    on every column; else one range per key, each a seek (equal on the keys before it, past
    the cursor on its own), read in order until the page is full. SQLite seeks a row
    comparison on its first column only and then reads every row tied on it: at 100,000
    complaints, half of them share "no deadline ahead".
    """
    directions = {key.descending for key in keys}
    vendor = connections[ordered.db].vendor
    if len(directions) == 1 and vendor != "sqlite":
        later = forward != directions.pop()
        columns = [F(key.name) for key in keys]
        literals = [
            Value(value, output_field=key.field) for key, value in zip(keys, values, strict=True)
        ]
        condition = RowComparison(columns, literals, ">" if later else "<")
        return list(ordered.filter(condition)[:limit])
    rows: list = []
    for position in reversed(range(len(keys))):
        key = keys[position]
        later = forward != key.descending
        condition = Q(**{f"{key.name}__{'gt' if later else 'lt'}": values[position]})
        for previous, value in zip(keys[:position], values[:position], strict=True):
            condition &= Q(**{previous.name: value})
        rows.extend(ordered.filter(condition)[: limit - len(rows)])
        if len(rows) >= limit:
            break
    return rows


def encode_cursor(keys_or_queryset, row) -> str:
    """Return the cursor that points at a row of the list."""
    keys = keys_or_queryset if isinstance(keys_or_queryset, list) else _keys(keys_or_queryset)
    values = []
    for key in keys:
        value = getattr(row, key.name)
        values.append(value.isoformat() if isinstance(value, datetime) else str(value))
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_cursor(keys: list[_Key], cursor: str) -> list | None:
    """Return the values a cursor holds, or None for anything that is not a cursor of this list."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        raw = json.loads(text)
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(raw, list) or len(raw) != len(keys):
        return None
    values = []
    for key, item in zip(keys, raw, strict=True):
        if not isinstance(item, str) or "\x00" in item or len(item) > 1000:
            return None
        try:
            value = key.field.to_python(item)
        except (ValidationError, ValueError, OverflowError):
            return None
        if isinstance(value, datetime) and value.tzinfo is None:
            return None
        values.append(value)
    return values


@dataclass
class KeysetPage:
    """One page of a list: its rows, a capped count, and the links to the pages around it."""

    rows: list
    count: int
    count_limit: int
    has_previous: bool
    has_next: bool
    first_url: str = ""
    previous_url: str = ""
    next_url: str = ""
    last_url: str = ""

    def __iter__(self) -> Iterator:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.count_limit

    @property
    def count_display(self) -> str:
        """Return the count for people: "1,234", or "1,000+" past the limit."""
        return count_display(self.count, self.count_limit)


def count_display(count: int, limit: int = COUNT_LIMIT) -> str:
    """Return a capped count for people: "1,234", or "1,000+" when it is past ``limit``."""
    if count > limit:
        return f"{number_format(limit, force_grouping=True)}+"
    return number_format(count, force_grouping=True)


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    size: int = PAGE_SIZE,
    count_limit: int = COUNT_LIMIT,
) -> KeysetPage:
    """Return the page of the ordered queryset that the request's cursor asks for.

    The queryset's order must be plain fields of its model; the primary key is added as the
    last key. A cursor that is not one of this list's (edited, stale, another order) gives
    the first page.
    """
    keys = _keys(queryset)
    ordered = queryset.order_by(*[key.ordering for key in keys])
    reverse = queryset.order_by(*[f"{'' if key.descending else '-'}{key.name}" for key in keys])
    after = _decode_cursor(keys, request.GET.get("after", ""))
    before = _decode_cursor(keys, request.GET.get("before", "")) if after is None else None

    if after is not None:
        rows = _rows_beyond(ordered, keys, after, forward=True, limit=size + 1)
        has_previous, has_next = True, len(rows) > size
        rows = rows[:size]
    elif before is not None or request.GET.get("last"):
        rows = (
            list(reverse[: size + 1])
            if before is None
            else _rows_beyond(reverse, keys, before, forward=False, limit=size + 1)
        )
        has_previous, has_next = len(rows) > size, before is not None
        # Near the start a page backwards may come out short; filling it up would show rows of
        # the page just left a second time.
        rows = rows[:size][::-1]
    else:
        rows = list(ordered[: size + 1])
        has_previous, has_next = False, len(rows) > size
        rows = rows[:size]

    if has_previous or has_next:
        count = queryset.order_by().values("pk")[: count_limit + 1].count()
    else:  # the page holds every row: they are the count, and a query is spared
        count = len(rows)
    page = KeysetPage(rows, count, count_limit, has_previous, has_next)
    params = request.GET.copy()
    for name in CURSOR_PARAMETERS:
        params.pop(name, None)
    filters = list(params.lists())

    def link(**cursor) -> str:
        query = urlencode([*filters, *cursor.items()], doseq=True)
        return f"?{query}" if query else request.path

    if rows and has_previous:
        page.first_url = link()
        page.previous_url = link(before=encode_cursor(keys, rows[0]))
    if rows and has_next:
        page.next_url = link(after=encode_cursor(keys, rows[-1]))
        page.last_url = link(last=1)
    return page
