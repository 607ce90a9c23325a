"""The complaint form carries a customer it could not find into its new-customer fields."""

import pytest

from complaints.models import Complaint
from customers.models import Customer
from tests.complaints.test_views import log_data
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


def _resubmit(client, response, **changes):
    """Post the form again as the page drew it, with the person's changes."""
    data = response.context["form"].data.copy()
    data.update(changes)
    return client.post("/complaints/new/", data)


def test_a_name_that_matches_nobody_is_carried_into_the_new_customer(staff_client):
    CustomerFactory(name="Harbour Bakery")

    response = staff_client.post("/complaints/new/", log_data(customer_query="Walk-in Wanda"))

    form = response.context["form"]
    assert form.errors["customer_query"][0].startswith("No customer matches")
    assert form["new_customer_name"].value() == "Walk-in Wanda"
    assert b'value="Walk-in Wanda"' in response.content
    assert b'<details class="mb-3" open>' in response.content
    assert not Complaint.objects.exists()


def test_logging_again_adds_the_carried_customer(staff_client):
    first = staff_client.post("/complaints/new/", log_data(customer_query="Walk-in Wanda"))

    response = _resubmit(staff_client, first)

    complaint = Complaint.objects.select_related("customer").get()
    assert response.url == complaint.get_absolute_url()
    assert complaint.customer.name == "Walk-in Wanda"


@pytest.mark.parametrize(
    ("query", "field"),
    [("(202) 555-0177", "new_customer_phone"), ("wanda@example.com", "new_customer_email")],
)
def test_a_phone_or_email_is_carried_into_its_own_field(staff_client, query, field):
    response = staff_client.post("/complaints/new/", log_data(customer_query=query))

    form = response.context["form"]
    assert form[field].value() == query
    assert form["new_customer_name"].value() in {None, ""}


def test_a_carried_phone_stays_while_the_name_is_still_missing(staff_client):
    first = staff_client.post("/complaints/new/", log_data(customer_query="(202) 555-0177"))

    second = _resubmit(staff_client, first)

    assert second.context["form"]["new_customer_phone"].value() == "(202) 555-0177"
    third = _resubmit(staff_client, second, new_customer_name="Wanda Walker")
    customer = Complaint.objects.select_related("customer").get().customer
    assert third.status_code == 302
    assert (customer.name, customer.phone_normalised) == ("Wanda Walker", "+12025550177")


def test_a_changed_search_is_looked_up_again_not_added(staff_client):
    bakery = CustomerFactory(name="Harbour Bakery")
    first = staff_client.post("/complaints/new/", log_data(customer_query="Harbour Bakry"))

    _resubmit(staff_client, first, customer_query="Harbour Bakery")

    assert Complaint.objects.get().customer == bakery
    assert not Customer.objects.filter(name="Harbour Bakry").exists()


def test_a_changed_search_matching_nobody_carries_the_new_words(staff_client):
    first = staff_client.post("/complaints/new/", log_data(customer_query="Wanda"))

    second = _resubmit(staff_client, first, customer_query="Wanda Walker")

    assert second.context["form"]["new_customer_name"].value() == "Wanda Walker"
    assert not Complaint.objects.exists()


def test_a_name_typed_over_the_carried_one_is_kept(staff_client):
    first = staff_client.post("/complaints/new/", log_data(customer_query="wanda"))

    _resubmit(staff_client, first, new_customer_name="Wanda Walker")

    assert Complaint.objects.select_related("customer").get().customer.name == "Wanda Walker"
