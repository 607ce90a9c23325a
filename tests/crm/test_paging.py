"""Keyset pages (crm/paging.py): every row once, at any depth, whatever the ties in the order."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from crm.paging import _keys, encode_cursor, keyset_page
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

requests = RequestFactory()


def page_at(queryset, url="/customers/", **kwargs):
    return keyset_page(requests.get(url), queryset, **kwargs)


def follow(queryset, link, **kwargs):
    """Open a page's link as the browser would: on the same path, with its query string."""
    return page_at(queryset, f"/customers/{link}" if link.startswith("?") else link, **kwargs)


def walk_forward(queryset, size):
    page = page_at(queryset, size=size)
    pages = [page]
    while page.has_next:
        page = follow(queryset, page.next_url, size=size)
        pages.append(page)
    return pages


def walk_backward(queryset, size):
    page = follow(queryset, "?last=1", size=size)
    pages = [page]
    while page.has_previous:
        page = follow(queryset, page.previous_url, size=size)
        pages.append(page)
    return pages[::-1]


@pytest.fixture
def tied_customers():
    """Eleven customers under three names: most of the order is decided by the id."""
    return [CustomerFactory(name=name) for name in ["Bo", "Al", "Cy"] * 3 + ["Al", "Bo"]]


def test_next_pages_cover_every_row_once_in_order_despite_ties(tied_customers):
    ordered = Customer.objects.order_by("name", "pk")

    pages = walk_forward(ordered, size=3)

    assert [row for page in pages for row in page] == list(ordered)
    assert [len(page) for page in pages] == [3, 3, 3, 2]
    assert not pages[0].has_previous and pages[-1].has_previous


def test_previous_pages_from_the_last_cover_every_row_once_in_order(tied_customers):
    ordered = Customer.objects.order_by("name", "pk")

    pages = walk_backward(ordered, size=3)

    assert [row for page in pages for row in page] == list(ordered)
    assert not pages[-1].has_next


def test_a_descending_order_pages_through_every_row_once(tied_customers):
    ordered = Customer.objects.order_by("-name", "-pk")

    assert [row for page in walk_forward(ordered, size=4) for row in page] == list(ordered)
    assert [row for page in walk_backward(ordered, size=4) for row in page] == list(ordered)


def test_an_order_in_mixed_directions_pages_through_every_row_once(tied_customers):
    Customer.objects.filter(name="Al").update(status=Customer.Status.ACTIVE)
    ordered = Customer.objects.order_by("status", "-name")

    rows = [row for page in walk_forward(ordered, size=2) for row in page]

    assert rows == list(Customer.objects.order_by("status", "-name", "-pk"))


def test_a_page_seeks_from_the_row_shown_and_counts_once(tied_customers):
    ordered = Customer.objects.order_by("name", "pk")
    deep = walk_forward(ordered, size=3)[2]

    with CaptureQueriesContext(connection) as queries:
        follow(ordered, deep.next_url, size=3)

    # One row comparison on PostgreSQL; on SQLite one range per key of the order at most.
    rows_queries = 1 if connection.vendor == "postgresql" else 2
    assert len(queries) <= rows_queries + 1
    # A seek from the last row shown, never an OFFSET that reads every row before it.
    assert all("OFFSET" not in query["sql"].upper() for query in queries.captured_queries)


def test_the_count_stops_at_its_limit():
    CustomerFactory.create_batch(5)

    page = page_at(Customer.objects.order_by("name"), count_limit=3)

    assert page.count_is_capped
    assert page.count_display == "3+"
    assert page_at(Customer.objects.order_by("name"), count_limit=5).count_display == "5"


def test_a_list_that_fits_its_page_is_counted_without_a_query(tied_customers):
    ordered = Customer.objects.order_by("name", "pk")

    with CaptureQueriesContext(connection) as fits:
        whole = page_at(ordered, size=11)
    with CaptureQueriesContext(connection) as longer:
        first = page_at(ordered, size=10)

    assert (len(whole), whole.count, len(fits)) == (11, 11, 1)
    assert (len(first), first.count, len(longer)) == (10, 11, 2)


def test_links_keep_the_filters_and_drop_the_old_cursor(tied_customers):
    ordered = Customer.objects.order_by("name", "pk")
    request = requests.get("/customers/", {"status": "active", "q": "a b", "page": "7"})

    page = keyset_page(request, ordered, size=3)

    query = dict(parse_qsl(urlsplit(page.next_url).query))
    assert query["status"] == "active" and query["q"] == "a b"
    assert "page" not in query and "after" in query


@pytest.mark.parametrize(
    "cursor",
    ["", "garbage", "%%%", "W10", "WyJhIl0", "WyJBbCIsIngiXQ", "\x00", "a" * 5000, "bnVsbA"],
)
def test_a_cursor_that_is_no_cursor_of_the_list_gives_the_first_page(tied_customers, cursor):
    ordered = Customer.objects.order_by("name", "pk")

    for parameter in ("after", "before"):
        page = page_at(ordered, url=f"/customers/?{parameter}={cursor}", size=3)
        assert list(page) == list(ordered[:3])


def test_a_cursor_of_a_datetime_without_a_timezone_is_refused():
    CustomerFactory.create_batch(2)
    ordered = Customer.objects.order_by("updated_at", "pk")
    row = ordered.first()
    cursor = encode_cursor(ordered, row)
    naive_row = Customer(pk=row.pk, updated_at=row.updated_at.replace(tzinfo=None))
    naive = encode_cursor(_keys(ordered), naive_row)

    assert len(page_at(ordered, url=f"/customers/?after={cursor}", size=1)) == 1
    assert list(page_at(ordered, url=f"/customers/?after={naive}", size=1)) == [row]


def test_a_page_backwards_near_the_start_may_be_short_but_repeats_nothing(tied_customers):
    ordered = Customer.objects.order_by("name", "pk")
    second = list(ordered)[1]

    page = page_at(ordered, url=f"/customers/?before={encode_cursor(ordered, second)}", size=3)

    assert list(page) == list(ordered[:1])
    assert not page.has_previous and page.has_next
