"""My day's registry: each app contributes its sections of the signed-in person's work.

The apps register providers in their AppConfig.ready() (``customers/my_day.py``,
``complaints/my_day.py``, ``onboarding/my_day.py``); this module imports none of them. A
provider is called as ``provider(user, now)`` and returns its sections in display order; the
page shows the providers by their ``order``. Every provider must run a constant number of
queries whatever the data size.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Section:
    """One list on My day: a title, the rows, and the template that draws one row."""

    key: str
    title: str
    items: list
    item_template: str
    empty_text: str = ""
    context: dict = field(default_factory=dict)


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
