"""Onboarding services: start from a template, steps, preferences, handoffs, completion, cancel,
stalls."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from crm import roles
from crm.calendar import BusinessCalendar
from crm.models import Holiday
from crm.notices import send_due_notices
from customers.models import Customer, FollowUp
from onboarding import services
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep, TemplateStep
from onboarding.services import OnboardingError
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 2026, before the clocks change on 29 March.
THURSDAY = date(2026, 3, 5)
FRIDAY = date(2026, 3, 6)
MONDAY = date(2026, 3, 9)
TUESDAY = date(2026, 3, 10)
WEDNESDAY = date(2026, 3, 11)
CHECK_IN_DAYS = 30

PREFERENCES = {
    "preferred_channel": "email",
    "contact_days": "024",
    "contact_from": time(9),
    "contact_until": time(12),
    "interests": "sourdough, wedding cakes",
}
PROMISE = "Promised delivery of the first order by Friday; they expect a call from support."


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.ONBOARDING_CHECK_IN_DAYS = CHECK_IN_DAYS
    settings.ONBOARDING_STALL_DAYS = 2
    # Notifications are Celery tasks enqueued after commit; run them in-process to see the mail.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.fixture
def sales(db):
    # The defaults migration may create the team groups; tests must not depend on it.
    return Group.objects.get_or_create(name="Sales")[0]


@pytest.fixture
def support(db):
    return Group.objects.get_or_create(name="Support")[0]


@pytest.fixture
def seller(staff, sales):
    """The front-line person who sold to the customer and starts the onboarding."""
    staff.groups.add(sales)
    return staff


@pytest.fixture
def receiver(other_staff, support):
    """A front-line person of the support team, who takes over after the handoff."""
    other_staff.groups.add(support)
    return other_staff


@pytest.fixture
def outsider(sales):
    """A front-line person in sales only: not in the team that takes over."""
    person = UserFactory(username="outsider", first_name="Olga", group=roles.FRONT_LINE_STAFF)
    person.groups.add(sales)
    return person


def make_template(name: str, *steps: dict) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.create(name=name)
    for position, step in enumerate(steps, start=1):
        TemplateStep.objects.create(template=template, **{"position": position, **step})
    return template


@pytest.fixture
def new_customer_template(sales, support) -> ChecklistTemplate:
    """Sales confirm and welcome, hand over to support, who kick off; the check-in is optional."""
    return make_template(
        "Bakery welcome",
        {"title": "Confirm the order in writing", "group": sales, "due_after_days": 1},
        {
            "title": "Welcome call",
            "group": sales,
            "due_after_days": 2,
            "captures_preferences": True,
        },
        {
            "title": "Hand off to support",
            "group": sales,
            "due_after_days": 3,
            "is_handoff_point": True,
        },
        {"title": "Kickoff", "group": support, "due_after_days": 5},
        {"title": "30-day check-in", "group": support, "due_after_days": 20, "is_required": False},
    )


@pytest.fixture
def customer(db) -> Customer:
    return CustomerFactory(name="Ada's Bakery", status=Customer.Status.PROSPECT)


def start(actor, customer, template, *, owner=None, assignees=None, now=None) -> Onboarding:
    return services.start_onboarding(
        actor=actor,
        customer=customer,
        template=template,
        owner=owner or actor,
        assignees=assignees,
        now=now,
    )


def step_titled(onboarding: Onboarding, title: str) -> OnboardingStep:
    return onboarding.steps.get(title=title)


@pytest.fixture
def onboarding(seller, customer, new_customer_template) -> Onboarding:
    """A running onboarding owned by the seller, support's steps left to the owner."""
    return start(seller, customer, new_customer_template)


@pytest.fixture
def at_handoff(onboarding, seller) -> Onboarding:
    """The onboarding with the sales steps before the handoff done."""
    services.complete_step(
        actor=seller, step=step_titled(onboarding, "Confirm the order in writing")
    )
    services.complete_step(
        actor=seller, step=step_titled(onboarding, "Welcome call"), preferences=PREFERENCES
    )
    return onboarding


@pytest.fixture
def handoff(at_handoff, seller, receiver) -> Handoff:
    return services.offer_handoff(
        actor=seller,
        step=step_titled(at_handoff, "Hand off to support"),
        to_user=receiver,
        note=PROMISE,
    )


def mail_to(mailoutbox, user) -> list:
    return [message for message in mailoutbox if message.to == [user.email]]


# --- Starting ------------------------------------------------------------------------------------


