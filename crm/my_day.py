"""My day's registry: each app contributes its sections of the signed-in person's work.

The apps register providers in their AppConfig.ready() (``customers/my_day.py``,
``complaints/my_day.py``, ``onboarding/my_day.py``); this module imports none of them. A
provider is called as ``provider(user, now)`` and returns its sections in display order; the
page shows the providers by their ``order``. Every provider must run a constant number of
queries whatever the data size, and every section shows at most ``SHOWN`` rows with its
total and a link to the full list: My day is the same size for 5 items and for 5,000.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

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
    """One list on My day: a title, the first rows, their total and the link to all of them."""

    key: str
    title: str
    items: list
    item_template: str
    empty_text: str = ""
    # Every row the section stands for, shown or not; None means the rows shown are all.
    total: int | None = None
    more_url: str = ""
    more_label: str = ""
    # A section of rare news (a handoff declined) is left out while it has nothing to say.
    hide_when_empty: bool = False

    @property
    def count(self) -> int:
        """Return the section's figure: its total, else the number of rows shown."""
        return len(self.items) if self.total is None else self.total

    @property
    def count_display(self) -> str:
        """Return the figure for people: "12", or "100+" where counting stopped."""
        return count_text(self.count)


def count_text(total: int) -> str:
    """Return a section's total for people: "12", or "100+" where counting stopped."""
    return count_display(total, COUNT_LIMIT)


def first_rows(queryset: QuerySet, limit: int = SHOWN) -> tuple[list, int]:
    """Return the first ``limit`` rows of an ordered queryset and how many rows it has,
    counted up to one past COUNT_LIMIT (``count_text`` shows that as "100+").

    Two short queries, each planned for what it does. First the keys of the matching rows, in
    no order and at most COUNT_LIMIT + 1 of them: the database finds them through whichever
    index suits the filter, and their number is the count. Then the first rows in the
    section's order: among those keys when they are all there, a sort of a few rows; straight
    down the order's index when there are more, since then matching rows come soon. One query
    that did both walked the order's index past every row that did not match: a person of
    small authority, 8,000 remedies waiting and none theirs to decide, paid 17 ms for none.

    Past COUNT_LIMIT the rows are those whose keys come first in order, found by a subquery
    that reads the keys alone: SQLite reads an OR of conditions through one index and sorts
    what it found, and sorting 8,000 remedies with their complaints and customers joined took
    86 ms where sorting their keys takes 25 (PostgreSQL walks the order's index either way).
    """
    keys = list(queryset.order_by().values_list("pk", flat=True)[: COUNT_LIMIT + 1])
    if not keys:
        return [], 0
    # Only a complete list of keys holds the first rows; past COUNT_LIMIT it is a sample.
    first = keys if len(keys) <= COUNT_LIMIT else queryset.values("pk")[:limit]
    return list(queryset.filter(pk__in=first)[:limit]), len(keys)


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
    """Return the person's My day sections, in display order."""
    return [section for _order, provider in _providers for section in provider(user, now)]
