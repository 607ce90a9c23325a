"""Sign-in lockout: one username from one address, and an address trying many usernames."""

import pytest
from django.conf import settings

from crm import lockout
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


def sign_in(client, username, password, address=OFFICE):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail_across_usernames(client, count, address=OFFICE):
    """One wrong password on each of ``count`` different usernames, as a password sprayer does."""
    for n in range(count):
        sign_in(client, f"guess{n}", "Summer2030!", address=address)


def test_the_limits_are_five_per_username_and_twenty_per_address():
    assert settings.AXES_USERNAME_FAILURE_LIMIT == 5
    assert settings.AXES_IP_FAILURE_LIMIT == 20
    assert settings.AXES_FAILURE_LIMIT == "crm.lockout.failure_limit"


def test_five_failures_on_one_username_lock_that_username_from_that_address(
    client, staff, other_staff
):
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        sign_in(client, staff.username, "guessing")
    locked = sign_in(client, staff.username, TEST_PASSWORD)
    assert locked.status_code == 429
    assert b"signing in to this account from here is paused" in locked.content
    # the same person from elsewhere, and a colleague from here, still get in
    assert sign_in(client, staff.username, TEST_PASSWORD, address=ELSEWHERE).status_code == 302
    client.logout()
    assert sign_in(client, other_staff.username, TEST_PASSWORD).status_code == 302


def test_failures_spread_across_twenty_usernames_lock_the_address(client, staff):
    # given: one wrong password on each of twenty usernames, none near its own limit
    fail_across_usernames(client, settings.AXES_IP_FAILURE_LIMIT)
    # when: a real person with the right password, from the same address
    response = sign_in(client, staff.username, TEST_PASSWORD)
    # then
    assert response.status_code == 429
    assert b"from your network, on several accounts" in response.content
    assert "_auth_user_id" not in client.session


def test_an_address_locked_out_leaves_other_addresses_able_to_sign_in(client, staff):
    fail_across_usernames(client, settings.AXES_IP_FAILURE_LIMIT)
    assert sign_in(client, staff.username, TEST_PASSWORD, address=ELSEWHERE).status_code == 302


def test_an_office_survives_a_morning_of_typos(client, staff):
    # Nineteen typos across the office (a few each) lock nobody out.
    for n in range(settings.AXES_IP_FAILURE_LIMIT - 1):
        sign_in(client, f"colleague{n % 5}", "typo")
    assert sign_in(client, staff.username, TEST_PASSWORD).status_code == 302


def test_signing_in_clears_only_ones_own_failures_not_the_addresses(client, staff):
    # given: a sprayer one failure short of the address limit, then signing in to their own
    # account from the same address to reset the count
    fail_across_usernames(client, settings.AXES_IP_FAILURE_LIMIT - 1)
    assert sign_in(client, staff.username, TEST_PASSWORD).status_code == 302
    client.logout()
    # when: one more guess
    sign_in(client, "guess-next", "Summer2030!")
    # then: the address is locked out, their own account too
    assert sign_in(client, staff.username, TEST_PASSWORD).status_code == 429


def test_signing_in_clears_ones_own_typos_from_the_address_count(client, staff):
    # given: the address close to its limit, four of the failures being staff's own typos
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT - 1):
        sign_in(client, staff.username, "typo")
    fail_across_usernames(
        client, settings.AXES_IP_FAILURE_LIMIT - settings.AXES_USERNAME_FAILURE_LIMIT
    )
    # when: staff gets it right, then someone else mistypes once
    assert sign_in(client, staff.username, TEST_PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "someone", "typo")
    # then: staff's forgiven typos no longer count against the address
    assert sign_in(client, staff.username, TEST_PASSWORD).status_code == 302


def test_the_address_limit_follows_its_setting(client, staff, settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    fail_across_usernames(client, 8)
    assert sign_in(client, staff.username, TEST_PASSWORD).status_code == 429


def test_forgetting_a_usernames_failures_unlocks_it(client, staff):
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        sign_in(client, staff.username, "guessing")
    assert lockout.forget_failures(username=staff.username) == 1
    assert sign_in(client, staff.username, TEST_PASSWORD).status_code == 302
