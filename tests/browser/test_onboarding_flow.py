import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from customers.models import Customer
from onboarding.models import Onboarding
from tests.browser.test_call_flow import fits_the_phone, sign_in
from tests.browser.test_complaint_flow import sign_out
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_start_capture_preferences_hand_off_and_accept_on_a_phone(
    page: Page, live_server, staff, other_staff, screenshots, csp_violations
):
    staff.groups.add(Group.objects.get(name="Sales"))
    other_staff.groups.add(Group.objects.get(name="Support"))
    customer = CustomerFactory(name="Northside Coworking", status="prospect", interests="")
    base = live_server.url

    # 1. start the onboarding from the customer's page
    sign_in(page, base, staff)
    page.goto(f"{base}{customer.get_absolute_url()}")
    page.get_by_role("link", name="Start onboarding").click()
    page.screenshot(path=screenshots / "onboarding-1-start.png", full_page=True)
    page.get_by_role("button", name="Start onboarding").click()
    expect(page.get_by_text("Onboarding started: every step has an owner.")).to_be_visible()
    onboarding = Onboarding.objects.get()
    assert fits_the_phone(page)

    # 2. the welcome call records the customer's preferences
    welcome = page.locator(f"#step-{onboarding.steps.get(captures_preferences=True).pk}")
    welcome.get_by_text("Complete, recording their preferences").click()
    welcome.get_by_label("Preferred channel").select_option("email")
    welcome.get_by_label("Tue").check()
    welcome.get_by_label("Contact from").fill("09:30")
    welcome.get_by_label("Contact until").fill("11:00")
    welcome.get_by_label("Interests").fill("oat milk, filter coffee")
    welcome.get_by_label("Note").fill("Wants deliveries before the morning rush")
    page.screenshot(path=screenshots / "onboarding-2-preferences.png", full_page=True)
    welcome.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Done: Welcome call")).to_be_visible()
    customer.refresh_from_db()
    assert customer.preferred_channel == "email"
    assert customer.interest_list == ["oat milk", "filter coffee"]

    # 3. hand over to support with what was promised
    handoff = page.locator("#handoff")
    handoff.locator("summary").click()
    handoff.get_by_label("Hand it to").select_option(str(other_staff.pk))
    handoff.get_by_label("What was promised to the customer, what they expect next").fill(
        "Promised weekly deliveries on Tuesdays; they expect a call after the first one."
    )
    handoff.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text("Offered. You stay accountable until they accept.")).to_be_visible()
    expect(page.locator("#onboarding-owner")).to_have_text(staff.get_full_name())
    page.screenshot(path=screenshots / "onboarding-3-handed.png", full_page=True)
    sign_out(page)

    # 4. the receiver accepts from My day
    sign_in(page, base, other_staff)
    offers = page.locator("section").filter(
        has=page.get_by_role("heading", name="Onboardings handed to you")
    )
    expect(offers.get_by_text("Northside Coworking")).to_be_visible()
    page.screenshot(path=screenshots / "onboarding-4-my-day.png", full_page=True)
    offers.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted: the onboarding is yours now.")).to_be_visible()
    expect(page.locator("#onboarding-owner")).to_have_text(other_staff.get_full_name())
    page.screenshot(path=screenshots / "onboarding-5-accepted.png", full_page=True)
    onboarding.refresh_from_db()
    assert onboarding.owner == other_staff
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.ONBOARDING
    assert csp_violations == []
