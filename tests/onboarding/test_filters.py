"""The onboarding list's filters that other pages link to."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from onboarding import services
from onboarding.models import ChecklistTemplate
from tests.factories import CustomerFactory, HandoffFactory, OnboardingFactory

pytestmark = pytest.mark.django_db


def test_the_list_filtered_by_assignee_holds_the_onboardings_with_their_open_steps(
    staff_client, staff, other_staff
):
    # given: two onboardings with a step for other_staff, one of them done, and one without
    staff.groups.add(Group.objects.get(name="Sales"))
    template = ChecklistTemplate.objects.get(name="New customer")
    mine, done, _other = (
        services.start_onboarding(
            actor=staff,
            customer=CustomerFactory(status="prospect"),
            template=template,
            owner=staff,
        )
        for _ in range(3)
    )
    for onboarding in (mine, done):
        onboarding.steps.filter(position=1).update(assignee=other_staff)
    done.steps.filter(position=1).update(done_at=timezone.now(), done_by=other_staff)

    # when: My day's "All onboardings with your steps" for other_staff
    response = staff_client.get("/onboarding/", {"assignee": other_staff.pk})

    # then
    assert list(response.context["page"]) == [mine]


def test_a_step_left_open_on_a_cancelled_onboarding_is_no_longer_waiting(
    staff_client, staff, other_staff
):
    # given: other_staff's first step still open when the onboarding was cancelled
    staff.groups.add(Group.objects.get(name="Sales"))
    onboarding = services.start_onboarding(
        actor=staff,
        customer=CustomerFactory(status="prospect"),
        template=ChecklistTemplate.objects.get(name="New customer"),
        owner=staff,
    )
    onboarding.steps.filter(position=1).update(assignee=other_staff)
    services.cancel_onboarding(actor=staff, onboarding=onboarding, reason="Order withdrawn")

    # when: every onboarding, whatever its status, with open steps for other_staff
    response = staff_client.get("/onboarding/", {"assignee": other_staff.pk, "status": ""})

    # then
    assert list(response.context["page"]) == []


def test_a_handoff_choice_without_dates_keeps_only_answered_handoffs(client, supervisor):
    waiting, declined = OnboardingFactory(), OnboardingFactory()
    HandoffFactory(onboarding=waiting)
    HandoffFactory(onboarding=declined, declined_at=declined.started_at, decline_reason="No")
    client.force_login(supervisor)

    response = client.get("/onboarding/", {"happened": "handoff_declined", "status": ""})

    assert {onboarding.pk for onboarding in response.context["page"]} == {declined.pk}


def test_an_event_choice_without_dates_keeps_only_onboardings_with_that_event(client, supervisor):
    running = OnboardingFactory()
    cancelled = OnboardingFactory(status="cancelled", cancelled_at=timezone.now())
    client.force_login(supervisor)

    response = client.get("/onboarding/", {"happened": "cancelled", "status": ""})

    assert {onboarding.pk for onboarding in response.context["page"]} == {cancelled.pk}
    assert running.pk not in {onboarding.pk for onboarding in response.context["page"]}
