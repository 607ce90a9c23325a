import pytest
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def page_overflows_sideways(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_staff_sign_in_on_a_phone_and_reach_my_day(
    page: Page, live_server, staff, screenshots, csp_violations
):
    # given
    page.goto(f"{live_server.url}/customers/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/customers/")
    page.screenshot(path=screenshots / "sign-in.png", full_page=True)
    # when
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # then: back where they were going, with the navigation within reach at 360 px
    expect(page).to_have_url(f"{live_server.url}/customers/")
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    page.get_by_role("link", name="My day").click()
    expect(page.get_by_role("heading", name="Good day, Sam")).to_be_visible()
    page.screenshot(path=screenshots / "my-day.png", full_page=True)
    assert not page_overflows_sideways(page)
    assert csp_violations == []


def test_owner_reaches_the_admin_without_csp_violations(
    page: Page, live_server, owner, screenshots, csp_violations
):
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/")
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#site-name")).to_have_text("Tend")
    page.goto(f"{live_server.url}/admin/auth/user/")
    expect(page.get_by_role("heading", name="Select user to change")).to_be_visible()
    page.screenshot(path=screenshots / "admin-users.png", full_page=True)
    assert csp_violations == []
