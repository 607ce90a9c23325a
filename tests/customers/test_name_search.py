"""A word many customers share is found down the name index on PostgreSQL
(customers/name_search.py): the first customers and the count sorting every match would give,
without reading them all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers import name_search
from customers.models import Customer
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the walk down the name index is PostgreSQL's"
)


@pytest.fixture
def small_limits(monkeypatch):
    """A word counts as common past 4 matches; the walk reads 6 customers at most."""
    monkeypatch.setattr(name_search, "COMMON", 4)
    monkeypatch.setattr(name_search, "WALK", 6)


def current_by_name():
    return Customer.objects.current().by_name()


def sorted_answer(query: str, limit: int, count_limit: int):
    """What sorting every match gives: the first rows and the count up to the limit and one."""
    found = current_by_name().search(query)
    return list(found[:limit]), min(found.count(), count_limit + 1)


def found(query: str, limit: int = 2, count_limit: int = 3):
    return name_search.first_found(current_by_name(), query, limit=limit, count_limit=count_limit)


def walks(monkeypatch) -> list:
    """Record the rows each walk down the name index returned."""
    returned = []
    walk = name_search._walk_by_name

    def recording(*args, **kwargs):
        rows = walk(*args, **kwargs)
        returned.append(rows)
        return rows

    monkeypatch.setattr(name_search, "_walk_by_name", recording)
    return returned


@on_postgresql
def test_a_common_word_finds_the_first_customers_down_the_name_index(small_limits, monkeypatch):
    # Matched by their own names, by a contact's, by both; an archived one and others not.
    for name in ("Abbot Carter", "Baker", "Carter Bros", "Dunn", "Eve Carter", "Fox Carter"):
        CustomerFactory(name=name)
    for name in ("Gill Carter", "Hart Carter", "Zed Carter"):
        CustomerFactory(name=name)
    ContactFactory(customer=Customer.objects.get(name="Baker"), name="Jo Carter")
    ContactFactory(customer=Customer.objects.get(name="Eve Carter"), name="Al Carter")
    CustomerFactory(name="Aaron Carter", archived_at=timezone.now(), archived_by=UserFactory())
    walked = walks(monkeypatch)

    rows, count = found("carter")

    assert [customer.name for customer in rows] == ["Abbot Carter", "Baker"]
    assert (rows, count) == sorted_answer("carter", limit=2, count_limit=3)
    assert count == 4  # "3+": more than the limit
    assert walked == [rows]


@on_postgresql
def test_the_walk_stops_at_its_last_customer_and_the_matches_are_sorted(small_limits, monkeypatch):
    # Seven customers before any match: the walk of six finds none and the sort takes over.
    for number in range(7):
        CustomerFactory(name=f"Aardvark {number}")
    for name in ("Mill Carter", "Nash Carter", "Oak Carter", "Pine Carter", "Quay Carter"):
        CustomerFactory(name=name)
    walked = walks(monkeypatch)
    with CaptureQueriesContext(connection) as captured:
        rows, count = found("carter")

    assert [customer.name for customer in rows] == ["Mill Carter", "Nash Carter"]
    assert (rows, count) == sorted_answer("carter", limit=2, count_limit=3)
    assert walked == [[]]
    # The walk's scan is bounded by the sixth customer's name, not read to the end.
    walk_sql = next(query["sql"] for query in captured if "LIMIT 1 OFFSET 5" in query["sql"])
    assert '"customers_customer"."name" <=' in walk_sql


@on_postgresql
def test_a_rare_word_is_sorted_without_a_walk(small_limits, monkeypatch):
    for name in ("Carter", "Baker Carter", "Dunn"):
        CustomerFactory(name=name)
    walked = walks(monkeypatch)

    assert found("carter") == sorted_answer("carter", limit=2, count_limit=3)
    assert walked == []


@on_postgresql
def test_a_rare_word_with_more_matches_than_shown_is_counted_by_key_in_no_order(small_limits):
    # Four matches, at most COMMON: read once through the trigram indexes, then by key.
    for name in ("Ann Carter", "Bo Carter", "Cy Carter", "Di Carter", "Fay"):
        CustomerFactory(name=name)

    with CaptureQueriesContext(connection) as captured:
        answer = found("carter", limit=2, count_limit=10)

    assert answer == sorted_answer("carter", limit=2, count_limit=10)
    assert answer[1] == 4
    (count,) = [query["sql"] for query in captured if "COUNT(" in query["sql"]]
    assert "= ANY(" in count
    assert "ORDER BY" not in count


@on_postgresql
def test_duplicates_that_fill_the_common_count_are_counted_in_full(small_limits, monkeypatch):
    # Five matches, but they are two customers: their count is exact, not "3+".
    first = CustomerFactory(name="Ann Carter")
    second = CustomerFactory(name="Bo Carter")
    for name in ("Cy Carter", "Di Carter"):
        ContactFactory(customer=first, name=name)
    ContactFactory(customer=second, name="Ed Carter")
    walked = walks(monkeypatch)

    rows, count = found("carter")

    assert (rows, count) == ([first, second], 2)
    assert walked == []


@pytest.mark.parametrize("query", ["carter", "ann@example.com", "+1 202 555 0100", "ca"])
def test_every_query_finds_what_sorting_finds(small_limits, query):
    for name in ("Ann Carter", "Bo Carter", "Cy Carter", "Di Carter", "Ed Carter", "Fay"):
        CustomerFactory(name=name)
    CustomerFactory(name="Gus", email="ann@example.com", phone="+1 202 555 0100")

    assert found(query) == sorted_answer(query, limit=2, count_limit=3)
