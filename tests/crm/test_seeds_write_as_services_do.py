"""Demo and scale data write their rows as the services do, never a copy of a write.

The seeds build each row with the builder its service uses (build_complaint, build_follow_up,
build_onboarding, …). These tests fail when a seed writes a row some other way: a field the
service fills on every new row is missing from a seeded row, or a value the service derives
(a deadline, a reference, a step copied from the template) differs from what it derives.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models

from complaints import intake
from complaints import services as complaint_services
from complaints.models import Complaint, ComplaintHandoff, ComplaintUpdate, Remedy
from crm.calendar import BusinessCalendar
from customers import services as customer_services
from customers.models import FollowUp, Interaction
from onboarding import services as onboarding_services
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

# Seeded rows are checked against each of the models the seeds create in bulk.
SEEDED_MODELS = [
    Complaint,
    ComplaintUpdate,
    Remedy,
    ComplaintHandoff,
    FollowUp,
    Interaction,
    Onboarding,
    OnboardingStep,
    Handoff,
]


@pytest.fixture
def seeded(settings):
    """The demo business and a small scale data set; the keys of each model's seeded rows."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_scale", customers=40, stdout=StringIO())
    return {model: set(model.objects.values_list("pk", flat=True)) for model in SEEDED_MODELS}


@pytest.fixture
def written_by_services(seeded, staff, other_staff):
    """The fields each service fills on a new row of each seeded model, read as written."""
    filled = {}

    def written(row: models.Model) -> None:
        row.refresh_from_db()
        filled[type(row)] = _filled(row)

    customer = CustomerFactory(account_owner=staff)
    interaction, callback = customer_services.log_interaction(
        actor=staff, customer=customer, summary="Asked about beans", needs_callback=True
    )
    written(interaction)
    written(callback)
    complaint = complaint_services.log_complaint(
        actor=staff, customer=customer, customer_words="Late again.", channel="phone"
    )
    written(complaint)
    written(complaint.updates.get())
    written(
        complaint_services.propose_remedy(
            actor=staff, complaint=complaint, kind="apology", amount=None
        )
    )
    written(
        complaint_services.offer_handoff(
            actor=staff, complaint=complaint, to_user=other_staff, note="They expect a call."
        )
    )
    staff.groups.add(Group.objects.get(name="Sales"))
    other_staff.groups.add(Group.objects.get(name="Support"))
    template = ChecklistTemplate.objects.get(name="New customer")
    onboarding = onboarding_services.start_onboarding(
        actor=staff, customer=customer, template=template, owner=staff
    )
    written(onboarding)
    handoff_step = onboarding.steps.filter(is_handoff_point=True).order_by("position").first()
    written(handoff_step)
    written(
        onboarding_services.offer_handoff(
            actor=staff, step=handoff_step, to_user=other_staff, note="A call on Monday."
        )
    )
    return filled


def _filled(row: models.Model) -> set[str]:
    """Return the names of the row's concrete fields that hold a value."""
    return {
        field.attname
        for field in row._meta.concrete_fields
        if getattr(row, field.attname) not in (None, "")
    }


@pytest.mark.parametrize("model", SEEDED_MODELS, ids=lambda model: model.__name__)
def test_every_seeded_row_fills_every_field_its_service_fills_on_a_new_row(
    model, seeded, written_by_services
):
    # given the fields a service fills on every new row of this kind
    expected = written_by_services[model]
    # (what optional input or the customer's past decides may be empty on a seeded row)
    expected -= OPTIONAL.get(model, set())

    # then every seeded row fills them too (it may fill more: later states)
    rows = model.objects.filter(pk__in=seeded[model])
    assert rows.exists(), f"the seeds create no {model.__name__}"
    for row in rows.iterator():
        missing = expected - _filled(row)
        assert not missing, f"seeded {model.__name__} {row.pk} lacks {sorted(missing)}"


