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

from django.db.models import IntegerField, QuerySet, Subquery

from crm.paging import COUNT_LIMIT, count_display

# Rows a section shows: the most urgent few, as each row may carry a form; the rest are behind
# the section's link. At 100,000 customers a supervisor had 8,133 remedies awaiting approval,
# all drawn on one page (11 MB, 16 s); at 20 rows a section My day still drew some 150 rows,
# and at 10 a busy person's eight sections were 80 rows on a phone and 45 ms to draw.
SHOWN = 5


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

    @property
    def count(self) -> int:
        """Return the section's figure: its total, else the number of rows shown."""
        return len(self.items) if self.total is None else self.total

    @property
    def count_display(self) -> str:
        """Return the figure for people: "12", or "1,000+" where counting stopped."""
        return count_text(self.count)


def count_text(total: int) -> str:
    """Return a section's total for people: "12", or "1,000+" where counting stopped."""
    return count_display(total, COUNT_LIMIT)


class CappedCount(Subquery):
    """``(SELECT COUNT(*) FROM (<the rows> LIMIT n))``: a count that stops at n rows.

    At 100,000 customers a busy person had 5,000 follow-ups overdue: counting them all read
    5,000 rows for a badge that says "1,000+" past COUNT_LIMIT anyway.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"

    def __init__(self, queryset: QuerySet, limit: int):
        super().__init__(queryset.order_by().values("pk")[:limit], output_field=IntegerField())


def first_rows(queryset: QuerySet, limit: int = SHOWN) -> tuple[list, int]:
    """Return the first ``limit`` rows of an ordered queryset and how many rows it has,
    counted up to one past COUNT_LIMIT (``count_display`` shows that as "1,000+").

    One query. The count is a subquery of the bare filter, run once by the database: a window
    count (as crm/inbox.py uses for its few rows) would first join every matching row to what
    the list shows, 8,000 remedies with their complaints and customers for a supervisor.
    """
    total = CappedCount(queryset, COUNT_LIMIT + 1)
    rows = list(queryset.annotate(section_total=total)[:limit])
    return rows, (rows[0].section_total if rows else 0)


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
