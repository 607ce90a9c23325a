"""/reports/ on a phone: an owner switches the period and the person (issue 11)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_call_flow import fits_the_phone, sign_in
from tests.factories import ComplaintFactory, FollowUpFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_owner_switches_the_period_and_the_person_on_a_phone(
    page: Page, live_server, owner, staff, other_staff, screenshots, csp_violations
):
    now = timezone.now()
    for number, person in enumerate([staff, staff, other_staff] * 3):
        moment = now - timedelta(days=number * 3, hours=2)
        FollowUpFactory(
            owner=person,
            kind="callback",
            status="done",
            created_at=moment,
            completed_at=moment + timedelta(minutes=20 + 10 * number),
            response_minutes=20 + 10 * number,
            due_at=moment + timedelta(hours=1),
            promised_to_customer=True,
        )
        ComplaintFactory(
            owner=person,
            logged_by=person,
            received_at=moment,
            severity=["normal", "high", "low"][number % 3],
            acknowledged_at=moment + timedelta(minutes=30 * number),
        )
    sign_in(page, live_server.url, owner)

    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="Responsiveness")).to_be_visible()
    expect(page.get_by_text("Everyone,")).to_be_visible()
    page.get_by_label("Period").select_option("7")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Period")).to_have_value("7")

    page.get_by_label("Period").select_option("90")
    page.get_by_label("Person").select_option(label=staff.get_full_name())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"{staff.get_full_name()},")).to_be_visible()
    chart = page.locator("img.tend-chart").first
    expect(chart).to_be_visible()
    # The chart is drawn (the SVG loaded) and fits the phone's width.
    assert chart.evaluate("image => image.naturalWidth > 0 && image.complete")
    assert chart.bounding_box()["width"] <= 360
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "reports-owner-person-90-days.png", full_page=True)
    assert csp_violations == []