# Fields a service fills for the input these tests give and a seed may rightly leave empty.
OPTIONAL = {
    # The source of a follow-up is an interaction here; most commitments have none.
    FollowUp: {"source_type_id", "source_id", "channel", "created_by_id"},
    # Whether the customer's earlier closures give an expected time depends on their past.
    Complaint: {"expected_by"},
    # A status change may carry no words.
    ComplaintUpdate: {"text"},
    # Only a remedy within the proposer's authority is decided at once.
    Remedy: {"decided_at", "decided_by_id"},
}


@pytest.mark.parametrize("model", SEEDED_MODELS, ids=lambda model: model.__name__)
def test_seeded_rows_pass_the_models_validation(model, seeded):
    # Unique checks and constraints are the database's job; the sample keeps it quick.
    for row in model.objects.filter(pk__in=seeded[model]).order_by("pk")[:200]:
        row.full_clean(
            exclude=NOT_CLEAN_ON_SERVICE_ROWS.get(model),
            validate_unique=False,
            validate_constraints=False,
        )


# Fields no new row passes full_clean on, not even one a service writes: the complaint's
# outcome is unknown (None) until the check-in, and the field does not allow a blank.
NOT_CLEAN_ON_SERVICE_ROWS = {Complaint: ["outcome_satisfied"]}


def test_seeded_complaints_carry_the_deadlines_and_reference_logging_derives(seeded):
    rules = intake.IntakeRules.load()
    complaints = Complaint.objects.filter(pk__in=seeded[Complaint])
    for complaint in complaints:
        response, update, resolution = rules.minutes(complaint.severity)
        add = rules.calendar.add_business_minutes
        assert complaint.reference == intake.reference_for(complaint.pk)
        assert complaint.first_response_due == add(complaint.received_at, response)
        assert complaint.resolution_due == add(complaint.received_at, resolution)
        if complaint.status == Complaint.Status.NEW:
            assert complaint.next_update_due == add(complaint.received_at, update)
        earlier = complaints.filter(
            customer=complaint.customer_id, received_at__lt=complaint.received_at
        )
        window = complaint.received_at - intake.REPEAT_WINDOW
        assert complaint.is_repeat == earlier.filter(received_at__gte=window).exists(), complaint


def test_seeded_check_ins_are_those_resolving_and_completing_schedule(seeded):
    # given every seeded after-resolution and after-onboarding check-in
    check_ins = FollowUp.objects.filter(
        pk__in=seeded[FollowUp],
        kind__in=[FollowUp.Kind.AFTER_RESOLUTION, FollowUp.Kind.AFTER_ONBOARDING],
        source_id__isnull=False,  # the demo's past also has check-ins kept without a source
    )
    assert check_ins.filter(kind=FollowUp.Kind.AFTER_RESOLUTION).exists()
    assert check_ins.filter(kind=FollowUp.Kind.AFTER_ONBOARDING).exists()
    for check_in in check_ins:
        source = check_in.source
        # then each is what the service builds for its source
        if check_in.kind == FollowUp.Kind.AFTER_RESOLUTION:
            built = complaint_services.build_check_in(
                complaint=source, actor=check_in.created_by, resolved_at=source.resolved_at
            )
        else:
            built = onboarding_services.build_check_in(
                onboarding=source, actor=check_in.created_by
            )
        for field in ("subject", "due_at", "customer_id", "created_at", "assigned_at"):
            assert getattr(check_in, field) == getattr(built, field), (check_in, field)


def test_seeded_onboarding_steps_are_the_templates_steps_due_as_starting_makes_them(seeded):
    calendar = BusinessCalendar.load()
    onboardings = Onboarding.objects.filter(pk__in=seeded[Onboarding]).select_related("template")
    assert onboardings.exists()
    for onboarding in onboardings:
        template_steps = list(onboarding.template.steps.order_by("position", "pk"))
        steps = list(onboarding.steps.order_by("position"))
        assert [step.title for step in steps] == [step.title for step in template_steps]
        for step, source in zip(steps, template_steps, strict=True):
            assert step.group_id == source.group_id
            assert step.is_handoff_point == source.is_handoff_point
            assert step.due_at == calendar.add_business_days(
                onboarding.started_at, source.due_after_days
            )
        assert onboarding.target_at == max(step.due_at for step in steps)
        assert onboarding.last_progress_at >= onboarding.started_at - timedelta(seconds=1)
