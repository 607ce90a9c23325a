"""Onboarding models: the database's guards and the querysets named for intent."""

import importlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from customers.models import Customer
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep, TemplateStep
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOON = datetime(2026, 3, 9, 12, tzinfo=LONDON)
STATUS = Onboarding.Status
step_running = importlib.import_module("onboarding.migrations.0008_step_onboarding_running")


@pytest.fixture
def sales(db):
    # The defaults migration may create the team groups; tests must not depend on it.
    return Group.objects.get_or_create(name="Sales")[0]


@pytest.fixture
def support(db):
    return Group.objects.get_or_create(name="Support")[0]


def onboarding_for(customer: Customer, owner, **fields) -> Onboarding:
    return Onboarding.objects.create(
        customer=customer, name=f"New customer: {customer.name}", owner=owner, **fields
    )


def handoff_step(onboarding: Onboarding, group: Group) -> OnboardingStep:
    return OnboardingStep.objects.create(
        onboarding=onboarding,
        position=1,
        title="Hand off to support",
        group=group,
        assignee=onboarding.owner,
        due_at=NOON,
        is_handoff_point=True,
    )


def test_the_database_refuses_a_second_active_onboarding_for_a_customer(staff):
    customer = CustomerFactory()
    onboarding_for(customer, staff)

    with pytest.raises(IntegrityError), transaction.atomic():
        onboarding_for(customer, staff)


@pytest.mark.parametrize("status", [STATUS.COMPLETED, STATUS.CANCELLED])
def test_a_finished_onboarding_does_not_block_a_new_one_for_the_customer(staff, status):
    customer = CustomerFactory()
    onboarding_for(customer, staff, status=status)

    again = onboarding_for(customer, staff)

    assert again.is_active
    assert Onboarding.objects.filter(customer=customer).count() == 2


def test_the_database_refuses_a_second_pending_handoff_for_an_onboarding(
    staff, other_staff, sales
):
    onboarding = onboarding_for(CustomerFactory(), staff)
    step = handoff_step(onboarding, sales)
    Handoff.objects.create(
        onboarding=onboarding, step=step, from_user=staff, to_user=other_staff, note="Promised"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Handoff.objects.create(
            onboarding=onboarding, step=step, from_user=staff, to_user=staff, note="Promised"
        )


def test_an_answered_handoff_does_not_block_the_next_one(staff, other_staff, sales):
    onboarding = onboarding_for(CustomerFactory(), staff)
    step = handoff_step(onboarding, sales)
    declined = Handoff.objects.create(
        onboarding=onboarding,
        step=step,
        from_user=staff,
        to_user=other_staff,
        note="Promised",
        declined_at=NOON,
        decline_reason="On leave",
    )

    again = Handoff.objects.create(
        onboarding=onboarding, step=step, from_user=staff, to_user=other_staff, note="Promised"
    )

    assert not declined.is_pending
    assert again.is_pending


def test_active_keeps_only_running_onboardings(staff):
    running = onboarding_for(CustomerFactory(), staff)
    onboarding_for(CustomerFactory(), staff, status=STATUS.COMPLETED)
    onboarding_for(CustomerFactory(), staff, status=STATUS.CANCELLED)

    assert list(Onboarding.objects.active()) == [running]


def test_stalled_keeps_active_onboardings_without_progress_since_the_moment(staff):
    since = NOON - timedelta(days=2)
    stalled = onboarding_for(CustomerFactory(), staff, last_progress_at=since - timedelta(hours=1))
    onboarding_for(CustomerFactory(), staff, last_progress_at=since + timedelta(hours=1))
    # Progress exactly at the moment is progress since it.
    onboarding_for(CustomerFactory(), staff, last_progress_at=since)
    for status in (STATUS.COMPLETED, STATUS.CANCELLED):
        onboarding_for(
            CustomerFactory(), staff, status=status, last_progress_at=since - timedelta(days=9)
        )

    assert list(Onboarding.objects.stalled(since=since)) == [stalled]


def test_a_persons_open_steps_are_read_without_their_onboardings(staff):
    # The keys My day counts go through onboarding_step_open_idx alone: a join to the
    # onboardings' status walked every step ever left open on an ended one.
    keys = OnboardingStep.objects.open_for(staff).order_by().values("pk").query

    assert "JOIN" not in str(keys)


def test_the_migration_stops_the_steps_left_open_on_ended_onboardings(staff, sales):
    # given: steps as they were before the migration, every one marked running
    steps = {
        status: handoff_step(onboarding_for(CustomerFactory(), staff, status=status), sales)
        for status in STATUS.values
    }
    OnboardingStep.objects.update(onboarding_running=True)

    # when
    step_running.stop_steps_of_ended_onboardings(apps, schema_editor=None)

    # then
    assert {
        status: OnboardingStep.objects.get(pk=step.pk).onboarding_running
        for status, step in steps.items()
    } == {
        STATUS.ACTIVE: True,
        STATUS.COMPLETED: False,
        STATUS.CANCELLED: False,
    }
    assert list(OnboardingStep.objects.open_for(staff)) == [steps[STATUS.ACTIVE]]


def test_template_steps_are_listed_in_their_order(sales, support):
    template = ChecklistTemplate.objects.create(name="Bakery welcome")
    TemplateStep.objects.create(template=template, position=2, title="Kickoff", group=support)
    TemplateStep.objects.create(template=template, position=1, title="Welcome", group=sales)

    assert [step.title for step in template.steps.all()] == ["Welcome", "Kickoff"]


def test_onboarding_steps_are_listed_in_their_order(staff, sales):
    onboarding = onboarding_for(CustomerFactory(), staff)
    for position, title in ((3, "Third"), (1, "First"), (2, "Second")):
        OnboardingStep.objects.create(
            onboarding=onboarding,
            position=position,
            title=title,
            group=sales,
            assignee=staff,
            due_at=NOON,
        )

    assert [step.title for step in onboarding.steps.all()] == ["First", "Second", "Third"]


def test_a_step_is_done_once_it_has_a_done_time(staff, sales):
    step = handoff_step(onboarding_for(CustomerFactory(), staff), sales)
    assert not step.is_done

    step.done_at = NOON

    assert step.is_done


def test_onboarding_links_to_its_page(staff):
    onboarding = onboarding_for(CustomerFactory(name="Ada's Bakery"), staff)

    assert onboarding.get_absolute_url() == f"/onboarding/{onboarding.pk}/"
    assert str(onboarding) == "New customer: Ada's Bakery"
