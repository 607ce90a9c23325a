"""Extension points through which the apps above `customers` show their part of a customer.

`complaints` and `onboarding` register providers in their AppConfig.ready(); `customers` never
imports them. Every provider must run a constant number of queries whatever the data size.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q


@dataclass(frozen=True)
class TimelineEntry:
    """One event in a customer's history."""

    when: datetime
    kind: str  # short machine name, e.g. "interaction", "follow_up", "complaint"
    title: str
    detail: str = ""
    url: str = ""
    badge: str = ""  # a short label shown beside the title, e.g. a status
    tone: str = "secondary"  # Bootstrap colour name for the badge


@dataclass(frozen=True)
class HealthFact:
    """One line of a customer's health panel, e.g. "Open complaints: 2"."""

    label: str
    value: str | int
    tone: str = "secondary"
    url: str = ""


@dataclass(frozen=True)
class CustomerAction:
    """A button on a customer's page that leads into another app, e.g. "Log a complaint"."""

    label: str
    url: str
    style: str = "outline-primary"  # Bootstrap button variant


TimelineProvider = Callable[["object", int], Iterable[TimelineEntry]]
HealthProvider = Callable[["object"], Iterable[HealthFact]]
OpenWorkProvider = Callable[[], Q]
ActionProvider = Callable[["object", "object"], Iterable[CustomerAction]]

timeline_providers: list[TimelineProvider] = []
health_providers: list[HealthProvider] = []
open_work_providers: list[OpenWorkProvider] = []
action_providers: list[ActionProvider] = []


def register_timeline(provider: TimelineProvider) -> TimelineProvider:
    """Add a provider called as provider(customer, limit) for the customer's timeline."""
    if provider not in timeline_providers:
        timeline_providers.append(provider)
    return provider


def register_health(provider: HealthProvider) -> HealthProvider:
    """Add a provider called as provider(customer) for the customer's health panel."""
    if provider not in health_providers:
        health_providers.append(provider)
    return provider


def register_open_work(provider: OpenWorkProvider) -> OpenWorkProvider:
    """Add a provider of a Q on Customer that is true when the app has open work for them."""
    if provider not in open_work_providers:
        open_work_providers.append(provider)
    return provider


def register_action(provider: ActionProvider) -> ActionProvider:
    """Add a provider called as provider(customer, user) for buttons on the customer's page."""
    if provider not in action_providers:
        action_providers.append(provider)
    return provider


def actions_for(customer, user) -> list[CustomerAction]:
    """Return the buttons other apps offer on the customer's page for this user."""
    return [action for provider in action_providers for action in provider(customer, user)]


def timeline_for(customer, limit: int = 300) -> list[TimelineEntry]:
    """Return the customer's newest events from every registered provider, newest first."""
    entries = [entry for provider in timeline_providers for entry in provider(customer, limit)]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def health_for(customer) -> list[HealthFact]:
    """Return the health facts every registered provider knows about the customer."""
    return [fact for provider in health_providers for fact in provider(customer)]


def open_work_condition() -> Q:
    """Return a Q on Customer true when any app has open work for the customer."""
    condition = Q(pk__in=[])
    for provider in open_work_providers:
        condition |= provider()
    return condition
