"""NUL characters: removed from every request before a view sees it, so SQLite stores what
PostgreSQL would store (PostgreSQL refuses a NUL in text outright)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from crm.middleware import StripNulMiddleware
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def seen_by_the_view(request):
    seen = {}

    def view(request):
        seen["GET"] = request.GET
        seen["POST"] = request.POST
        seen["FILES"] = request.FILES
        return HttpResponse()

    StripNulMiddleware(view)(request)
    return seen


def test_nul_is_removed_from_query_keys_and_values():
    request = RequestFactory().get("/", {"q": "Zo\x00ë", "a\x00b": ["1\x00", "2"]})
    seen = seen_by_the_view(request)
    assert seen["GET"]["q"] == "Zoë"
    assert seen["GET"].getlist("ab") == ["1", "2"]


def test_nul_is_removed_from_posted_fields_and_file_names():
    upload = SimpleUploadedFile("cust\x00omers.csv", b"name\nAnn\n", content_type="text/csv")
    request = RequestFactory().post("/", {"name": "Ann\x00 Lee", "file": upload})
    seen = seen_by_the_view(request)
    assert seen["POST"]["name"] == "Ann Lee"
    assert seen["FILES"]["file"].name == "customers.csv"


def test_a_request_without_nul_keeps_its_own_data():
    request = RequestFactory().get("/", {"q": "Ann"})
    assert seen_by_the_view(request)["GET"] is request.GET


def test_a_name_sent_with_nul_is_stored_without_it(staff_client):
    response = staff_client.post(
        "/customers/new/",
        {
            "name": "Ann\x00 Lee",
            "kind": "individual",
            "status": "prospect",
            "preferred_channel": "phone",
            "confirmed_new": "1",
        },
    )
    assert response.status_code == 302, response.content
    assert Customer.objects.get().name == "Ann Lee"


def test_the_admins_search_with_nul_answers(client, owner):
    CustomerFactory(name="Ann Lee")
    client.force_login(owner)
    response = client.get("/admin/customers/customer/", {"q": "Ann\x00"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize(
    "changelist", ["customers/customer", "customers/contact", "complaints/complaint"]
)
def test_a_huge_admin_search_is_cleaned_and_answers(client, owner, changelist):
    CustomerFactory(name="Zoë Café")
    client.force_login(owner)

    response = client.get(f"/admin/{changelist}/", {"q": "x" * 100_000})

    assert response.status_code == 200
    assert response.context["cl"].query == "x" * 100


def test_an_admin_search_keeps_finding_what_it_should(client, owner):
    CustomerFactory(name="Zoë Café")
    client.force_login(owner)

    response = client.get("/admin/customers/customer/", {"q": "  Zoë\x07  "})

    assert response.context["cl"].result_count == 1