def test_start_copies_the_template_steps_in_template_order_numbered_from_one(
    seller, customer, sales, support
):
    # given: steps numbered out of insertion order, with gaps
    template = ChecklistTemplate.objects.create(name="Gappy")
    TemplateStep.objects.create(template=template, position=30, title="Third", group=support)
    TemplateStep.objects.create(template=template, position=10, title="First", group=sales)
    TemplateStep.objects.create(template=template, position=20, title="Second", group=sales)

    # when
    onboarding = start(seller, customer, template)

    # then
    assert list(onboarding.steps.values_list("position", "title")) == [
        (1, "First"),
        (2, "Second"),
        (3, "Third"),
    ]


def test_start_copies_every_field_of_a_template_step(onboarding, sales):
    welcome = step_titled(onboarding, "Welcome call")
    handoff_step = step_titled(onboarding, "Hand off to support")
    check_in = step_titled(onboarding, "30-day check-in")

    assert (welcome.group, welcome.due_after_days, welcome.captures_preferences) == (
        sales,
        2,
        True,
    )
    assert handoff_step.is_handoff_point
    assert not welcome.is_handoff_point
    assert not check_in.is_required
    assert all(not step.is_done for step in onboarding.steps.all())


def test_editing_or_deleting_template_steps_after_start_never_changes_the_running_onboarding(
    onboarding, new_customer_template, support
):
    # given
    before = list(
        onboarding.steps.values_list("position", "title", "group", "due_after_days", "due_at")
    )

    # when: the owner rewrites, reorders, deletes and adds template steps
    steps = new_customer_template.steps
    steps.filter(title="Confirm the order in writing").update(
        title="Call them", group=support, due_after_days=9, position=99
    )
    steps.filter(title="Kickoff").delete()
    TemplateStep.objects.create(template=new_customer_template, title="Extra", group=support)

    # then
    after = list(
        onboarding.steps.values_list("position", "title", "group", "due_after_days", "due_at")
    )
    assert after == before
    assert len(after) == 5


def test_deleting_the_template_keeps_the_running_onboarding_and_its_steps(
    onboarding, new_customer_template
):
    new_customer_template.delete()

    onboarding.refresh_from_db()
    assert onboarding.template is None
    assert onboarding.steps.count() == 5


def test_step_due_dates_count_business_days_from_the_start_skipping_weekends_and_holidays(
    weekdays_nine_to_five, seller, customer, sales, clock
):
    # given: Monday to Friday hours and a holiday on Tuesday
    Holiday.objects.create(date=TUESDAY, name="Bakers' day")
    template = make_template(
        "Short",
        {"title": "Next day", "group": sales, "due_after_days": 1},
        {"title": "Over the weekend", "group": sales, "due_after_days": 2},
        {"title": "Over the holiday", "group": sales, "due_after_days": 3},
        {"title": "Same day", "group": sales, "due_after_days": 0},
    )
    clock.set(at(THURSDAY, 10, 30))

    # when
    onboarding = start(seller, customer, template)

    # then: the same wall-clock time, business days later
    due = dict(onboarding.steps.values_list("title", "due_at"))
    assert due == {
        "Next day": at(FRIDAY, 10, 30),
        "Over the weekend": at(MONDAY, 10, 30),
        "Over the holiday": at(WEDNESDAY, 10, 30),
        "Same day": at(THURSDAY, 10, 30),
    }
    onboarding.refresh_from_db()
    assert onboarding.started_at == at(THURSDAY, 10, 30)
    assert onboarding.target_at == at(WEDNESDAY, 10, 30)


def test_each_group_gets_its_named_assignee_and_a_group_without_one_falls_to_the_owner(
    seller, receiver, customer, new_customer_template, support
):
    onboarding = start(seller, customer, new_customer_template, assignees={support.pk: receiver})

    assignees = dict(onboarding.steps.values_list("title", "assignee"))
    assert assignees == {
        "Confirm the order in writing": seller.pk,
        "Welcome call": seller.pk,
        "Hand off to support": seller.pk,
        "Kickoff": receiver.pk,
        "30-day check-in": receiver.pk,
    }


def test_owner_other_than_the_starter_gets_every_step_without_a_named_assignee(
    seller, receiver, customer, new_customer_template
):
    onboarding = start(seller, customer, new_customer_template, owner=receiver)

    assert onboarding.owner == receiver
    assert set(onboarding.steps.values_list("assignee", flat=True)) == {receiver.pk}


