from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q

from customers import extensions
from customers.extensions import HealthFact, TimelineEntry
from customers.models import Customer
from tests.factories import CustomerFactory

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _empty_registries(monkeypatch):
    # Apps register their providers at start-up; each test sees only the ones it registers, and
    # the real lists come back afterwards.
    monkeypatch.setattr(extensions, "timeline_providers", [])
    monkeypatch.setattr(extensions, "health_providers", [])
    monkeypatch.setattr(extensions, "open_work_providers", [])


def entry(kind: str, hours: int) -> TimelineEntry:
    return TimelineEntry(when=START + timedelta(hours=hours), kind=kind, title=f"{kind} {hours}")


# Registering


def test_registering_returns_the_provider_so_it_can_be_a_decorator():
    def provider(customer, limit):
        return []

    assert extensions.register_timeline(provider) is provider
    assert extensions.timeline_providers == [provider]


@pytest.mark.parametrize(
    ("register", "registry"),
    [
        ("register_timeline", "timeline_providers"),
        ("register_health", "health_providers"),
        ("register_open_work", "open_work_providers"),
    ],
)
def test_registering_the_same_provider_twice_keeps_it_once(register, registry):
    def provider(*args):
        return []

    getattr(extensions, register)(provider)
    getattr(extensions, register)(provider)

    assert getattr(extensions, registry) == [provider]


# timeline_for


def test_timeline_without_providers_is_empty():
    assert extensions.timeline_for(object()) == []


def test_timeline_merges_every_provider_newest_first():
    extensions.register_timeline(lambda customer, limit: [entry("complaint", 1), entry("x", 5)])
    extensions.register_timeline(lambda customer, limit: [entry("onboarding", 3)])

    timeline = extensions.timeline_for(object())

    assert [item.title for item in timeline] == ["x 5", "onboarding 3", "complaint 1"]


def test_timeline_keeps_only_the_newest_entries_up_to_the_limit():
    extensions.register_timeline(lambda customer, limit: [entry("a", hour) for hour in (1, 4)])
    extensions.register_timeline(lambda customer, limit: [entry("b", hour) for hour in (2, 3)])

    timeline = extensions.timeline_for(object(), limit=3)

    assert [item.title for item in timeline] == ["a 4", "b 3", "b 2"]


def test_timeline_asks_each_provider_for_the_customer_and_the_limit():
    calls = []

    @extensions.register_timeline
    def provider(customer, limit):
        calls.append((customer, limit))
        return []

    customer = object()
    extensions.timeline_for(customer, limit=25)

    assert calls == [(customer, 25)]


def test_timeline_asks_for_three_hundred_entries_by_default():
    extensions.register_timeline(
        lambda customer, limit: [entry("a", hour) for hour in range(limit + 10)]
    )

    assert len(extensions.timeline_for(object())) == 300


# health_for


def test_health_lists_every_providers_facts_in_registration_order():
    extensions.register_health(lambda customer: [HealthFact("Open complaints", 2, "danger")])
    extensions.register_health(
        lambda customer: [HealthFact("Onboarding", "step 3 of 5"), HealthFact("Handoffs", 0)]
    )

    facts = extensions.health_for(object())

    assert [fact.label for fact in facts] == ["Open complaints", "Onboarding", "Handoffs"]


# open_work_condition


@pytest.mark.django_db
def test_open_work_condition_without_providers_matches_no_customer():
    CustomerFactory.create_batch(2)

    assert not Customer.objects.filter(extensions.open_work_condition()).exists()


@pytest.mark.django_db
def test_open_work_condition_matches_customers_any_provider_has_open_work_for():
    first, second, idle = CustomerFactory.create_batch(3)
    extensions.register_open_work(lambda: Q(pk=first.pk))
    extensions.register_open_work(lambda: Q(pk=second.pk))

    matched = Customer.objects.filter(extensions.open_work_condition())

    assert set(matched) == {first, second}
    assert idle not in matched
