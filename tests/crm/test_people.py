"""Pages name people through {{ user|person }}: a missing person shows as nobody, never a 500."""

import pytest
from django.template import Context, Template
from django.utils import timezone

from customers.models import Customer
from tests.factories import OnboardingStepFactory, UserFactory

pytestmark = pytest.mark.django_db


def render(text, **context):
    return Template("{% load people %}" + text).render(Context(context))


def test_a_person_is_named_by_full_name_else_username():
    assert render("{{ u|person }}", u=UserFactory(first_name="Ann", last_name="Lee")) == "Ann Lee"
    assert (
        render("{{ u|person }}", u=UserFactory(username="ann", first_name="", last_name=""))
        == "ann"
    )


def test_nobody_is_named_empty():
    assert render("{{ u|person }}|{{ missing.owner|person }}", u=None) == "|"


def test_a_customer_saved_with_only_a_name_can_be_opened_and_listed(staff_client):
    customer = Customer.objects.create(name="Only a name")
    response = staff_client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    assert "nobody yet" in response.content.decode()
    assert staff_client.get("/customers/").status_code == 200


def test_an_onboarding_whose_step_was_done_by_a_removed_person_can_be_opened(staff_client, staff):
    step = OnboardingStepFactory(onboarding__owner=staff, done_at=timezone.now(), done_by=None)
    response = staff_client.get(f"/onboarding/{step.onboarding.pk}/")
    assert response.status_code == 200
