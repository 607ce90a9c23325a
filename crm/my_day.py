"""My day's registry: each app contributes its sections of the signed-in person's work.

The apps register providers in their AppConfig.ready() (``customers/my_day.py``,
``complaints/my_day.py``, ``onboarding/my_day.py``); this module imports none of them. A
provider is called as ``provider(user, now)`` and returns its sections in display order; the
page shows the providers by their ``order``. A section hands over its rows as a queryset in
display order, unevaluated, and the registry reads them: every section's keys, and so its
count, in one query, then the first ``SHOWN`` rows of each section that has any. My day runs
the same queries for 5 items and for 5,000, and is the same size.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet, prefetch_related_objects

from crm.paging import count_display

# Rows a section shows: the most urgent few, as each row may carry a form; the rest are behind
# the section's link. At 100,000 customers a supervisor had 8,133 remedies awaiting approval,
# all drawn on one page (11 MB, 16 s); at 20 rows a section My day still drew some 150 rows,
# and at 10 a busy person's eight sections were 80 rows on a phone and 45 ms to draw.
SHOWN = 5

# A section's count stops here, as a badge does: "100+". My day is a glance at what waits; the
# full list counts further. Reading a busy person's 1,001 keys of open complaints or onboarding
# steps, to say "1,000+", was 5 to 7 ms a section at 100,000 customers.
COUNT_LIMIT = 100


@dataclass
class Section:
    """One list on My day: a title, the first rows, their total and the link to all of them.

    A provider gives either ``rows``, every row the section stands for in display order (the
    registry fills ``items`` and ``total``), or ``items`` and ``total`` it read itself.
    """

    key: str
    title: str
    item_template: str
    rows: QuerySet | Callable[[], QuerySet] | None = None
    # The keys of ``rows`` in no order, where a query of their own finds them faster (say, by
    # a UNION of index ranges that no filter on ``rows`` reads as well); else read from rows.
    # With keys given, rows may be a function that makes the queryset, called only when there
    # are rows to show: building it is then spared for the many whose section is empty.
    keys: QuerySet | None = None
    items: list = field(default_factory=list)
    empty_text: str = ""
    # Every row the section stands for, shown or not; None means the rows shown are all.
    total: int | None = None
    more_url: str = ""
    # May hold "%(count)s", the section's figure as count_display shows it.
    more_label: str = ""
    # A section of rare news (a handoff declined) is left out while it has nothing to say.
    hide_when_empty: bool = False
    # Lookups prefetched for the rows shown, together with other sections' rows of the model.
    prefetch: tuple[str, ...] = ()

    def __post_init__(self):
        if callable(self.rows) and self.keys is None:
            raise ValueError(f"Section {self.key!r}: rows made by a function need keys given.")

    @property
    def count(self) -> int:
        """Return the section's figure: its total, else the number of rows shown."""
        return len(self.items) if self.total is None else self.total

    @property
    def count_display(self) -> str:
        """Return the figure for people: "12", or "100+" where counting stopped."""
        return count_text(self.count)

    @property
    def more_text(self) -> str:
        """Return the link's words, with the section's figure where they name it."""
        return str(self.more_label) % {"count": self.count_display}


def count_text(total: int) -> str:
    """Return a section's total for people: "12", or "100+" where counting stopped."""
    return count_display(total, COUNT_LIMIT)


