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

from django.db.models import Func, IntegerField, QuerySet, Subquery

# Rows a section shows: a screenful, as each row may carry a form; the rest are behind the
# section's link. At 100,000 customers a supervisor had 8,133 remedies awaiting approval, all
# drawn on one page (11 MB, 16 s); at 20 rows a section My day still drew some 150 rows.
SHOWN = 10


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


def first_rows(queryset: QuerySet, limit: int = SHOWN) -> tuple[list, int]:
    """Return the first ``limit`` rows of an ordered queryset and how many rows it has.

    One query. The count is a subquery of the bare filter, run once by the database: a window
    count (as crm/inbox.py uses for its few rows) would first join every matching row to what
    the list shows, 8,000 remedies with their complaints and customers for a supervisor.
    """
    count = (
        queryset.order_by()
        .annotate(section_count=Func("pk", function="COUNT", output_field=IntegerField()))
        .values("section_count")
    )
    rows = list(queryset.annotate(section_total=Subquery(count))[:limit])
    return rows, (rows[0].section_total if rows else 0)


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
