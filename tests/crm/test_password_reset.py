import re
from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from kombu.exceptions import OperationalError

from crm import accounts, tasks
from crm.models import PasswordResetRequest
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password-reset/"
NEW_PASSWORD = "a-brand-new-long-passphrase"
LINK = re.compile(r"https?://\S+/accounts/reset/\S+/")


@pytest.fixture
def ask_for_reset(client, django_capture_on_commit_callbacks):
    """Post the reset form, then run what it enqueued after commit (as a worker would)."""

    def ask(email, address="127.0.0.1", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET_URL, {"email": email}, REMOTE_ADDR=address, **extra)

    return ask


def reset_link(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(0)


def test_the_sign_in_page_links_to_the_password_reset(client):
    response = client.get("/accounts/login/")
    assert b'href="/accounts/password-reset/"' in response.content
    assert b"Forgot your password?" in response.content


def test_the_reset_page_has_a_labelled_email_field(client):
    response = client.get(RESET_URL)
    assert response.status_code == 200
    assert re.search(rb'<label\s+for="id_email"', response.content)


def test_a_known_address_is_emailed_a_link_built_from_the_site_url(
    staff, eager_celery, ask_for_reset, mailoutbox, settings
):
    settings.SITE_URL = "https://tend.example.com/"
    response = ask_for_reset(staff.email.upper())
    assert response.status_code == 302
    assert response.url == "/accounts/password-reset/done/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [staff.email]
    assert reset_link(mailoutbox[0]).startswith("https://tend.example.com/accounts/reset/")
    assert staff.username in mailoutbox[0].body


def test_a_forged_host_header_never_reaches_the_email(
    staff, eager_celery, ask_for_reset, mailoutbox, settings
):
    # given: a deployment that answers to any host name
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://tend.example.com"
    # when
    response = ask_for_reset(staff.email, HTTP_HOST="attacker.example.net")
    # then
    assert response.status_code == 302
    assert "attacker.example.net" not in mailoutbox[0].body
    assert reset_link(mailoutbox[0]).startswith("https://tend.example.com/")


def test_known_and_unknown_addresses_get_the_same_answer(
    client, staff, eager_celery, ask_for_reset, mailoutbox
):
    known = ask_for_reset(staff.email)
    unknown = ask_for_reset("nobody@example.com")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert [message.to for message in mailoutbox] == [[staff.email]]
    done = client.get(known.url)
    assert b"If a Tend account uses that address" in done.content


def test_inactive_accounts_and_accounts_without_a_password_get_no_email(mailoutbox, db):
    UserFactory(email="gone@example.com", is_active=False)
    UserFactory(email="sso@example.com", password=None)
    assert accounts.send_password_reset_email(email="gone@example.com") == 0
    assert accounts.send_password_reset_email(email="sso@example.com") == 0
    assert mailoutbox == []


def test_the_link_sets_a_new_password_that_signs_in(
    client, staff, eager_celery, ask_for_reset, mailoutbox
):
    # given
    ask_for_reset(staff.email)
    # when: the link, then the new password twice
    page = client.get(reset_link(mailoutbox[0]), follow=True)
    assert page.context["validlink"]
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # then
    assert done.status_code == 302
    assert done.url == "/accounts/reset/done/"
    assert b"Password changed" in client.get(done.url).content
    signed_in = client.post(
        "/accounts/login/", {"username": staff.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert signed_in.url == "/"


def test_a_used_link_no_longer_works(client, staff, eager_celery, ask_for_reset, mailoutbox):
    ask_for_reset(staff.email)
    link = reset_link(mailoutbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert b"This link no longer works" in again.content


def test_a_password_reset_lifts_the_sign_in_lockout_of_that_username(
    client, staff, eager_celery, ask_for_reset, mailoutbox
):
    # given: the person locked themselves out with their forgotten password
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": staff.username, "password": "forgotten"})
    locked = client.post("/accounts/login/", {"username": staff.username, "password": "x"})
    assert locked.status_code == 429
    assert b'href="/accounts/password-reset/"' in locked.content
    # when
    ask_for_reset(staff.email)
    form_url = client.get(reset_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # then
    signed_in = client.post(
        "/accounts/login/", {"username": staff.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_requests_past_the_limit_from_one_address_are_refused(ask_for_reset, staff, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    answers = [
        ask_for_reset(f"person{n}@example.com").status_code
        for n in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS)
    ]
    refused = ask_for_reset(staff.email)
    other_address = ask_for_reset(staff.email, address="10.0.0.7")
    assert answers == [302] * 3
    assert refused.status_code == 429
    assert b"Too many password reset requests" in refused.content
    assert other_address.status_code == 302


def test_requests_past_the_limit_for_one_email_are_refused_from_any_address(
    ask_for_reset, settings
):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    first = [ask_for_reset("target@example.com", address=f"10.0.0.{n}") for n in (1, 2)]
    refused = ask_for_reset("Target@Example.com", address="10.0.0.3")
    assert [answer.status_code for answer in first] == [302, 302]
    assert refused.status_code == 429


def test_a_refused_request_sends_nothing_and_looks_the_same_for_known_and_unknown(
    staff, settings, eager_celery, ask_for_reset, mailoutbox
):
    # given
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    ask_for_reset(staff.email, address="10.0.0.1")
    ask_for_reset("nobody@example.com", address="10.0.0.1")
    mailoutbox.clear()
    # when
    known = ask_for_reset(staff.email, address="10.0.0.2")
    unknown = ask_for_reset("nobody@example.com", address="10.0.0.2")
    # then
    assert known.status_code == unknown.status_code == 429
    errors = [answer.context["form"].non_field_errors() for answer in (known, unknown)]
    assert errors[0] == errors[1]
    assert mailoutbox == []


def test_requests_older_than_the_window_no_longer_count(ask_for_reset, settings, clock, db):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    start = clock.set(datetime(2030, 1, 7, 9, tzinfo=UTC))
    ask_for_reset("someone@example.com")
    clock.set(start + settings.PASSWORD_RESET_WINDOW + timedelta(seconds=1))
    assert ask_for_reset("someone@example.com").status_code == 302
    # Requests that left the window are dropped, so the table stays small.
    assert PasswordResetRequest.objects.count() == 1


def test_an_invalid_email_is_refused_with_a_message_and_not_counted(ask_for_reset):
    response = ask_for_reset("not an address\x00")
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not PasswordResetRequest.objects.exists()


def test_a_broker_that_is_down_does_not_fail_the_request(staff, monkeypatch, ask_for_reset):
    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.send_password_reset_email, "delay", broker_down)
    response = ask_for_reset(staff.email)
    assert response.status_code == 302
    assert response.url == "/accounts/password-reset/done/"


def test_a_mail_server_failure_does_not_fail_the_request(
    staff, monkeypatch, eager_celery, ask_for_reset
):
    def mail_server_down(*args, **kwargs):
        raise SMTPServerDisconnected("gone")

    monkeypatch.setattr(accounts, "send_mail", mail_server_down)
    response = ask_for_reset(staff.email)
    assert response.status_code == 302


def test_the_task_retries_when_the_mail_server_fails():
    # smtplib's errors are OSErrors, which the task retries with growing pauses.
    assert issubclass(SMTPServerDisconnected, tasks.send_password_reset_email.autoretry_for)


def test_the_task_emails_the_accounts_with_that_address(staff, mailoutbox):
    assert tasks.send_password_reset_email(staff.email) == 1
    assert mailoutbox[0].subject == "[Tend] Reset your password"
    assert get_user_model().objects.get(pk=staff.pk).check_password(TEST_PASSWORD)
