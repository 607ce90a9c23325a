"""Substring search through an index on SQLite too: FTS5 trigram tables kept by triggers."""

import pytest
from django.db import connection
from django.db.models import Q

from complaints.models import Complaint
from crm import trigram_search
from customers.models import Customer, FollowUp
from onboarding.models import Onboarding
from tests.factories import (
    ComplaintFactory,
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    OnboardingFactory,
)

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL serves these searches with pg_trgm"
)

QUERIES = ["olive", "OLIVE", "live tr", "Ünïcode", 'a"b', "NEAR(x)", "AND", "zz", "tree"]


def _plain(queryset, query, *columns):
    condition = Q()
    for column in columns:
        condition |= Q(**{f"{column}__icontains": query})
    return set(queryset.filter(condition).values_list("pk", flat=True))


def _found(queryset, query, *columns):
    return set(trigram_search.containing(queryset, query, *columns).values_list("pk", flat=True))


@pytest.fixture
def texts():
    ComplaintFactory(customer_words="The olive tree arrived dead", what_we_heard="")
    ComplaintFactory(customer_words="Nothing to do with it", what_we_heard="an OLIVE oil leak")
    ComplaintFactory(customer_words='She said "a"b" twice', what_we_heard="NEAR(x) AND more")
    FollowUpFactory(subject="Call about the olive trees")
    FollowUpFactory(subject="Send the invoice")
    OnboardingFactory(name="Standard onboarding: Olive Tree Café")


@pytest.mark.parametrize("query", QUERIES)
def test_the_index_finds_what_a_scan_finds(texts, query):
    for queryset, columns in [
        (Complaint.objects.all(), ("customer_words", "what_we_heard")),
        (FollowUp.objects.all(), ("subject",)),
        (Onboarding.objects.all(), ("name",)),
    ]:
        assert _found(queryset, query, *columns) == _plain(queryset, query, *columns)


def test_a_changed_or_deleted_text_is_found_as_it_is_now(texts):
    changed = FollowUp.objects.get(subject="Send the invoice")
    changed.subject = "Send the olive price list"
    changed.save()
    FollowUp.objects.filter(subject="Call about the olive trees").delete()

    assert _found(FollowUp.objects.all(), "olive", "subject") == {changed.pk}


def test_a_customer_is_found_by_part_of_their_name_or_a_contacts(db):
    olive = CustomerFactory(name="Olive Grove Bakery")
    person = ContactFactory(name="Ann Olivetti")
    CustomerFactory(name="Northside Printing")

    found = set(Customer.objects.search("olive").values_list("pk", flat=True))

    assert found == {olive.pk, person.customer_id}


@on_sqlite
def test_each_searched_table_has_its_index_and_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE '%_trigram%'")
        names = {row[0] for row in cursor.fetchall()}
    for table in [
        "customers_customer_trigram",
        "customers_contact_trigram",
        "customers_followup_trigram",
        "complaints_complaint_trigram",
        "onboarding_onboarding_trigram",
    ]:
        assert {table, f"{table}_insert", f"{table}_delete", f"{table}_update"} <= names


@on_sqlite
def test_sqlite_searches_through_the_index_not_the_table(texts):
    queryset = trigram_search.containing(FollowUp.objects.all(), "olive", "subject")
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "VIRTUAL TABLE INDEX" in plan
    # Two characters are too few for trigrams: those still read the table.
    assert "customers_followup_trigram" not in str(
        trigram_search.containing(FollowUp.objects.all(), "ol", "subject").query
    )


@on_sqlite
def test_triggers_lost_to_a_table_rebuild_come_back_with_the_rows_since(texts):
    # Django alters a SQLite table by copying it to a new one, which drops its triggers.
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "customers_followup_trigram_insert"')
    added = FollowUpFactory(subject="Olive harvest visit")
    assert added.pk not in _found(FollowUp.objects.all(), "olive", "subject")

    trigram_search.ensure_sqlite_indexes()

    assert added.pk in _found(FollowUp.objects.all(), "olive", "subject")
    FollowUpFactory(subject="Another olive call")
    assert len(_found(FollowUp.objects.all(), "olive", "subject")) == 3


def test_a_database_without_trigram_search_reads_the_table_and_finds_the_same(monkeypatch, texts):
    monkeypatch.setattr(trigram_search, "_sqlite_trigram", lambda using: False)

    queryset = trigram_search.containing(FollowUp.objects.all(), "olive", "subject")

    assert "_trigram" not in str(queryset.query)
    assert set(queryset.values_list("pk", flat=True)) == _plain(
        FollowUp.objects.all(), "olive", "subject"
    )
