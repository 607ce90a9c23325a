import pytest
from playwright.sync_api import Page, expect

from crm.models import Notice
from tests.browser.test_call_flow import fits_the_phone, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BREACHES = "\n".join(
    ["Follow-ups past their due time (3):"]
    + [f"- Call back Harbour Bakery about the wedding cake order number {n}" for n in range(3)]
)


def test_read_notices_on_a_phone_from_my_day_to_the_work_and_mark_the_rest_read(
    page: Page, live_server, staff, screenshots, csp_violations
):
    breach = Notice.objects.create(
        recipient=staff, subject="3 follow-ups overdue", body=BREACHES, path="/followups/"
    )
    Notice.objects.create(recipient=staff, subject="A handoff waits for you", body="Accept it.")
    sign_in(page, live_server.url, staff)

    # My day lists the unread notices and the navigation counts them: on the phone's bar,
    # "More" carries the count, and the Notices link inside it too
    expect(page.get_by_role("heading", name="Unread notices")).to_be_visible()
    more = page.get_by_role("navigation", name="Main").get_by_text("More")
    expect(more).to_contain_text("2 unread")
    more.click()
    expect(page.get_by_role("link", name="Notices 2 unread")).to_be_visible()
    more.click()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "notices-0-my-day.png", full_page=True)
    page.get_by_role("link", name="All notices (2 unread)").click()

    # the page shows each body line by line, and fits the phone
    expect(
        page.get_by_text("- Call back Harbour Bakery about the wedding cake order number 2")
    ).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "notices-1-list.png", full_page=True)

    # opening one leads to the work and marks it read
    page.get_by_role("link", name="3 follow-ups overdue").click()
    expect(page).to_have_url(f"{live_server.url}/followups/")
    breach.refresh_from_db()
    assert breach.read_at is not None

    # the rest are marked read at once
    page.goto(f"{live_server.url}/notices/")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("1 notice marked read.")).to_be_visible()
    assert not Notice.objects.unread().exists()
    page.screenshot(path=screenshots / "notices-2-read.png", full_page=True)
    assert csp_violations == []
