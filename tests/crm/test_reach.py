"""Phones and emails are one tap away: tel: and mailto: links wherever work shows a customer."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from complaints.models import Complaint
from crm.templatetags.reach import dial_string, mailto, tel
from tests.factories import (
    ComplaintFactory,
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    OnboardingFactory,
    OnboardingStepFactory,
)

CALL = '<a class="tend-reach" href="tel:+12025550142">'
WRITE = '<a class="tend-reach" href="mailto:anna@example.com">anna@example.com</a>'


@pytest.mark.parametrize(
    "typed", ["(202) 555-0142", "+1 202 555 0142", "202.555.0142", "+1-202-555-0142"]
)
def test_a_number_is_dialled_in_one_form_however_it_was_typed(typed, settings):
    settings.PHONE_REGION = "US"
    assert dial_string(typed) == "+12025550142"
    assert tel(typed) == f"{CALL}{typed}</a>"


def test_a_number_that_does_not_parse_keeps_its_digits_and_plus():
    assert dial_string("+99 12") == "+9912"


@pytest.mark.parametrize("text", ["", None, "ask reception", "12"])
def test_what_is_no_number_is_shown_as_it_is(text):
    assert tel(text) == (text or "")


def test_the_link_text_is_escaped():
    assert "<b>" not in tel("<b>202 555 0142</b>")


def test_an_email_writes_to_it_and_a_non_address_stays_text():
    assert mailto("anna@example.com") == WRITE
    assert mailto("not an address") == "not an address"
    assert mailto("") == ""


def test_the_reach_partial_shows_phone_and_email_or_in_a_row_the_phone_only():
    customer = CustomerFactory.build(phone="(202) 555-0142", email="anna@example.com")
    partial = Template('{% load rows %}{% row "rows/reach.html" who=customer compact=compact %}')

    full = partial.render(Context({"customer": customer, "compact": False}))
    row = partial.render(Context({"customer": customer, "compact": True}))

    assert CALL in full and WRITE in full
    assert CALL in row and WRITE not in row
    customer.phone = ""
    assert WRITE in partial.render(Context({"customer": customer, "compact": True}))


@pytest.mark.django_db
def test_the_complaint_page_calls_the_customer_and_the_contact(staff_client, staff):
    customer = CustomerFactory(phone="(202) 555-0142", email="anna@example.com")
    contact = ContactFactory(customer=customer, phone="+44 20 7946 0958", email="jo@example.com")
    complaint = ComplaintFactory(customer=customer, contact=contact, owner=staff)

    html = staff_client.get(complaint.get_absolute_url()).content.decode()

    assert CALL in html and WRITE in html
    assert 'href="tel:+442079460958"' in html
    assert 'href="mailto:jo@example.com"' in html


@pytest.mark.django_db
def test_a_call_back_on_my_day_shows_the_number_to_call(staff_client, staff):
    customer = CustomerFactory(phone="(202) 555-0142")
    FollowUpFactory(owner=staff, customer=customer, due_at=timezone.now() - timedelta(hours=1))

    html = staff_client.get("/").content.decode()

    assert f"{CALL}(202) 555-0142</a>" in html


@pytest.mark.django_db
def test_follow_up_page_complaint_rows_and_onboarding_steps_link_the_number(staff_client, staff):
    customer = CustomerFactory(phone="(202) 555-0142", email="anna@example.com")
    follow_up = FollowUpFactory(owner=staff, customer=customer)
    ComplaintFactory(customer=customer, owner=staff, status=Complaint.Status.NEW)
    onboarding = OnboardingFactory(customer=customer, owner=staff)
    OnboardingStepFactory(onboarding=onboarding, assignee=staff)

    for path in [follow_up.get_absolute_url(), "/complaints/", "/", onboarding.get_absolute_url()]:
        assert CALL in staff_client.get(path).content.decode(), path
    # On My day: the complaint's row and the onboarding step's row both carry it.
    assert staff_client.get("/").content.decode().count(CALL) >= 2
