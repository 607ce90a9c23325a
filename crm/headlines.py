"""Headline figures: the few numbers an owner reads first, on My day's tiles and in the weekly
email, each leading into the /reports/ section it comes from.

A core module: it imports no app. The apps register providers in their AppConfig.ready()
(``complaints/headlines.py``, ``customers/headlines.py``); a provider is called as
``provider(period, now)`` and returns its headlines for the whole business, computed by the
same report functions as the page's sections, so a tile, the email and the page agree. Every
provider runs a constant number of aggregate queries.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from crm.reporting import Period
from crm.roles import OWNERS

# Tiles are figures of a week, not of the minute: computed at most this often per day.
TILE_CACHE_SECONDS = 300
# The tiles' period: the last seven days, today included.
TILE_DAYS = 7


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    # As people read it: "83.3 % (5 of 6)", "12", "n/a".
    value: str
    # The /reports/ section it comes from, for the link's anchor.
    section: str


HeadlineProvider = Callable[[Period, datetime], Iterable[Headline]]

# (order, provider); kept sorted by order.
_providers: list[tuple[int, HeadlineProvider]] = []


def register_headlines(provider: HeadlineProvider, *, order: int) -> HeadlineProvider:
    """Add a provider of headlines, shown after every provider of a lower order."""
    if all(known is not provider for _order, known in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda entry: entry[0])
    return provider


def headlines_for(period: Period, now: datetime) -> list[Headline]:
    """Return the business's headlines for the period, in display order."""
    return [headline for _order, provider in _providers for headline in provider(period, now)]


def report_url(period: Period, section: str = "") -> str:
    """Return the path of /reports/ showing the period, at the section when one is given."""
    if period.key == "custom":
        query = {
            "period": "custom",
            "date_from": period.first_day.isoformat(),
            "date_to": period.last_day.isoformat(),
        }
    else:
        query = {"period": period.key}
    anchor = f"#report-{section}" if section else ""
    return f"{reverse('crm:reports')}?{urlencode(query)}{anchor}"


def is_owner(user) -> bool:
    """Tell whether the person is an active Owner (one query, for staff users only)."""
    # Owners are staff (crm/roles.py); everyone else is spared the query.
    return user.is_active and user.is_staff and user.groups.filter(name=OWNERS).exists()


def owner_tiles(user, now: datetime | None = None) -> list[dict] | None:
    """Return My day's headline tiles for an owner, else None.

    Computed once per TILE_CACHE_SECONDS and day for all owners alike (the figures are the
    whole business's), so a busy morning of owners opening My day costs the report queries
    once; each tile links to its section of /reports/ for the same seven days.
    """
    if not is_owner(user):
        return None
    now = now or timezone.now()
    period = Period.last_days(TILE_DAYS, now=now)
    key = f"owner-tiles:{period.last_day.isoformat()}"
    headlines = cache.get(key)
    if headlines is None:
        headlines = headlines_for(period, now)
        cache.set(key, headlines, TILE_CACHE_SECONDS)
    return [
        {"headline": headline, "url": report_url(period, headline.section)}
        for headline in headlines
    ]
