"""Hostile input on the complaint pages: a field error or a plain page, never a server error."""

import pytest

from complaints.models import Complaint, Remedy
from customers.models import Customer
from tests.complaints.test_views import action, log_data
from tests.factories import ComplaintFactory, CustomerFactory

pytestmark = pytest.mark.django_db

MALFORMED_NUMBERS = [
    "9999999999999999",
    "-1",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "1e400",
    "²",
    "1,5",
]
MALFORMED_TIMES = ["2026-02-30T10:00", "2026-13-01T10:00", "99999-01-01T00:00", "NaN", "²"]


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


@pytest.mark.parametrize("name", ["Walk-in\r\nWanda", "Wanda\nBcc: all@example.com", "W\u2028W"])
def test_the_quick_add_refuses_a_name_on_two_lines_and_keeps_it(staff_client, name):
    response = staff_client.post("/complaints/new/", log_data(new_customer_name=name))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("new_customer_name", "line_break")
    assert form["new_customer_name"].value() == name
    assert not Customer.objects.exists()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("amount", MALFORMED_NUMBERS)
def test_a_malformed_amount_asked_for_is_a_field_error(staff_client, amount):
    customer = CustomerFactory()
    response = staff_client.post(
        "/complaints/new/", log_data(customer=customer.pk, asked_amount=amount)
    )
    assert response.status_code == 200
    assert "asked_amount" in response.context["form"].errors
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("needs_by", MALFORMED_TIMES)
def test_a_malformed_time_needed_by_is_a_field_error(staff_client, needs_by):
    customer = CustomerFactory()
    response = staff_client.post(
        "/complaints/new/", log_data(customer=customer.pk, needs_by=needs_by)
    )
    assert response.status_code == 200
    assert "needs_by" in response.context["form"].errors


@pytest.mark.parametrize("amount", MALFORMED_NUMBERS)
def test_a_malformed_remedy_amount_is_a_field_error(staff_client, staff, amount):
    complaint = ComplaintFactory(owner=staff, status="investigating")
    response = action(staff_client, complaint, "remedy", kind="refund", amount=amount)
    assert response.status_code == 400
    assert "amount" in response.context["action_forms"]["remedy"].errors
    assert not Remedy.objects.exists()


@pytest.mark.parametrize("promised_by", MALFORMED_TIMES)
def test_a_malformed_promised_time_is_a_field_error(staff_client, staff, promised_by):
    complaint = ComplaintFactory(owner=staff)
    response = action(staff_client, complaint, "promise", promised_by=promised_by)
    assert response.status_code == 400
    assert "promised_by" in response.context["action_forms"]["promise"].errors


@pytest.mark.parametrize("version", ["²", "NaN", "-1", "99999999999999999999999", ""])
def test_a_malformed_version_is_not_a_server_error(staff_client, staff, version):
    complaint = ComplaintFactory(owner=staff)
    response = action(staff_client, complaint, "note", version=version, text="Called them")
    assert response.status_code == 302
    assert complaint.updates.filter(text="Called them").exists()


@pytest.mark.parametrize("customer", ["²", "NaN", "-1", "99999999999999999999999", "1e3", "\x00"])
def test_a_malformed_customer_in_the_link_opens_an_empty_form(staff_client, customer):
    response = staff_client.get("/complaints/new/", {"customer": customer})
    assert response.status_code == 200
    assert response.context["form"].initial["customer"] is None


@pytest.mark.parametrize("order", ["NaN", "-password", "deadline", "", "²"])
def test_the_list_orders_by_deadline_unless_it_understands_the_order_asked(staff_client, order):
    ComplaintFactory()
    response = staff_client.get("/complaints/", {"order": order})
    assert response.status_code == 200
    # Keyset pages order by the keys they seek on, whatever the filter made of the order.
    assert len(response.context["page"]) == 1


@pytest.mark.parametrize("number", ["NaN", "-1", "1e400", "99999999999999999999", "²"])
def test_a_malformed_page_number_shows_a_page(staff_client, number):
    ComplaintFactory()
    assert staff_client.get("/complaints/", {"page": number}).status_code == 200
