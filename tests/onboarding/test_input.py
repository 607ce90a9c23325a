"""Hostile input on the onboarding pages: field errors, never server errors."""

import pytest
from django.contrib.auth.models import Group

from onboarding.models import ChecklistTemplate, Onboarding
from tests.factories import CustomerFactory
from tests.onboarding.test_views import start

pytestmark = pytest.mark.django_db

MALFORMED_TIMES = ["25:00", "10:60", "NaN", "-1", "9999999999999999", "1e400", "²", "2026-02-30"]


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


@pytest.fixture
def template():
    return ChecklistTemplate.objects.get(name="New customer")


@pytest.fixture
def seller(staff):
    staff.groups.add(Group.objects.get(name="Sales"))
    return staff


@pytest.fixture
def preferences_step(seller, template):
    onboarding = start(seller, CustomerFactory(status="prospect", interests=""), template)
    return onboarding.steps.get(captures_preferences=True)


def complete(client, step, **fields):
    prefix = f"step-{step.pk}"
    data = {
        f"{prefix}-note": "Lovely call",
        f"{prefix}-preferred_channel": "email",
        f"{prefix}-contact_days": ["0", "2"],
        f"{prefix}-contact_from": "10:00",
        f"{prefix}-contact_until": "16:00",
        f"{prefix}-interests": "espresso, grinders",
    }
    data.update({f"{prefix}-{key}": value for key, value in fields.items()})
    return client.post(f"/onboarding/steps/{step.pk}/complete/", data)


@pytest.mark.parametrize("value", MALFORMED_TIMES)
def test_a_malformed_contact_time_is_a_field_error(staff_client, preferences_step, value):
    response = complete(staff_client, preferences_step, contact_from=value)
    assert response.status_code == 400
    form = dict(response.context["steps"])[preferences_step]
    assert "contact_from" in form.errors
    preferences_step.refresh_from_db()
    assert not preferences_step.is_done


@pytest.mark.parametrize("day", ["7", "-1", "NaN", "9999999999999999", "²"])
def test_a_malformed_contact_day_is_a_field_error(staff_client, preferences_step, day):
    response = complete(staff_client, preferences_step, contact_days=[day])
    assert response.status_code == 400


def test_interests_on_two_lines_are_refused_and_kept(staff_client, preferences_step):
    response = complete(staff_client, preferences_step, interests="espresso\r\ngrinders")
    assert response.status_code == 400
    form = dict(response.context["steps"])[preferences_step]
    assert form.has_error("interests", "line_break")
    assert form["interests"].value() == "espresso\r\ngrinders"
    preferences_step.refresh_from_db()
    assert not preferences_step.is_done


def test_a_cancel_reason_on_two_lines_is_refused(staff_client, seller, template):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    response = staff_client.post(
        f"/onboarding/{onboarding.pk}/cancel/", {"cancel-reason": "Went\r\nelsewhere"}
    )
    assert response.context["cancel_form"].has_error("reason", "line_break")
    onboarding.refresh_from_db()
    assert onboarding.status == Onboarding.Status.ACTIVE


@pytest.mark.parametrize("asked", ["²", "NaN", "99999999999999999999999", "\x00"])
def test_a_malformed_owner_filter_shows_the_list(staff_client, seller, asked):
    assert staff_client.get("/onboarding/", {"owner": asked}).status_code == 200