def test_start_makes_a_prospect_an_onboarding_customer(seller, customer, new_customer_template):
    version = customer.version

    start(seller, customer, new_customer_template)

    customer.refresh_from_db()
    assert customer.status == Customer.Status.ONBOARDING
    assert customer.version == version + 1


def test_start_leaves_an_active_customer_active(seller, new_customer_template):
    customer = CustomerFactory(status=Customer.Status.ACTIVE)

    start(seller, customer, new_customer_template)

    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_start_tells_the_named_assignees_but_not_the_starter(
    seller,
    receiver,
    customer,
    new_customer_template,
    support,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        onboarding = start(
            seller, customer, new_customer_template, assignees={support.pk: receiver}
        )

    [message] = mailoutbox
    assert message.to == [receiver.email]
    assert message.subject == "[Tend] Onboarding Ada's Bakery: you have steps"
    assert onboarding.get_absolute_url() in message.body


def test_a_second_active_onboarding_for_the_same_customer_is_refused(
    onboarding, seller, customer, new_customer_template
):
    with pytest.raises(OnboardingError, match="is being onboarded already"):
        start(seller, customer, new_customer_template)

    assert Onboarding.objects.filter(customer=customer).count() == 1


def test_a_customer_can_be_onboarded_again_once_the_first_is_cancelled(
    onboarding, seller, customer, new_customer_template
):
    services.cancel_onboarding(actor=seller, onboarding=onboarding, reason="Order withdrawn")

    again = start(seller, customer, new_customer_template)

    assert again.is_active
    assert again.pk != onboarding.pk


def test_a_template_without_steps_is_refused(seller, customer):
    empty = ChecklistTemplate.objects.create(name="Empty")

    with pytest.raises(OnboardingError, match="has no steps"):
        start(seller, customer, empty)

    assert not Onboarding.objects.exists()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.PROSPECT


def test_someone_without_the_permission_cannot_start_an_onboarding(
    customer, new_customer_template
):
    nobody = UserFactory(username="nobody")

    with pytest.raises(PermissionDenied):
        start(nobody, customer, new_customer_template)

    assert not Onboarding.objects.exists()


def test_a_template_no_longer_in_use_is_refused(seller, customer, new_customer_template):
    new_customer_template.is_active = False
    new_customer_template.save()

    with pytest.raises(OnboardingError, match="no longer in use"):
        start(seller, customer, new_customer_template)

    assert not Onboarding.objects.exists()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.PROSPECT


def test_an_inactive_person_cannot_own_an_onboarding(seller, customer, new_customer_template):
    gone = UserFactory(username="gone", first_name="Gus", is_active=False)

    with pytest.raises(OnboardingError, match="cannot own an onboarding"):
        start(seller, customer, new_customer_template, owner=gone)


# --- Completing steps ----------------------------------------------------------------------------


def test_assignee_completes_a_step_with_a_note(onboarding, seller, clock):
    clock.set(at(FRIDAY, 11))
    step = step_titled(onboarding, "Confirm the order in writing")

    services.complete_step(actor=seller, step=step, note="Emailed the order summary.")

    step.refresh_from_db()
    onboarding.refresh_from_db()
    assert (step.done_at, step.done_by, step.note) == (
        at(FRIDAY, 11),
        seller,
        "Emailed the order summary.",
    )
    assert onboarding.last_progress_at == at(FRIDAY, 11)
    assert onboarding.is_active


def test_assignee_who_does_not_own_the_onboarding_may_complete_their_step(
    seller, receiver, customer, new_customer_template, support
):
    onboarding = start(seller, customer, new_customer_template, assignees={support.pk: receiver})

    step = services.complete_step(actor=receiver, step=step_titled(onboarding, "Kickoff"))

    assert step.done_by == receiver


def test_supervisor_may_complete_anyones_step(onboarding, supervisor):
    step = services.complete_step(
        actor=supervisor, step=step_titled(onboarding, "Confirm the order in writing")
    )

    assert step.done_by == supervisor


def test_someone_who_is_not_the_assignee_owner_or_a_supervisor_cannot_complete_a_step(
    onboarding, outsider
):
    step = step_titled(onboarding, "Confirm the order in writing")

    with pytest.raises(PermissionDenied):
        services.complete_step(actor=outsider, step=step)

    step.refresh_from_db()
    assert not step.is_done


def test_a_done_step_cannot_be_completed_again(onboarding, seller):
    step = step_titled(onboarding, "Confirm the order in writing")
    services.complete_step(actor=seller, step=step, note="first")

    with pytest.raises(OnboardingError, match="done already"):
        services.complete_step(actor=seller, step=step, note="second")

    step.refresh_from_db()
    assert step.note == "first"


def test_a_handoff_step_cannot_be_completed_directly(at_handoff, seller):
    step = step_titled(at_handoff, "Hand off to support")

    with pytest.raises(OnboardingError, match="handing the onboarding over"):
        services.complete_step(actor=seller, step=step)

    step.refresh_from_db()
    assert not step.is_done


def test_steps_of_a_cancelled_onboarding_cannot_be_completed(onboarding, seller):
    services.cancel_onboarding(actor=seller, onboarding=onboarding, reason="Order withdrawn")

    with pytest.raises(OnboardingError, match="cancelled"):
        services.complete_step(
            actor=seller, step=step_titled(onboarding, "Confirm the order in writing")
        )


# --- Preference capture --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left_out", "named"),
    [
        ("preferred_channel", "preferred channel"),
        ("contact_from", "contact window start"),
        ("contact_until", "contact window end"),
        ("interests", "interests"),
    ],
)
def test_a_preferences_step_cannot_be_completed_without_each_preference(
    onboarding, seller, customer, left_out, named
):
    step = step_titled(onboarding, "Welcome call")
    customer.refresh_from_db()
    version = customer.version

    with pytest.raises(OnboardingError, match=named):
        services.complete_step(
            actor=seller, step=step, preferences={**PREFERENCES, left_out: None}
        )

    step.refresh_from_db()
    customer.refresh_from_db()
    assert not step.is_done
    assert customer.version == version
    assert customer.interests == ""