def capped_keys(querysets: list[QuerySet]) -> list[list]:
    """Return the keys of each queryset's rows, at most one past COUNT_LIMIT, in one query.

    Each reads its keys in no order through whichever index suits its filter; one statement
    holds them all, a scalar subquery each that gathers its keys (an array on PostgreSQL, a
    list in text on SQLite). Their number is the section's count, and when they are all there
    they are what the first rows are chosen among. A busy person's ten sections read one query
    each were a third of My day: ten round trips, each with its own cursor and results.
    """
    if not querysets:
        return []
    alias = querysets[0].db
    gather = (
        "ARRAY(SELECT pk FROM ({}) AS keys_{})"
        if connections[alias].vendor == "postgresql"
        else "(SELECT group_concat(pk) FROM ({}) AS keys_{})"
    )
    selects, params, empty = [], [], set()
    for number, queryset in enumerate(querysets):
        if queryset.db != alias:
            raise ValueError("My day reads the rows of one database at a time.")
        keys = queryset.order_by().values("pk")[: COUNT_LIMIT + 1]
        try:
            sql, keys_params = keys.query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:  # a filter that matches nothing by construction, e.g. pk__in=[]
            empty.add(number)
            continue
        selects.append(gather.format(sql, number))
        params.extend(keys_params)
    gathered = iter([])
    if selects:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(selects), params)
            gathered = iter(cursor.fetchone())
    return [
        [] if number in empty else _key_list(next(gathered)) for number in range(len(querysets))
    ]


def _key_list(gathered) -> list:
    if isinstance(gathered, str):  # SQLite's "12,13,20"
        return gathered.split(",")
    return list(gathered or [])


def first_of(queryset: QuerySet, keys: list, limit: int = SHOWN) -> list:
    """Return the first ``limit`` rows of an ordered queryset whose keys capped_keys read.

    One query, planned for what it does. With all the keys there, among them: a sort of a few
    rows, whichever index found them. Past COUNT_LIMIT, straight down the order's index, since
    then matching rows come soon. One query that only filtered and sorted walked the order's
    index past every row that did not match: a person of small authority, 8,000 remedies
    waiting and none theirs to decide, paid 17 ms for none.

    Past COUNT_LIMIT, SQLite finds the first rows' keys in a subquery that reads the keys
    alone: it reads an OR of conditions through one index and sorts what it found, and sorting
    8,000 remedies with their complaints and customers joined took 86 ms where sorting their
    keys takes 25. PostgreSQL walks the order's index either way, and compiling and planning
    the subquery cost it up to 1 ms a section.
    """
    if not keys:
        return []
    if len(keys) <= COUNT_LIMIT:
        return list(queryset.filter(pk__in=keys)[:limit])
    if connections[queryset.db].vendor == "postgresql":
        return list(queryset[:limit])
    return list(queryset.filter(pk__in=queryset.values("pk")[:limit])[:limit])


def first_rows(queryset: QuerySet, limit: int = SHOWN) -> tuple[list, int]:
    """Return the first ``limit`` rows of an ordered queryset and how many rows it has,
    counted up to one past COUNT_LIMIT (``count_text`` shows that as "100+"): two queries."""
    (keys,) = capped_keys([queryset])
    return first_of(queryset, keys, limit), len(keys)


def read_rows(sections: list[Section]) -> None:
    """Fill the sections that gave ``rows``: their keys and totals in one query, then the first
    rows of each that has any, then each model's prefetched lookups once for all sections."""
    pending = [section for section in sections if section.rows is not None]
    gathered = capped_keys(
        [section.rows if section.keys is None else section.keys for section in pending]
    )
    shown_by_lookups = defaultdict(list)
    for section, keys in zip(pending, gathered, strict=True):
        section.total = len(keys)
        if keys and callable(section.rows):
            section.rows = section.rows()
        section.items = first_of(section.rows, keys)
        if section.prefetch and section.items:
            shown_by_lookups[(section.rows.model, section.prefetch)].extend(section.items)
    for (_model, lookups), shown in shown_by_lookups.items():
        prefetch_related_objects(shown, *lookups)


# How long a declined handoff stays on its sender's My day unless they act on it first.
RETURNED_DAYS = 14


SectionProvider = Callable[[object, datetime], Iterable[Section]]

# (order, provider); kept sorted by order.
_providers: list[tuple[int, SectionProvider]] = []


def register_section(provider: SectionProvider, *, order: int) -> SectionProvider:
    """Add a provider of My day sections, shown after every provider of a lower order."""
    if all(known is not provider for _order, known in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda entry: entry[0])
    return provider


def sections_for(user, now: datetime) -> list[Section]:
    """Return the person's My day sections, in display order, their rows read."""
    sections = [section for _order, provider in _providers for section in provider(user, now)]
    read_rows(sections)
    return sections
