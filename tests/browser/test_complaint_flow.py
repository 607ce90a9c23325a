import pytest
from playwright.sync_api import Page, expect

from complaints.models import Complaint, Remedy
from tests.browser.test_call_flow import fits_the_phone, sign_in
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def open_action(page: Page, name: str):
    """Open one of the complaint page's "Next steps" and return it."""
    step = page.locator(f"#action-{name}")
    step.locator("> summary").click()
    return step


def test_log_on_a_phone_propose_above_authority_approve_and_resolve(
    page: Page, live_server, staff, supervisor, screenshots, csp_violations
):
    CustomerFactory(name="Harbour Bakery", phone="+1 202 555 0199")
    base = live_server.url

    # 1. log the complaint on a phone, finding the customer by a differently written number
    sign_in(page, base, staff)
    page.get_by_role("link", name="Complaints", exact=True).click()
    page.get_by_role("link", name="Log a complaint").click()
    page.get_by_label("Customer: name, phone or email").fill("202.555.0199")
    page.get_by_label("How it reached us").select_option("in_person")
    page.get_by_label("The customer's words").fill("The cake for the wedding collapsed.")
    page.get_by_label("What we heard").fill("The three-tier cake collapsed on delivery.")
    page.get_by_label("The customer confirmed it").check()
    page.get_by_label("Severity").select_option("high")
    page.get_by_label("What would they consider fair?").select_option("refund")
    page.get_by_label("Amount asked for").fill("120")
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "complaint-1-log.png", full_page=True)
    page.get_by_role("button", name="Log the complaint").click()
    expect(page.get_by_text("logged; it is yours until the customer is satisfied")).to_be_visible()
    complaint = Complaint.objects.get()
    expect(page.get_by_role("heading", name=complaint.reference)).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "complaint-2-page.png", full_page=True)

    # 2. propose a refund above front-line authority, checking before saving
    step = open_action(page, "remedy")
    step.get_by_label("Remedy").select_option("refund")
    step.get_by_label("Amount").fill("120")
    step.get_by_label("Details").fill("Full refund of the cake")
    step.get_by_role("button", name="Check my authority").click()
    expect(page.get_by_text("Above your authority")).to_be_visible()
    page.screenshot(path=screenshots / "complaint-3-authority.png", full_page=True)
    page.locator("#action-remedy").get_by_role("button", name="Propose").click()
    expect(page.get_by_text("is above your authority: it waits for approval")).to_be_visible()
    expect(page.locator("#complaint-status")).to_have_text("Awaiting approval")
    sign_out(page)

    # 3. the supervisor approves it from My day
    sign_in(page, base, supervisor)
    approvals = page.locator("section").filter(
        has=page.get_by_role("heading", name="Awaiting your approval")
    )
    # the remedy proposed (the customer asked for the same, shown beside it)
    expect(approvals.locator("strong", has_text="Refund 120.00")).to_be_visible()
    approvals.get_by_label("Note for the proposer").fill("Yes, refund in full.")
    page.screenshot(path=screenshots / "complaint-4-approve.png", full_page=True)
    approvals.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Remedy approved.")).to_be_visible()
    assert Remedy.objects.get().decided_by == supervisor
    sign_out(page)

    # 4. the owner delivers the refund and resolves
    sign_in(page, base, staff)
    page.goto(f"{base}{complaint.get_absolute_url()}")
    page.get_by_role("button", name="Mark delivered").click()
    expect(page.get_by_text("Delivered. Resolve the complaint")).to_be_visible()
    step = open_action(page, "resolve")
    step.get_by_label("How it was resolved").fill("Refunded; new cake baked for the party")
    step.get_by_role("button", name="Resolve").click()
    expect(page.locator("#complaint-status")).to_have_text("Resolved")
    page.screenshot(path=screenshots / "complaint-5-resolved.png", full_page=True)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RESOLVED
    assert csp_violations == []
