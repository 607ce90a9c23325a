"""Search input, cleaned in one place (crm.text.clean_search_text) for every search box."""

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = ["\x00", "Ann\x00", "x" * 100_000, "Ann " * 30_000, "\u202eAnn\r\n", "%_\\"]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_the_global_search_answers_any_query(staff_client, query):
    CustomerFactory(name="Ann Lee")
    response = staff_client.get("/search/", {"q": query})
    assert response.status_code in {200, 302}


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_the_customer_list_answers_any_query(staff_client, query):
    CustomerFactory(name="Ann Lee")
    response = staff_client.get("/customers/", {"q": query})
    assert response.status_code == 200


def test_the_global_search_finds_through_control_characters(staff_client):
    ann = CustomerFactory(name="Ann Lee")
    CustomerFactory(name="Bob Stone")
    response = staff_client.get("/search/", {"q": "\x00Ann\t\r\n  Lee\u202e"})
    assert response.url == ann.get_absolute_url()


def test_the_global_search_shows_the_query_it_ran(staff_client):
    CustomerFactory(name="Ann Lee")
    CustomerFactory(name="Ann Lowe")
    response = staff_client.get("/search/", {"q": "  Ann\x00  L" + "x" * 500})
    assert response.context["query"] == ("Ann L" + "x" * 500)[:100]


def test_the_customer_list_filters_on_the_cleaned_query(staff_client):
    ann = CustomerFactory(name="Ann Lee")
    CustomerFactory(name="Bob Stone")
    response = staff_client.get("/customers/", {"q": "ann\r\nlee"})
    assert list(response.context["page"]) == [ann]


def test_a_long_query_is_cut_rather_than_refused(staff_client):
    response = staff_client.get("/customers/", {"q": "x" * 5000})
    form = response.context["filter"].form
    assert form.errors == {}
    assert form.cleaned_data["q"] == "x" * 100
