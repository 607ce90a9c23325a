import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_PASSWORD = "a-brand-new-long-passphrase"


def fits_the_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_forgot_password_email_new_password_then_sign_in_on_a_phone(
    page: Page, live_server, staff, eager_celery, settings, screenshots, csp_violations
):
    settings.SITE_URL = live_server.url
    # given: someone who forgot their password, on the sign-in page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "reset-1-ask.png", full_page=True)

    # when: they ask for a link
    page.get_by_label("Email").fill(staff.email)
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "reset-2-check-email.png", full_page=True)

    # then: the email holds a link to this site; it leads to choosing a new password
    assert [message.to for message in mail.outbox] == [[staff.email]]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label(re.compile(r"^\s*New password\W*$")).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "reset-3-new-password.png", full_page=True)
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    page.screenshot(path=screenshots / "reset-4-changed.png", full_page=True)

    # and the new password signs them in
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Good day, Sam")).to_be_visible()
    assert csp_violations == []