def test_a_preferences_step_cannot_be_completed_without_any_preferences(onboarding, seller):
    step = step_titled(onboarding, "Welcome call")

    with pytest.raises(OnboardingError, match="fill in"):
        services.complete_step(actor=seller, step=step)

    step.refresh_from_db()
    assert not step.is_done


@pytest.mark.parametrize("until", [time(9), time(8, 30)], ids=["same time", "before"])
def test_a_contact_window_that_does_not_end_after_it_starts_is_refused(
    onboarding, seller, customer, until
):
    step = step_titled(onboarding, "Welcome call")

    with pytest.raises(OnboardingError, match="must end after it starts"):
        services.complete_step(
            actor=seller,
            step=step,
            preferences={**PREFERENCES, "contact_from": time(9), "contact_until": until},
        )

    step.refresh_from_db()
    customer.refresh_from_db()
    assert not step.is_done
    assert customer.contact_from is None


def test_completing_the_preferences_step_saves_them_on_the_customer_and_bumps_its_version(
    onboarding, seller, customer
):
    customer.refresh_from_db()
    version = customer.version

    services.complete_step(
        actor=seller, step=step_titled(onboarding, "Welcome call"), preferences=PREFERENCES
    )

    customer.refresh_from_db()
    assert customer.preferred_channel == "email"
    assert customer.contact_days == "024"
    assert (customer.contact_from, customer.contact_until) == (time(9), time(12))
    assert customer.interests == "sourdough, wedding cakes"
    assert customer.version == version + 1


def test_preferences_given_to_an_ordinary_step_are_not_saved(onboarding, seller, customer):
    services.complete_step(
        actor=seller,
        step=step_titled(onboarding, "Confirm the order in writing"),
        preferences=PREFERENCES,
    )

    customer.refresh_from_db()
    assert customer.interests == ""


# --- Completion ----------------------------------------------------------------------------------


def test_finishing_every_required_step_completes_the_onboarding_with_its_effects(
    seller, customer, sales, clock
):
    # given: two required steps and an optional one
    template = make_template(
        "Small",
        {"title": "Confirm", "group": sales},
        {"title": "Extra", "group": sales, "is_required": False},
        {"title": "Kickoff", "group": sales},
    )
    clock.set(at(MONDAY, 9))
    onboarding = start(seller, customer, template)
    services.complete_step(actor=seller, step=step_titled(onboarding, "Confirm"))
    onboarding.refresh_from_db()
    assert onboarding.is_active

    # when: the last required step is done, the optional one still open
    clock.set(at(TUESDAY, 15))
    services.complete_step(actor=seller, step=step_titled(onboarding, "Kickoff"))

    # then
    onboarding.refresh_from_db()
    customer.refresh_from_db()
    assert onboarding.status == Onboarding.Status.COMPLETED
    assert onboarding.completed_at == at(TUESDAY, 15)
    assert not step_titled(onboarding, "Extra").is_done
    assert customer.status == Customer.Status.ACTIVE
    assert customer.became_customer_on == TUESDAY
    [check_in] = FollowUp.objects.filter(customer=customer)
    assert check_in.kind == FollowUp.Kind.AFTER_ONBOARDING
    assert check_in.owner == seller
    # 30 days on, past the change to summer time, at the same hour on the clock
    assert check_in.due_at == at(date(2026, 4, 9), 15)
    assert check_in.status == FollowUp.Status.OPEN
    assert check_in.source_type == ContentType.objects.get_for_model(Onboarding)
    assert check_in.source_id == onboarding.pk


