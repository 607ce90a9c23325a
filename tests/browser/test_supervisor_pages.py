"""Approvals with their context and declined handoffs on My day, on a phone (issue 13, 8 and 9)."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Remedy
from crm.calendar import set_default_week
from tests.browser.test_call_flow import fits_the_phone, sign_in
from tests.browser.test_complaint_flow import sign_out
from tests.factories import (
    ComplaintFactory,
    ComplaintHandoffFactory,
    CustomerFactory,
    RemedyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_supervisor_weighs_a_remedy_and_rejects_it_with_one_tap_and_a_note(
    page: Page, live_server, supervisor, other_staff, screenshots, csp_violations
):
    complaint = ComplaintFactory(
        customer=CustomerFactory(name="Riverside Tasting Room"),
        owner=other_staff,
        status="awaiting_approval",
        customer_words="The filter roast for our tasting evening was an espresso roast. "
        "Thirty people came, and we refunded six tickets at the door.",
        asked_remedy_kind="refund",
        asked_amount=Decimal("150"),
        asked_words="The bag and the refunded tickets",
    )
    remedy = RemedyFactory(
        complaint=complaint,
        proposed_by=other_staff,
        amount=Decimal("120"),
        description="Refund the bag and six tickets",
    )
    sign_in(page, live_server.url, supervisor)

    page.goto(f"{live_server.url}/complaints/approvals/")
    row = page.locator(f"#remedy-{remedy.pk}")
    expect(row.get_by_text("Refund 150.00 — “The bag and the refunded tickets”")).to_be_visible()
    expect(row.get_by_text("“The filter roast for our tasting evening")).to_be_visible()
    expect(row.get_by_text("Refund up to 500.00")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "approvals-0-queue.png", full_page=True)

    row.get_by_label("Note for the proposer (optional)").fill("Offer store credit instead")
    row.get_by_role("button", name="Reject").click()

    expect(page.get_by_text("Remedy rejected.")).to_be_visible()
    expect(page.get_by_text("Nothing waits for your decision.")).to_be_visible()
    page.screenshot(path=screenshots / "approvals-1-rejected.png", full_page=True)
    remedy.refresh_from_db()
    assert (remedy.decision, remedy.decision_note) == (
        Remedy.Decision.REJECTED,
        "Offer store credit instead",
    )
    assert csp_violations == []


def test_a_declined_handoff_comes_back_to_the_senders_my_day_with_its_reason(
    page: Page, live_server, staff, other_staff, screenshots, csp_violations
):
    complaint = ComplaintFactory(
        customer=CustomerFactory(name="Copper Kettle Cafe"), owner=staff, logged_by=staff
    )
    ComplaintHandoffFactory(complaint=complaint, to_user=other_staff)

    # the receiver declines on their My day, saying why
    sign_in(page, live_server.url, other_staff)
    page.get_by_label("Reason for declining").fill("I am off from Friday; ask Sue")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("Declined; it stays with the sender")).to_be_visible()
    sign_out(page)

    # the sender reads it on My day, bounded like every section
    sign_in(page, live_server.url, staff)
    section = page.locator("section").filter(
        has=page.get_by_role("heading", name="Complaint handoffs declined")
    )
    expect(section.get_by_text("I am off from Friday; ask Sue")).to_be_visible()
    expect(section.get_by_role("link", name=complaint.reference)).to_be_visible()
    assert fits_the_phone(page)
    section.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "declined-0-my-day.png", full_page=True)

    # and on the complaint's page
    section.get_by_role("link", name=complaint.reference).click()
    expect(page.locator("#handoff-status")).to_contain_text("I am off from Friday; ask Sue")
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "declined-1-complaint.png", full_page=True)
    assert csp_violations == []


def test_an_owner_sees_the_default_business_hours_on_my_day(
    page: Page, live_server, owner, screenshots, csp_violations
):
    set_default_week()
    sign_in(page, live_server.url, owner)

    notice = page.locator("#business-hours")
    expect(notice).to_contain_text("Monday to Friday, 09:00–17:00")  # noqa: RUF001
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "hours-0-my-day.png", full_page=True)
    notice.get_by_role("link", name="Change hours and holidays").click()
    expect(page.get_by_text("Times are wall-clock times in")).to_be_visible()
    page.screenshot(path=screenshots / "hours-1-admin.png", full_page=True)
    assert csp_violations == []
