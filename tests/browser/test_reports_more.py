"""At 360 px (the browser tests' phone): a supervisor's My day shows the team's breaches;
staff see only their own figures on /reports/; an owner's tiles lead into it (issue 11)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_call_flow import fits_the_phone, sign_in
from tests.browser.test_complaint_flow import sign_out
from tests.factories import ComplaintFactory, CustomerFactory, RemedyFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def breaching(owner, name: str):
    now = timezone.now()
    return ComplaintFactory(
        customer=CustomerFactory(name=name),
        owner=owner,
        logged_by=owner,
        received_at=now - timedelta(hours=5),
        first_response_due=now - timedelta(hours=4),
    )


def test_a_supervisors_my_day_shows_the_teams_breaches_at_360_px(
    page: Page, live_server, supervisor, staff, screenshots, csp_violations
):
    late = breaching(staff, "Harbour Bakery")
    sign_in(page, live_server.url, supervisor)

    page.goto(f"{live_server.url}/")

    section = page.locator("section", has=page.locator("#section-team_breaches"))
    expect(section.get_by_text(late.reference)).to_be_visible()
    expect(section.get_by_text("Harbour Bakery")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "reports-more-0-supervisor-my-day.png", full_page=True)
    assert csp_violations == []


def test_staff_see_their_own_figures_and_owners_follow_a_tile(
    page: Page, live_server, staff, other_staff, owner, screenshots, csp_violations
):
    now = timezone.now()
    for person, amount in ((staff, "20"), (other_staff, "45")):
        RemedyFactory(
            proposed_by=person,
            amount=Decimal(amount),
            proposed_at=now - timedelta(days=1),
            decision="approved",
            auto_approved=True,
            decided_at=now - timedelta(days=1),
        )
    sign_in(page, live_server.url, staff)

    page.goto(f"{live_server.url}/reports/?period=30")

    remedies = page.locator("#report-remedies")
    expect(remedies.get_by_text("1 (20.00)")).to_be_visible()
    people = page.locator("#table-remedies-by-person")
    expect(people.get_by_text(staff.get_full_name())).to_be_visible()
    expect(page.get_by_text(other_staff.get_full_name())).to_have_count(0)
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "reports-more-1-staff-reports.png", full_page=True)
    remedies.screenshot(path=screenshots / "reports-more-1-staff-remedies.png")
    sign_out(page)

    sign_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}/")
    tile = page.get_by_role("link", name="Remedies granted 2 (65.00)")
    expect(tile).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "reports-more-2-owner-tiles.png", full_page=True)
    tile.click()
    expect(page).to_have_url(f"{live_server.url}/reports/?period=7#report-remedies")
    expect(page.locator("#report-remedies").get_by_text("2 (65.00)")).to_be_visible()
    assert csp_violations == []