def test_an_optional_step_left_open_at_completion_waits_for_no_one(seller, customer, sales):
    # given: an onboarding whose optional step is still open when the required one is done
    template = make_template(
        "Small",
        {"title": "Extra", "group": sales, "is_required": False},
        {"title": "Kickoff", "group": sales},
    )
    onboarding = start(seller, customer, template)
    other = start(seller, CustomerFactory(status="prospect"), template)

    # when
    services.complete_step(actor=seller, step=step_titled(onboarding, "Kickoff"))

    # then: the open step has stopped, off the seller's My day; another onboarding's has not
    extra = step_titled(onboarding, "Extra")
    assert not extra.is_done
    assert not extra.onboarding_running
    assert set(OnboardingStep.objects.open_for(seller)) == set(other.steps.all())


def test_completion_keeps_an_earlier_became_customer_date(seller, sales):
    customer = CustomerFactory(status=Customer.Status.ACTIVE, became_customer_on=date(2024, 5, 1))
    template = make_template("One", {"title": "Only", "group": sales})
    onboarding = start(seller, customer, template)

    services.complete_step(actor=seller, step=step_titled(onboarding, "Only"))

    customer.refresh_from_db()
    assert customer.became_customer_on == date(2024, 5, 1)


def test_the_whole_welcome_completes_once_support_finishes_and_the_check_in_goes_to_them(
    handoff, receiver, customer
):
    # given: support took over
    onboarding = services.accept_handoff(actor=receiver, handoff=handoff)
    assert onboarding.is_active

    # when
    services.complete_step(actor=receiver, step=step_titled(onboarding, "Kickoff"))

    # then: the optional 30-day check-in step is not needed
    onboarding.refresh_from_db()
    assert onboarding.status == Onboarding.Status.COMPLETED
    [check_in] = FollowUp.objects.filter(customer=customer, kind=FollowUp.Kind.AFTER_ONBOARDING)
    assert check_in.owner == receiver


def test_onboarding_with_required_steps_open_does_not_complete(onboarding, seller, customer):
    services.complete_step(
        actor=seller, step=step_titled(onboarding, "Confirm the order in writing")
    )

    onboarding.refresh_from_db()
    customer.refresh_from_db()
    assert onboarding.is_active
    assert onboarding.completed_at is None
    assert customer.status == Customer.Status.ONBOARDING
    assert not FollowUp.objects.filter(customer=customer).exists()


# --- Cancelling ----------------------------------------------------------------------------------


def test_owner_cancels_an_onboarding_saying_why(onboarding, seller, clock):
    clock.set(at(MONDAY, 12))

    services.cancel_onboarding(actor=seller, onboarding=onboarding, reason="Order withdrawn")

    onboarding.refresh_from_db()
    assert onboarding.status == Onboarding.Status.CANCELLED
    assert onboarding.cancelled_at == at(MONDAY, 12)
    assert onboarding.cancel_reason == "Order withdrawn"


def test_cancelling_stops_the_open_steps_so_no_one_waits_on_them(onboarding, seller):
    services.complete_step(
        actor=seller, step=step_titled(onboarding, "Confirm the order in writing")
    )
    assert OnboardingStep.objects.open_for(seller).exists()

    services.cancel_onboarding(actor=seller, onboarding=onboarding, reason="Order withdrawn")

    assert not OnboardingStep.objects.open_for(seller).exists()
    assert not onboarding.steps.filter(onboarding_running=True).exists()
    # The step done before stays as it was: done, by the seller.
    assert step_titled(onboarding, "Confirm the order in writing").done_by == seller


def test_supervisor_may_cancel_anyones_onboarding(onboarding, supervisor):
    services.cancel_onboarding(actor=supervisor, onboarding=onboarding, reason="Duplicate")

    onboarding.refresh_from_db()
    assert onboarding.status == Onboarding.Status.CANCELLED


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(onboarding, seller, reason):
    with pytest.raises(OnboardingError, match="Say why"):
        services.cancel_onboarding(actor=seller, onboarding=onboarding, reason=reason)

    onboarding.refresh_from_db()
    assert onboarding.is_active


