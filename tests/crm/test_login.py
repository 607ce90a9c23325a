import pytest
from django.conf import settings

from tests.factories import TEST_PASSWORD


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_signing_in_leads_to_my_day(client, staff):
    response = sign_in(client, staff.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").context["user"] == staff


@pytest.mark.django_db
def test_a_wrong_password_shows_the_form_again_with_an_error(client, staff):
    response = sign_in(client, staff.username, "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_out(client, staff):
    # given: as many wrong passwords as the limit allows
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        sign_in(client, staff.username, "guessing")
    # when: the right password comes next
    response = sign_in(client, staff.username, TEST_PASSWORD)
    # then
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_for_one_person_leaves_others_able_to_sign_in(client, staff, other_staff):
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        sign_in(client, staff.username, "guessing")
    response = sign_in(client, other_staff.username, TEST_PASSWORD)
    assert response.status_code == 302


@pytest.mark.django_db
def test_signing_out_takes_a_post_and_returns_to_sign_in(staff_client):
    response = staff_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert staff_client.get("/").status_code == 302
