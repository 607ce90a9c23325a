"""Hostile input on the customer and follow-up pages: field errors, never server errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Customer, FollowUp
from tests.customers.test_admin import customer_form_data
from tests.customers.test_customer_views import customer_data
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

MALFORMED_NUMBERS = ["9999999999999999", "-1", "NaN", "Infinity", "1e400", "²", "1.5"]
MALFORMED_TIMES = ["2026-02-30T10:00", "2026-13-01T10:00", "99999-01-01T00:00", "NaN", "²"]
MALFORMED_DATES = ["2026-02-30", "2026-13-01", "99999-01-01", "NaN", "-1", "²"]


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Zoë\r\nMüller"),
        ("name", "Zoë\nBcc: all@example.com"),
        ("interests", "beans,\ngrinders"),
        ("referred_by_name", "Ann\nLee"),
    ],
)
def test_the_customer_form_refuses_line_breaks_in_one_line_fields_and_keeps_them(
    staff_client, field, value
):
    response = staff_client.post("/customers/new/", customer_data(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error(field, "line_break")
    assert form[field].value() == value
    assert not Customer.objects.exists()


def test_line_breaks_in_the_address_are_fine(staff_client):
    response = staff_client.post(
        "/customers/new/", customer_data(address="1 High Street\r\nLeeds", confirmed_new="1")
    )
    assert response.status_code == 302
    assert Customer.objects.get().address == "1 High Street\r\nLeeds"


def test_a_possible_duplicate_is_shown_then_created_when_confirmed(staff_client):
    CustomerFactory(name="Zoë Müller")
    shown = staff_client.post("/customers/new/", customer_data())
    assert shown.context["duplicates"]
    assert shown.context["form"]["confirmed_new"].value() == "1"
    assert Customer.objects.count() == 1
    created = staff_client.post("/customers/new/", customer_data(confirmed_new="True"))
    assert created.status_code == 302
    assert Customer.objects.count() == 2


@pytest.mark.parametrize("days", MALFORMED_NUMBERS)
def test_a_malformed_keep_in_touch_cadence_is_a_field_error(staff_client, days):
    response = staff_client.post("/customers/new/", customer_data(keep_in_touch_days=days))
    assert response.status_code == 200
    assert "keep_in_touch_days" in response.context["form"].errors


@pytest.mark.parametrize("day", MALFORMED_DATES)
def test_a_malformed_date_is_a_field_error(staff_client, day):
    response = staff_client.post("/customers/new/", customer_data(became_customer_on=day))
    assert response.status_code == 200
    assert "became_customer_on" in response.context["form"].errors


@pytest.mark.parametrize("version", ["²", "NaN", "-1", "99999999999999999999999"])
def test_a_malformed_version_on_the_customer_edit_saves_nothing(staff_client, version):
    customer = CustomerFactory(name="Zoë Müller")
    response = staff_client.post(
        f"/customers/{customer.pk}/edit/", customer_data(name="Zoë M", version=version)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    customer.refresh_from_db()
    assert customer.name == "Zoë Müller"


def test_the_interaction_summary_refuses_line_breaks(staff_client):
    customer = CustomerFactory()
    response = staff_client.post(
        f"/customers/{customer.pk}/log/",
        {"channel": "phone", "direction": "inbound", "summary": "Asked\r\nabout beans"},
    )
    assert response.context["form"].has_error("summary", "line_break")


def test_a_follow_up_subject_refuses_line_breaks(staff_client, staff):
    customer = CustomerFactory()
    response = staff_client.post(
        f"/customers/{customer.pk}/followups/new/",
        {
            "kind": "promise",
            "subject": "Call\r\nback",
            "due_at": "2026-11-24T10:00",
            "owner": staff.pk,
        },
    )
    assert response.context["form"].has_error("subject", "line_break")
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("due_at", MALFORMED_TIMES)
def test_a_malformed_new_due_time_is_a_field_error(staff_client, staff, due_at):
    follow_up = FollowUpFactory(owner=staff, due_at=timezone.now() + timedelta(hours=2))
    response = staff_client.post(
        f"/followups/{follow_up.pk}/reschedule/", {"due_at": due_at, "reason": "They asked"}
    )
    assert response.status_code == 400
    assert "due_at" in response.context["reschedule_form"].errors


def test_a_reschedule_reason_refuses_line_breaks(staff_client, staff):
    follow_up = FollowUpFactory(owner=staff, due_at=timezone.now() + timedelta(hours=2))
    response = staff_client.post(
        f"/followups/{follow_up.pk}/reschedule/",
        {"due_at": "2026-11-25T10:00", "reason": "They\r\nasked"},
    )
    assert response.context["reschedule_form"].has_error("reason", "line_break")


@pytest.mark.parametrize("asked", ["²", "NaN", "99999999999999999999999", "\x00"])
def test_a_malformed_owner_on_the_follow_up_list_shows_ones_own(client, supervisor, staff, asked):
    FollowUpFactory(owner=staff)
    mine = FollowUpFactory(owner=supervisor)
    client.force_login(supervisor)
    response = client.get("/followups/", {"owner": asked})
    assert list(response.context["page"]) == [mine]


def test_a_supervisor_may_still_pick_someones_list(client, supervisor, staff):
    theirs = FollowUpFactory(owner=staff)
    FollowUpFactory(owner=supervisor)
    client.force_login(supervisor)
    response = client.get("/followups/", {"owner": staff.pk})
    assert list(response.context["page"]) == [theirs]


def test_the_admin_refuses_a_customer_name_on_two_lines(client, owner):
    customer = CustomerFactory(name="Ana's Bakery")
    client.force_login(owner)
    response = client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        customer_form_data(customer, name="Ana's\r\nBakery"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("name", "line_break")
    customer.refresh_from_db()
    assert customer.name == "Ana's Bakery"