def test_only_the_owner_or_a_supervisor_may_cancel(onboarding, receiver):
    with pytest.raises(PermissionDenied):
        services.cancel_onboarding(actor=receiver, onboarding=onboarding, reason="Not mine")

    onboarding.refresh_from_db()
    assert onboarding.is_active


def test_former_owner_holding_a_stale_copy_cannot_cancel_after_the_handoff_was_accepted(
    handoff, seller, receiver
):
    # given: the seller's page was loaded before support accepted
    stale = Onboarding.objects.get(pk=handoff.onboarding_id)
    services.accept_handoff(actor=receiver, handoff=handoff)

    # when/then
    with pytest.raises(PermissionDenied):
        services.cancel_onboarding(actor=seller, onboarding=stale, reason="Changed my mind")
    stale.refresh_from_db()
    assert stale.is_active


def test_cancelling_withdraws_the_handoff_waiting_for_an_answer(handoff, seller, receiver):
    services.cancel_onboarding(
        actor=seller, onboarding=handoff.onboarding, reason="Order withdrawn"
    )

    handoff.refresh_from_db()
    assert not handoff.is_pending
    assert handoff.accepted_at is None
    assert handoff.decline_reason == "The onboarding was cancelled."
    with pytest.raises(OnboardingError):
        services.accept_handoff(actor=receiver, handoff=handoff)


def test_a_finished_onboarding_cannot_be_cancelled(seller, customer, sales):
    template = make_template("One", {"title": "Only", "group": sales})
    onboarding = start(seller, customer, template)
    services.complete_step(actor=seller, step=step_titled(onboarding, "Only"))

    with pytest.raises(OnboardingError, match="completed"):
        services.cancel_onboarding(actor=seller, onboarding=onboarding, reason="Too late")

    onboarding.refresh_from_db()
    assert onboarding.status == Onboarding.Status.COMPLETED


# --- Stall detection -----------------------------------------------------------------------------


def test_stalled_since_counts_business_days_so_a_weekend_does_not_count(weekdays_nine_to_five):
    # ONBOARDING_STALL_DAYS is 2: from Monday, the two business days back are Friday, Thursday.
    assert services.stalled_since(at(MONDAY, 10)) == at(THURSDAY, 10)


def test_stalled_since_skips_holidays(weekdays_nine_to_five):
    Holiday.objects.create(date=FRIDAY, name="Bakers' day")

    assert services.stalled_since(at(MONDAY, 10)) == at(date(2026, 3, 4), 10)


def test_stalled_since_counts_calendar_days_when_open_around_the_clock():
    assert services.stalled_since(at(MONDAY, 10), BusinessCalendar({})) == at(date(2026, 3, 7), 10)


def test_onboarding_without_progress_over_a_weekend_is_not_stalled_but_is_after_two_workdays(
    weekdays_nine_to_five, seller, customer, new_customer_template, clock
):
    # given: the last progress on Friday morning
    clock.set(at(FRIDAY, 9))
    onboarding = start(seller, customer, new_customer_template)

    # when/then: three calendar days later, only one business day has passed
    monday = services.stalled_since(at(MONDAY, 10))
    assert not Onboarding.objects.stalled(since=monday).exists()
    # by Tuesday 10:00 two business days (Monday and Friday) have passed
    tuesday = services.stalled_since(at(TUESDAY, 10))
    assert list(Onboarding.objects.stalled(since=tuesday)) == [onboarding]


def test_completing_a_step_takes_an_onboarding_out_of_the_stalled(
    weekdays_nine_to_five, onboarding, seller, clock
):
    Onboarding.objects.filter(pk=onboarding.pk).update(last_progress_at=at(MONDAY, 9))
    since = services.stalled_since(at(WEDNESDAY, 10))
    assert list(Onboarding.objects.stalled(since=since)) == [onboarding]

    clock.set(at(WEDNESDAY, 10))
    services.complete_step(
        actor=seller, step=step_titled(onboarding, "Confirm the order in writing")
    )

    assert not Onboarding.objects.stalled(since=since).exists()


# --- Handoffs: offering --------------------------------------------------------------------------


