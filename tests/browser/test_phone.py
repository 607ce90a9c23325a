"""On the phone (360 x 740): every destination reachable, every tap target thumb-sized, a
follow-up closed only with its outcome (and undone), calls one tap away, the next step open."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints.models import Complaint
from customers.models import FollowUp, Interaction
from tests.browser.test_call_flow import sign_in
from tests.factories import (
    ComplaintFactory,
    CustomerFactory,
    FollowUpFactory,
    OnboardingFactory,
    OnboardingStepFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRIMARY = ["My day", "Customers", "Follow-ups", "Complaints"]
BEHIND_MORE = ["Notices", "Onboarding", "Reports"]

# Every interactive element that is drawn, smaller than 44 x 44 CSS px. A checkbox or radio is
# tapped through its label, so the label is what is measured for it.
SMALL_TARGETS = """() => {
  const small = [];
  const targets = document.querySelectorAll(
    'a[href], button, summary, select, textarea, input:not([type=hidden])');
  for (const element of targets) {
    let box = element;
    if (element.matches('input[type=checkbox], input[type=radio]') && element.labels.length) {
      box = element.labels[0];
    }
    const rect = box.getBoundingClientRect();
    if (!rect.width || !rect.height || getComputedStyle(box).visibility === 'hidden') continue;
    if (rect.width < 44 || rect.height < 44) {
      const name = (element.textContent || element.name || element.id || '').trim().slice(0, 40);
      const size = `${Math.round(rect.width)}x${Math.round(rect.height)}`;
      small.push(`${element.tagName} "${name}" ${size}`);
    }
  }
  return small;
}"""


def scroll_width(page: Page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.fixture
def work(staff, owner):
    """A little of everything, so every main page draws its rows and forms."""
    customer = CustomerFactory(
        name="Harbour Bakery", phone="(202) 555-0142", email="orders@harbour-bakery.example"
    )
    for person in (staff, owner):
        FollowUpFactory(
            owner=person,
            customer=customer,
            subject="Call back: wedding cake order",
            created_by=person,
            due_at=timezone.now() - timedelta(hours=1),
        )
        ComplaintFactory(customer=customer, owner=person, logged_by=person)
    onboarding = OnboardingFactory(customer=customer, owner=staff)
    OnboardingStepFactory(onboarding=onboarding, assignee=staff, title="Welcome call")
    return customer


def main_pages(customer) -> list[str]:
    follow_up = FollowUp.objects.filter(customer=customer).first()
    complaint = Complaint.objects.filter(customer=customer).first()
    onboarding = customer.onboardings.first()
    return [
        "/",
        "/customers/",
        "/customers/new/",
        customer.get_absolute_url(),
        f"/customers/{customer.pk}/log/",
        "/followups/",
        follow_up.get_absolute_url(),
        "/complaints/",
        "/complaints/new/",
        complaint.get_absolute_url(),
        "/complaints/approvals/",
        "/complaints/remedies/",
        "/onboarding/",
        onboarding.get_absolute_url(),
        "/notices/",
        "/reports/",
        "/search/?q=harbour+cake",
    ]


@pytest.mark.parametrize("role", ["staff", "owner"])
def test_every_destination_is_reachable_at_360_px_and_no_page_scrolls_sideways(
    page: Page, live_server, request, role, work, screenshots, csp_violations
):
    user = request.getfixturevalue(role)
    sign_in(page, live_server.url, user)
    bar = page.get_by_role("navigation", name="Main")

    # The four most used sit in the bar, on screen without scrolling, one tap each.
    for name in PRIMARY:
        link = bar.get_by_role("link", name=name, exact=True)
        expect(link).to_be_in_viewport()
        link.click()
        expect(bar.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        assert scroll_width(page) <= 360, page.url

    # The rest are behind "More", on screen once it is open.
    behind_more = [*BEHIND_MORE, *(["Admin"] if role == "owner" else [])]
    for name in behind_more:
        more = bar.get_by_text("More")
        expect(more).to_be_in_viewport()
        more.click()
        link = bar.get_by_role("link", name=name)
        expect(link).to_be_in_viewport()
        if name == behind_more[0]:
            page.screenshot(path=screenshots / f"phone-nav-more-{role}.png")
        link.click()
        if name == "Admin":
            expect(page.get_by_role("heading", name="Administration", exact=True)).to_be_visible()
        else:
            # The menu folds again on the new page; "More" is marked, and the place within it.
            expect(bar.locator("summary.active")).to_contain_text("More")
            expect(bar.locator('.tend-more-link[aria-current="page"]')).to_contain_text(name)
            assert scroll_width(page) <= 360, page.url

    for path in main_pages(work):
        page.goto(f"{live_server.url}{path}")
        assert scroll_width(page) <= 360, path
    page.goto(f"{live_server.url}/")
    page.screenshot(path=screenshots / f"phone-my-day-{role}.png", full_page=True)
    assert csp_violations == []


@pytest.mark.parametrize("role", ["staff", "owner"])
def test_every_tap_target_is_at_least_44_px_on_every_main_page(
    page: Page, live_server, request, role, work, screenshots
):
    sign_in(page, live_server.url, request.getfixturevalue(role))
    small = {}
    for path in main_pages(work):
        page.goto(f"{live_server.url}{path}")
        # What is folded away is measured too: open every disclosure, the More menu included.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        if found := page.evaluate(SMALL_TARGETS):
            small[path] = found
    page.goto(f"{live_server.url}{work.get_absolute_url()}")
    page.screenshot(path=screenshots / f"phone-targets-customer-{role}.png", full_page=True)
    assert small == {}


def test_a_call_back_is_closed_only_with_its_outcome_and_can_be_undone(
    page: Page, live_server, staff, work, screenshots, csp_violations
):
    sign_in(page, live_server.url, staff)
    item = page.get_by_role("listitem").filter(has_text="Call back: wedding cake order")

    # The number to call is on the row, one tap away.
    expect(item.get_by_role("link", name="(202) 555-0142")).to_have_attribute(
        "href", "tel:+12025550142"
    )
    # A tap on "Mark done…" only opens the outcomes: nothing is closed yet.
    item.get_by_text("Mark done…").click()
    expect(item.get_by_role("button", name="Reached, done")).to_be_visible()
    expect(item.get_by_role("button", name="No answer")).to_be_visible()
    callback = FollowUp.objects.get(owner=staff)
    assert callback.status == FollowUp.Status.OPEN
    item.screenshot(path=screenshots / "phone-outcomes.png")

    # No answer is logged and leaves the promise open.
    item.get_by_role("button", name="No answer").click()
    expect(page.get_by_text("stays open until you reach them")).to_be_visible()
    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.OPEN

    # Reached closes it, logs the call, and the message offers Undo.
    item.get_by_text("Mark done…").click()
    item.get_by_role("button", name="Reached, done").click()
    status = page.get_by_role("status").filter(has_text="Done: Call back: wedding cake order")
    expect(status).to_be_visible()
    page.screenshot(path=screenshots / "phone-done-with-undo.png")
    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.DONE
    assert Interaction.objects.filter(customer=work, summary=callback.subject).exists()

    status.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Open again: Call back: wedding cake order")).to_be_visible()
    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.OPEN
    assert not Interaction.objects.filter(customer=work, summary=callback.subject).exists()
    page.screenshot(path=screenshots / "phone-undone.png")
    assert csp_violations == []


def test_the_complaint_page_opens_the_next_step_and_calls_the_customer(
    page: Page, live_server, staff, work, screenshots, csp_violations
):
    sign_in(page, live_server.url, staff)
    # Logging a complaint leads My day.
    log = page.get_by_role("link", name="Log a complaint")
    expect(log).to_be_in_viewport()
    complaint = Complaint.objects.get(owner=staff)
    page.goto(f"{live_server.url}{complaint.get_absolute_url()}")

    expect(page.get_by_role("link", name="(202) 555-0142")).to_have_attribute(
        "href", "tel:+12025550142"
    )
    expect(page.get_by_role("link", name="orders@harbour-bakery.example")).to_have_attribute(
        "href", "mailto:orders@harbour-bakery.example"
    )
    acknowledge = page.locator("#action-acknowledge")
    expect(acknowledge).to_have_attribute("open", "")
    expect(acknowledge).to_have_class("border rounded p-2 mb-2 tend-next-step")
    expect(acknowledge.get_by_text("Next step")).to_be_visible()
    expect(page.locator("#action-note")).not_to_have_attribute("open", "")
    acknowledge.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "phone-complaint-next-step.png")
    page.screenshot(path=screenshots / "phone-complaint-full.png", full_page=True)
    assert scroll_width(page) <= 360
    assert csp_violations == []
