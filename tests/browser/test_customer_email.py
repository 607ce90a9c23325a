"""An email a customer sent, read by staff on a 360 px phone with its files."""

import pytest
from playwright.sync_api import Page, expect

from customers.models import InboundAttachment, InboundMessage
from tests.browser.test_call_flow import fits_the_phone, sign_in
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_staff_read_an_email_and_see_its_kept_and_refused_files_on_a_phone(
    page: Page, live_server, staff, screenshots, csp_violations
):
    customer = CustomerFactory(name="Harbour Bakery", account_owner=staff)
    message = InboundMessage.objects.create(
        message_id="<photos@harbour.example>",
        customer=customer,
        sender_name="Jane Doe",
        sender_email="jane.doe.with.a.rather.long.address@harbour-bakery.example",
        subject="Photos of the cracked tray, as promised on the phone this morning",
        text="Here they are.\nThe crack runs along the whole left edge.",
        outcome=InboundMessage.Outcome.CUSTOMER,
    )
    InboundAttachment.objects.create(
        message=message,
        filename="tray-left-edge.png",
        content_type="image/png",
        size=2048,
        content=b"\x89PNG\r\n\x1a\n",
    )
    InboundAttachment.objects.create(
        message=message,
        filename="setup.exe",
        size=4096,
        refused_because="not a kind of file Tend keeps (images, PDF, text, office documents)",
    )
    sign_in(page, live_server.url, staff)

    page.goto(f"{live_server.url}{message.get_absolute_url()}")

    expect(page.get_by_role("heading", name="Photos of the cracked tray")).to_be_visible()
    expect(page.get_by_role("link", name="tray-left-edge.png")).to_be_visible()
    expect(page.get_by_text("Refused")).to_be_visible()
    expect(page.get_by_role("link", name="Harbour Bakery")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "customer-email.png", full_page=True)
    assert csp_violations == []