def test_offering_a_handoff_tells_the_receiver_and_the_sender_stays_owner(
    at_handoff, seller, receiver, mailoutbox, django_capture_on_commit_callbacks
):
    step = step_titled(at_handoff, "Hand off to support")

    with django_capture_on_commit_callbacks(execute=True):
        handoff = services.offer_handoff(actor=seller, step=step, to_user=receiver, note=PROMISE)

    at_handoff.refresh_from_db()
    step.refresh_from_db()
    assert handoff.is_pending
    assert (handoff.from_user, handoff.to_user, handoff.step) == (seller, receiver, step)
    assert at_handoff.owner == seller
    assert not step.is_done
    [message] = mailoutbox
    assert message.to == [receiver.email]
    assert message.subject == "[Tend] Will you take over onboarding Ada's Bakery?"
    assert PROMISE in message.body


def test_an_onboarding_offered_while_the_broker_is_down_reaches_the_receiver_once_it_is_back(
    at_handoff, seller, receiver, mailoutbox, django_capture_on_commit_callbacks, broker, clock
):
    # given: the broker is down when the handoff is offered
    clock.set(at(MONDAY, 10))
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_handoff(
            actor=seller,
            step=step_titled(at_handoff, "Hand off to support"),
            to_user=receiver,
            note=PROMISE,
        )
    assert mailoutbox == []

    # when: it is back and the notices catch-up runs, twice
    broker.up()
    clock.set(at(MONDAY, 10, 5))
    with django_capture_on_commit_callbacks(execute=True):
        send_due_notices()
        send_due_notices()

    # then: the receiver is asked, once
    [message] = mailoutbox
    assert message.to == [receiver.email]
    assert message.subject == "[Tend] Will you take over onboarding Ada's Bakery?"


def test_handing_off_to_someone_outside_the_next_group_is_refused_with_a_clear_message(
    at_handoff, seller, outsider
):
    with pytest.raises(OnboardingError) as refused:
        services.offer_handoff(
            actor=seller,
            step=step_titled(at_handoff, "Hand off to support"),
            to_user=outsider,
            note=PROMISE,
        )

    assert str(refused.value) == (
        f"{outsider.get_full_name()} is not in Support, the team that takes over."
    )
    assert not Handoff.objects.exists()


def test_handing_off_to_an_inactive_member_of_the_next_group_is_refused(
    at_handoff, seller, receiver
):
    receiver.is_active = False
    receiver.save(update_fields=["is_active"])

    with pytest.raises(OnboardingError, match="is not in Support"):
        services.offer_handoff(
            actor=seller,
            step=step_titled(at_handoff, "Hand off to support"),
            to_user=receiver,
            note=PROMISE,
        )


def test_a_handoff_is_offered_only_at_a_handoff_step(onboarding, seller, receiver):
    with pytest.raises(OnboardingError, match="open handoff step"):
        services.offer_handoff(
            actor=seller,
            step=step_titled(onboarding, "Confirm the order in writing"),
            to_user=receiver,
            note=PROMISE,
        )


def test_only_the_owner_or_a_supervisor_may_offer_a_handoff(at_handoff, outsider, receiver):
    with pytest.raises(PermissionDenied):
        services.offer_handoff(
            actor=outsider,
            step=step_titled(at_handoff, "Hand off to support"),
            to_user=receiver,
            note=PROMISE,
        )

    assert not Handoff.objects.exists()


def test_a_supervisor_offers_on_the_owners_behalf_and_the_owner_is_the_sender(
    at_handoff, seller, supervisor, receiver
):
    handoff = services.offer_handoff(
        actor=supervisor,
        step=step_titled(at_handoff, "Hand off to support"),
        to_user=receiver,
        note=PROMISE,
    )

    assert handoff.from_user == seller


# --- Handoffs: answering -------------------------------------------------------------------------


def test_accepting_makes_the_receiver_owner_and_marks_the_handoff_step_done(
    handoff, seller, receiver, clock
):
    clock.set(at(MONDAY, 14))

    onboarding = services.accept_handoff(actor=receiver, handoff=handoff)

    onboarding.refresh_from_db()
    handoff.refresh_from_db()
    step = step_titled(onboarding, "Hand off to support")
    assert onboarding.owner == receiver
    assert onboarding.last_progress_at == at(MONDAY, 14)
    assert handoff.accepted_at == at(MONDAY, 14)
    assert (step.done_at, step.done_by, step.note) == (at(MONDAY, 14), seller, PROMISE)


def test_accepting_passes_the_later_steps_left_to_the_sender_to_the_receiver(handoff, receiver):
    onboarding = services.accept_handoff(actor=receiver, handoff=handoff)

    assignees = dict(onboarding.steps.values_list("title", "assignee"))
    assert assignees["Kickoff"] == receiver.pk
    assert assignees["30-day check-in"] == receiver.pk
    # Done steps keep who did them.
    assert assignees["Welcome call"] != receiver.pk


