"""The first customers, by name, that a search box query finds: as fast for a word thousands of
customers share ("smith") as for a full name.

A name query matches a customer through its own folded name or any of its contacts'
(``CustomerQuerySet.search``). Sorting every match by name is cheap for a full name and slow
for a common word: "carter" matched 8,978 of 100,000 customers on PostgreSQL, and reading and
sorting them all took 43 ms, counting them up to "100+" 33 ms more. For a word that common the
first customers in name order come sooner the other way round: down the name index, asking
of each customer whether its name or one of its contacts' holds the word (143 customers read
for the first 11, 1 to 3 ms).

Which way suits a query is told by counting its matches through the trigram indexes, up to
``COMMON`` (2 to 3 ms). A query with more walks the name index, but no further than its first
``WALK`` customers: matches that cluster late in the alphabet (every "Smith & Sons" under S)
would otherwise have it read most of the table. Whatever the walk does not settle is sorted.
SQLite finds names through its FTS5 tables and always sorts (crm/trigram_search.py).
"""

from django.db import connections
from django.db.models import BooleanField, OuterRef, Q, QuerySet, Subquery, Value

from crm.text import clean_search_text
from customers.models import Contact, Customer, is_email_query, key_among, phone_in
from customers.text import search_key

# Matches through the trigram indexes, customers' and contacts' together, past which a query
# walks the name index instead of sorting its matches.
COMMON = 1000
# Customers the walk reads at most, about 4 ms on PostgreSQL: "carter" found its page of ten 143
# customers down, where "bistro", though common, found its first one past the thousandth and
# paid a walk of a thousand (7.5 ms) before its 1,928 matches were sorted anyway.
WALK = 500


def first_found(customers: QuerySet, query: str, *, limit: int, count_limit: int):
    """Return the first ``limit`` of ``customers`` (current, ordered by name) the query finds,
    and how many it finds, counted up to ``count_limit + 1``: two to four queries."""
    query = clean_search_text(query)
    found = customers.search(query)
    # Counted in the list's own order, so that the count reads the index the rows came through.
    counted = found
    if _is_name(customers, query):
        keys = _some_matches(search_key(query))
        if len(keys) > COMMON:
            count = _common_count(customers, keys, count_limit)
            if count is not None:
                rows = _walk_by_name(customers, search_key(query), limit) or list(found[:limit])
                return rows, count
        else:
            # Every match is among these keys: the rows and their count are read by primary
            # key, not through the trigram indexes again ("amara chen": 15.6 ms of three
            # trigram reads, now one and 2 ms by key).
            found = customers.filter(key_among(set(keys)))
            # Read by key, they are counted in no order: sorting "amara chen"'s 322 by name
            # only to count them was 1.5 ms.
            counted = found.order_by()
    rows = list(found[: limit + 1])  # one more than shown: a query that fits needs no count
    if len(rows) <= limit:
        return rows, len(rows)
    return rows[:limit], counted.values("pk")[: count_limit + 1].count()


def _is_name(customers: QuerySet, query: str) -> bool:
    """Tell whether the query is part of a name (no email, no phone number), on PostgreSQL."""
    if connections[customers.db].vendor != "postgresql":
        return False
    return not is_email_query(query) and not phone_in(query) and len(search_key(query)) >= 3


def _some_matches(key: str) -> list[int]:
    """Return the keys of customers whose name or a contact's holds the key, through the
    trigram indexes: all of them when there are at most COMMON matches, else COMMON + 1 (of
    any customer, archived too, a customer once for each match)."""
    own = Customer._base_manager.filter(search_name__contains=key).order_by()
    theirs = Contact._base_manager.filter(search_name__contains=key).order_by()
    # UNION ALL streams: the read stops at COMMON + 1, where UNION would first read every
    # match to drop the duplicates.
    some = own.values_list("pk", flat=True).union(
        theirs.values_list("customer_id", flat=True), all=True
    )
    # Unordered, not even by Customer.Meta.ordering: the name is not among the UNION's columns.
    some.query.clear_ordering(force=True, clear_default=True)
    return list(some[: COMMON + 1])


def _common_count(customers: QuerySet, keys: list[int], count_limit: int) -> int | None:
    """Return the query's count past ``count_limit`` when its word is common, else None."""
    # A customer matched by its name and a contact's counts once, an archived one not at all:
    # the count is of the distinct customers among those first matches, and settles "100+"
    # unless duplicates fill them (then the query is counted in full after all).
    count = customers.filter(key_among(keys)).order_by().values("pk")[: count_limit + 1].count()
    return count if count > count_limit else None


def _walk_by_name(customers: QuerySet, key: str, limit: int) -> list:
    """Return the first ``limit`` customers down the name index whose name or a contact's
    holds the key, or [] when they are not all among the first WALK customers."""
    # A scalar subquery with LIMIT 1, asked of each customer the walk reads: an EXISTS is
    # planned as one hashed set of every contact that matches (6,721 for "carter", 22 ms).
    contact_matches = Subquery(
        Contact._base_manager.filter(customer=OuterRef("pk"), search_name__contains=key)
        .order_by()
        .values(matched=Value(True))[:1],
        output_field=BooleanField(),
    )
    # The walk's end, the WALK-th customer in name order, bounds the name index's range, so
    # that the scan stops there (given the first WALK keys as a set, PostgreSQL read it whole).
    last = customers.order_by("name", "pk")[WALK - 1 : WALK]
    last_name, last_pk = Subquery(last.values("name")), Subquery(last.values("pk"))
    walked = customers.filter(Q(name__lte=last_name), Q(name__lt=last_name) | Q(pk__lte=last_pk))
    rows = list(walked.filter(Q(search_name__contains=key) | Q(contact_matches))[:limit])
    return rows if len(rows) == limit else []
