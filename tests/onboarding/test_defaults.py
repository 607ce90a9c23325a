"""The starting values onboarding's migration puts in: the two teams and the "New customer"
checklist."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from crm import roles
from onboarding import services
from onboarding.models import ChecklistTemplate, TemplateStep
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

defaults = importlib.import_module("onboarding.migrations.0002_defaults")

TEAMS = {"Sales", "Support"}


def new_customer_template() -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(name="New customer")


def test_the_sales_and_support_teams_exist_and_grant_nothing():
    teams = Group.objects.filter(name__in=TEAMS)

    assert set(teams.values_list("name", flat=True)) == TEAMS
    assert not teams.filter(permissions__isnull=False).exists()


def test_the_new_customer_checklist_has_seven_ordered_steps_from_sales_to_support():
    steps = new_customer_template().steps.select_related("group").order_by("position")

    assert [
        (step.position, step.title, step.group.name, step.due_after_days) for step in steps
    ] == [
        (1, "Confirm the order in writing", "Sales", 1),
        (2, "Explain the fulfilment process and timeline", "Sales", 2),
        (3, "Welcome call: capture their preferences", "Sales", 3),
        (4, "Kickoff", "Sales", 5),
        (5, "First delivery check", "Sales", 10),
        (6, "Handoff to support", "Sales", 12),
        (7, "30-day check-in", "Support", 30),
    ]
    assert [step.position for step in steps if step.captures_preferences] == [3]
    assert [step.position for step in steps if step.is_handoff_point] == [6]
    assert all(step.is_required for step in steps)
    assert all(len(step.instructions) > 80 for step in steps)
    assert new_customer_template().is_active


def test_the_checklist_names_only_the_teams_so_removing_the_role_groups_is_never_blocked():
    groups = set(TemplateStep.objects.values_list("group__name", flat=True))

    assert groups <= TEAMS
    assert not groups & set(roles.ROLE_PERMISSIONS)


def test_an_onboarding_started_from_the_checklist_is_handed_from_sales_to_support():
    # given an owner starting the default checklist for a new customer
    owner = UserFactory(group=roles.OWNERS)
    onboarding = services.start_onboarding(
        actor=owner,
        customer=CustomerFactory(status="prospect"),
        template=new_customer_template(),
        owner=owner,
    )

    # then the handoff step passes the work to Support
    handoff_step = onboarding.steps.get(is_handoff_point=True)
    assert services.next_group(handoff_step).name == "Support"
    assert onboarding.steps.count() == 7


def test_running_the_defaults_again_keeps_an_owners_edits_and_brings_back_a_deleted_team():
    # given an owner who reworded a step, and deleted the Support team with its step
    template = new_customer_template()
    template.steps.filter(position=4).update(title="Kickoff meeting")
    TemplateStep.objects.filter(group__name="Support").delete()
    Group.objects.get(name="Support").delete()
    steps = TemplateStep.objects.count()

    # when
    defaults.create_defaults(apps, schema_editor=None)

    # then the edits stand, the team is back, and nothing is doubled
    assert template.steps.get(position=4).title == "Kickoff meeting"
    assert Group.objects.filter(name="Support").exists()
    assert ChecklistTemplate.objects.filter(name="New customer").count() == 1
    assert TemplateStep.objects.count() == steps


def test_the_defaults_fill_in_the_steps_of_a_template_left_empty():
    new_customer_template().steps.all().delete()

    defaults.create_defaults(apps, schema_editor=None)

    assert new_customer_template().steps.count() == 7
