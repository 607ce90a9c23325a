from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from customers.models import FollowUp
from tests.factories import TEST_PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page: Page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # My day with its stylesheet: until it applies, the wide and the phone navigation both
    # show, and a link named in both is not one link (as on a slow machine).
    page.wait_for_load_state()


def fits_the_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_find_by_phone_log_a_callback_see_it_on_my_day_and_complete_it(
    page: Page, live_server, staff, screenshots, csp_violations, time_machine
):
    # Mid-morning, the clock running: booked late in the evening, the call back would fall
    # due after midnight, tomorrow, and My day shows what is due today.
    time_machine.move_to(datetime(2026, 11, 25, 10, 0, tzinfo=UTC), tick=True)
    customer = CustomerFactory(name="Harbour Bakery", phone="+1 202 555 0199")
    CustomerFactory(name="Corner Café", phone="+1 202 555 0100")
    sign_in(page, live_server.url, staff)

    # find the customer by the number written another way, from the search box on every page
    page.get_by_label("Search").fill("(202) 555-0199")
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_role("heading", name="Harbour Bakery")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "call-1-customer.png", full_page=True)

    # log the call, restating the need, with a call back
    page.get_by_role("link", name="Log a call / request").click()
    expect(page.get_by_text("you may promise it by")).to_be_visible()
    page.get_by_label("What it is about").fill("Wedding cake order")
    page.get_by_label("What we heard").fill("Needs three tiers delivered by Saturday 10:00")
    page.get_by_label("Needs a call back").check()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "call-2-log.png", full_page=True)
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Promise the call back by")).to_be_visible()
    expect(page.get_by_text("Needs three tiers delivered by Saturday 10:00")).to_be_visible()

    # the callback is on My day (see sign_in: the stylesheet first)
    page.wait_for_load_state()
    page.get_by_role("link", name="My day").click()
    item = page.get_by_role("listitem").filter(has_text="Call back: Wedding cake order")
    expect(item).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "call-3-my-day.png", full_page=True)

    # two taps complete it: "Mark done…" opens the outcomes, "Reached, done" records one
    item.get_by_text("Mark done…").click()
    item.get_by_role("button", name="Reached, done").click()
    expect(page.get_by_text("Done: Call back: Wedding cake order")).to_be_visible()
    page.screenshot(path=screenshots / "call-4-done.png", full_page=True)
    callback = FollowUp.objects.get(customer=customer)
    assert callback.status == FollowUp.Status.DONE
    assert csp_violations == []


def test_customer_pages_fit_a_phone(page: Page, live_server, staff, screenshots):
    CustomerFactory.create_batch(5)
    sign_in(page, live_server.url, staff)
    for path, name in [
        ("/customers/", "customers-list"),
        ("/customers/new/", "customers-new"),
        ("/followups/", "followups"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=screenshots / f"{name}.png", full_page=True)
        assert fits_the_phone(page), path
