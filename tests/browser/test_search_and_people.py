"""At 360 px: the search box finds every kind of work, grouped; a customer the complaint form
could not find becomes its new customer; a customer's people are added, edited and removed."""

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Complaint
from customers.models import Contact
from tests.browser.test_call_flow import sign_in
from tests.factories import (
    ComplaintFactory,
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    OnboardingFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fits_360(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= 360")


def search_for(page: Page, text: str) -> None:
    page.get_by_label("Search").fill(text)
    page.get_by_label("Search").press("Enter")


def test_the_search_box_finds_every_kind_of_work_grouped(
    page: Page, live_server, staff, screenshots, csp_violations
):
    bakery = CustomerFactory(name="Hopper Bakery")
    complaint = ComplaintFactory(
        customer=bakery, reference="C-000042", customer_words="The cracked hopper leaks flour"
    )
    FollowUpFactory(customer=bakery, owner=staff, subject="Call about the hopper part")
    OnboardingFactory(customer=CustomerFactory(name="Hopper & Sons"))
    sign_in(page, live_server.url, staff)

    search_for(page, "hopper")

    for heading in ["Customers", "Complaints", "Your open follow-ups", "Onboardings"]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text("The cracked hopper leaks flour")).to_be_visible()
    assert fits_360(page)
    page.screenshot(path=screenshots / "search-1-grouped.png", full_page=True)

    search_for(page, "c-42")

    expect(page).to_have_url(f"{live_server.url}{complaint.get_absolute_url()}")
    assert fits_360(page)
    page.screenshot(path=screenshots / "search-2-reference.png", full_page=True)
    assert csp_violations == []


def test_a_customer_the_complaint_form_could_not_find_becomes_its_new_customer(
    page: Page, live_server, staff, screenshots, csp_violations
):
    CustomerFactory(name="Harbour Bakery")
    sign_in(page, live_server.url, staff)
    page.goto(f"{live_server.url}/complaints/new/")
    page.get_by_label("Customer: name, phone or email").fill("Walk-in Wanda")
    page.get_by_label("The customer's words").fill("My order never came.")
    page.get_by_role("button", name="Log the complaint").click()

    expect(page.get_by_text("No customer matches")).to_be_visible()
    expect(page.get_by_label("New customer's name")).to_have_value("Walk-in Wanda")
    expect(page.get_by_label("New customer's name")).to_be_visible()
    assert fits_360(page)
    page.screenshot(path=screenshots / "search-3-carried-new-customer.png", full_page=True)

    page.get_by_role("button", name="Log the complaint").click()

    expect(page.get_by_text("logged; it is yours")).to_be_visible()
    assert Complaint.objects.select_related("customer").get().customer.name == "Walk-in Wanda"
    assert csp_violations == []


def test_a_customers_people_are_added_edited_and_removed_on_a_phone(
    page: Page, live_server, staff, screenshots, csp_violations
):
    customer = CustomerFactory(name="Bramble Bakery")
    ContactFactory(customer=customer, name="Rosa Bramble", is_primary=True)
    sign_in(page, live_server.url, staff)
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    people = page.locator("section", has=page.get_by_role("heading", name="People"))
    for link in [
        people.get_by_role("link", name="Add a person"),
        people.get_by_label("Edit Rosa Bramble"),
    ]:
        assert link.bounding_box()["height"] >= 44
    assert fits_360(page)
    page.screenshot(path=screenshots / "people-1-customer.png", full_page=True)

    # add
    people.get_by_role("link", name="Add a person").click()
    page.get_by_label("Name").fill("Sam Bramble")
    page.get_by_label("Role").fill("Baker")
    page.get_by_label("Phone").fill("(202) 555-0150")
    assert fits_360(page)
    page.screenshot(path=screenshots / "people-2-add.png", full_page=True)
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Sam Bramble was added.")).to_be_visible()
    expect(people.get_by_role("link", name="(202) 555-0150")).to_be_visible()

    # edit
    people.get_by_label("Edit Sam Bramble").click()
    page.get_by_label("Role").fill("Head baker")
    page.get_by_role("button", name="Save changes").click()
    expect(people.get_by_text("Head baker")).to_be_visible()

    # remove, after confirming
    people.get_by_label("Remove Sam Bramble").click()
    expect(page.get_by_role("heading", name="Remove Sam Bramble?")).to_be_visible()
    assert fits_360(page)
    page.screenshot(path=screenshots / "people-3-confirm-remove.png", full_page=True)
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("Sam Bramble was removed.")).to_be_visible()
    assert list(customer.contacts.values_list("name", flat=True)) == ["Rosa Bramble"]
    assert not Contact.objects.filter(name="Sam Bramble").exists()
    page.screenshot(path=screenshots / "people-4-removed.png", full_page=True)
    assert csp_violations == []