def test_declining_keeps_the_owner_and_tells_the_sender_why(
    handoff, seller, receiver, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_handoff(actor=receiver, handoff=handoff, reason="On leave next week")

    handoff.refresh_from_db()
    handoff.onboarding.refresh_from_db()
    assert handoff.declined_at is not None
    assert handoff.decline_reason == "On leave next week"
    assert handoff.onboarding.owner == seller
    assert not handoff.step.is_done
    [message] = mailoutbox
    assert message.to == [seller.email]
    assert message.subject == (
        f"[Tend] {receiver.get_full_name()} declined the onboarding of Ada's Bakery"
    )
    assert "On leave next week" in message.body


# --- Handoffs on finished work -------------------------------------------------------------------


def finish(onboarding, how, actor):
    """Cancel the onboarding, or complete it by doing every required step still open."""
    if how == "cancelled":
        services.cancel_onboarding(actor=actor, onboarding=onboarding, reason="Order withdrawn")
        return
    onboarding.steps.filter(is_handoff_point=True).update(is_required=False)
    for step in onboarding.steps.filter(
        is_required=True, done_at__isnull=True, is_handoff_point=False
    ):
        services.complete_step(actor=actor, step=step, preferences=PREFERENCES)
    onboarding.refresh_from_db()
    assert onboarding.status == how


@pytest.mark.parametrize("how", ["cancelled", "completed"])
def test_a_finished_onboarding_cannot_be_offered(how, at_handoff, seller, receiver):
    finish(at_handoff, how, seller)

    with pytest.raises(OnboardingError, match=how):
        services.offer_handoff(
            actor=seller,
            step=step_titled(at_handoff, "Hand off to support"),
            to_user=receiver,
            note=PROMISE,
        )

    assert not Handoff.objects.exists()


@pytest.mark.parametrize("how", ["cancelled", "completed"])
def test_an_offer_pending_when_the_onboarding_finished_is_withdrawn_and_cannot_be_accepted(
    how, handoff, seller, receiver
):
    # given: support had not answered when the onboarding was cancelled or completed
    finish(handoff.onboarding, how, seller)

    # when / then
    with pytest.raises(OnboardingError, match=how):
        services.accept_handoff(actor=receiver, handoff=handoff)
    handoff.refresh_from_db()
    onboarding = Onboarding.objects.get(pk=handoff.onboarding_id)
    assert onboarding.owner == seller
    assert handoff.accepted_at is None
    assert handoff.declined_at is not None
    assert handoff.decline_reason == f"The onboarding was {how}."
    assert not step_titled(onboarding, "Hand off to support").is_done


def test_an_offer_left_pending_on_a_completed_onboarding_cannot_be_accepted(
    handoff, seller, receiver
):
    # given: an offer written before completion withdrew offers, still pending
    Onboarding.objects.filter(pk=handoff.onboarding_id).update(status=Onboarding.Status.COMPLETED)

    with pytest.raises(OnboardingError, match="completed"):
        services.accept_handoff(actor=receiver, handoff=handoff)

    handoff.refresh_from_db()
    assert handoff.is_pending
    assert Onboarding.objects.get(pk=handoff.onboarding_id).owner == seller


# --- History ---------------------------------------------------------------------------------


def test_starting_records_each_copied_step_in_its_history_by_the_starter(onboarding, seller):
    steps = list(onboarding.steps.all())

    records = OnboardingStep.history.filter(id__in=[step.pk for step in steps])

    assert records.count() == len(steps)
    assert {(record.history_type, record.history_user) for record in records} == {("+", seller)}


def test_accepting_records_the_steps_that_fall_to_the_receiver_in_their_history(handoff, receiver):
    services.accept_handoff(actor=receiver, handoff=handoff)

    kickoff = step_titled(handoff.onboarding, "Kickoff")
    latest = kickoff.history.latest()
    assert latest.assignee == receiver
    assert latest.history_user == receiver
    assert handoff.history.latest().accepted_at is not None


def test_cancelling_records_the_withdrawn_handoff_in_its_history(handoff, seller):
    services.cancel_onboarding(
        actor=seller, onboarding=handoff.onboarding, reason="Order withdrawn"
    )

    latest = Handoff.objects.get(pk=handoff.pk).history.latest()
    assert latest.declined_at is not None
    assert latest.decline_reason == "The onboarding was cancelled."
