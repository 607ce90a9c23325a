"""Demo onboardings (seed_demo) and synthetic onboardings in bulk (seed_scale)."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from crm import demo, roles
from crm.calendar import BusinessCalendar
from crm.models import BusinessHours
from customers.demo import DEMO_EMAIL_DOMAIN, seed_demo_customers
from customers.models import Customer, FollowUp
from onboarding.demo import seed_demo_onboardings
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep
from onboarding.scale import ONBOARDING_STEP
from onboarding.services import stalled_since
from tests.factories import CustomerFactory, OnboardingFactory

pytestmark = pytest.mark.django_db

Status = Onboarding.Status
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a Tuesday


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def seeded(debug_on, time_machine):
    time_machine.move_to(NOW, tick=False)
    call_command("seed_demo", stdout=StringIO())
    return Onboarding.objects.select_related("customer", "owner")


def check_ins_of(onboarding: Onboarding):
    return FollowUp.objects.filter(
        kind=FollowUp.Kind.AFTER_ONBOARDING,
        source_type__model="onboarding",
        source_id=onboarding.pk,
    )


def done_count(onboarding: Onboarding) -> int:
    return onboarding.steps.filter(done_at__isnull=False).count()


def pending_handoffs():
    return Handoff.objects.pending()


# --- The demo people's teams ---------------------------------------------------------------------


def test_seed_demo_puts_sam_and_sue_in_sales_and_alex_in_support_beside_their_roles(debug_on):
    call_command("seed_demo", stdout=StringIO())

    def groups_of(username):
        user = get_user_model().objects.get(username=username)
        return set(user.groups.values_list("name", flat=True))

    assert groups_of("sam") == {roles.FRONT_LINE_STAFF, "Sales"}
    assert groups_of("sue") == {roles.SUPERVISORS, "Sales"}
    assert groups_of("alex") == {roles.FRONT_LINE_STAFF, "Support"}
    assert groups_of("olivia") == {roles.OWNERS}


def test_demo_people_seeded_before_the_teams_existed_join_them_on_the_next_run(debug_on):
    # given the demo people, and the teams deleted since (no template step uses them here)
    demo.seed_demo_people()
    ChecklistTemplate.objects.all().delete()
    Group.objects.filter(name__in=["Sales", "Support"]).delete()

    # when
    demo.seed_demo_people()

    # then
    sales = Group.objects.get(name="Sales")
    assert set(sales.user_set.values_list("username", flat=True)) == {"sam", "sue"}


# --- The demo onboardings ------------------------------------------------------------------------


def test_seed_demo_adds_onboardings_in_every_status_on_demo_customers(seeded):
    assert 6 <= seeded.count() <= 10
    assert set(seeded.values_list("status", flat=True)) == set(Status.values)
    assert not seeded.exclude(customer__email__iendswith=DEMO_EMAIL_DOMAIN).exists()
    assert set(seeded.values_list("template__name", flat=True)) == {"New customer"}
    assert set(seeded.annotate(n=Count("steps")).values_list("n", flat=True)) == {7}


def test_every_demo_customer_being_onboarded_has_a_running_onboarding(seeded):
    onboarding_customers = Customer.objects.filter(status=Customer.Status.ONBOARDING)

    assert onboarding_customers.count() == 5
    assert set(seeded.active().values_list("customer", flat=True)) == set(
        onboarding_customers.values_list("pk", flat=True)
    )


def test_demo_has_one_just_started_with_nothing_done_yet(seeded):
    started = [o for o in seeded.active() if done_count(o) == 0]

    assert len(started) == 1
    assert NOW - started[0].started_at < timedelta(hours=12)
    assert started[0].last_progress_at == started[0].started_at


def test_demo_has_one_mid_way_with_the_preferences_taken(seeded):
    mid_way = [
        onboarding
        for onboarding in seeded.active()
        if onboarding.steps.filter(captures_preferences=True, done_at__isnull=False).exists()
        and not onboarding.steps.filter(is_handoff_point=True, done_at__isnull=False).exists()
        and not onboarding.handoffs.exists()
    ]

    assert len(mid_way) == 1
    onboarding = mid_way[0]
    welcome = onboarding.steps.get(captures_preferences=True)
    assert welcome.note.startswith("Welcome call done.")
    customer = onboarding.customer
    assert customer.preferred_channel and customer.contact_from and customer.interests
    # and its kickoff is late, so the list has an overdue step to show
    assert onboarding.steps.filter(done_at=None, due_at__lt=NOW).exists()


def test_demo_has_a_handoff_from_sam_to_alex_waiting_at_the_handoff_step(seeded):
    handoff = pending_handoffs().select_related("onboarding", "step").get()

    assert (handoff.from_user.username, handoff.to_user.username) == ("sam", "alex")
    assert handoff.step.is_handoff_point
    assert handoff.step.done_at is None
    assert handoff.onboarding.owner.username == "sam"  # the sender stays the owner
    assert handoff.onboarding.status == Status.ACTIVE
    # every step before the handoff is done
    earlier = handoff.onboarding.steps.filter(position__lt=handoff.step.position)
    assert not earlier.filter(done_at=None).exists()
    assert handoff.note
    assert NOW - handoff.created_at < timedelta(hours=4)
    assert handoff.to_user.groups.filter(name="Support").exists()


def test_demo_has_one_handed_over_after_a_first_decline(seeded):
    declined = Handoff.objects.declined().select_related("onboarding").get()

    onboarding = declined.onboarding
    assert declined.decline_reason
    accepted = onboarding.handoffs.accepted().get()
    assert declined.declined_at < accepted.created_at < accepted.accepted_at
    assert onboarding.status == Status.ACTIVE
    assert onboarding.owner == accepted.to_user
    handoff_step = onboarding.steps.get(is_handoff_point=True)
    assert handoff_step.done_at == accepted.accepted_at
    assert handoff_step.done_by == accepted.from_user
    assert list(onboarding.steps.filter(done_at=None).values_list("group__name", flat=True)) == [
        "Support"
    ]


def test_demo_has_exactly_one_stalled_onboarding_started_weeks_ago(seeded):
    stalled = Onboarding.objects.stalled(since=stalled_since(NOW))

    assert stalled.count() == 1
    onboarding = stalled.get()
    assert NOW - onboarding.started_at >= timedelta(days=14)
    assert 0 < done_count(onboarding) < 7
    last_done = onboarding.steps.exclude(done_at=None).latest("done_at")
    assert onboarding.last_progress_at == last_done.done_at


def test_demo_stalled_onboarding_stays_stalled_with_a_longer_stall_setting(
    debug_on, settings, time_machine
):
    # Nine business days: near two weeks of the demo's default week, and past the five
    # business days by default; much longer would reach back before the customer joined.
    settings.ONBOARDING_STALL_DAYS = 9
    time_machine.move_to(NOW, tick=False)

    call_command("seed_demo", stdout=StringIO())

    assert Onboarding.objects.stalled(since=stalled_since(NOW)).count() == 1


def test_demo_completed_onboardings_made_their_customers_active_with_a_check_in(seeded):
    completed = seeded.filter(status=Status.COMPLETED)

    assert completed.count() == 2
    check_ins = []
    for onboarding in completed:
        assert not onboarding.steps.filter(done_at=None).exists(), onboarding
        assert onboarding.completed_at == onboarding.steps.latest("done_at").done_at
        customer = onboarding.customer
        assert customer.status == Customer.Status.ACTIVE
        assert customer.became_customer_on == timezone.localdate(onboarding.completed_at)
        check_in = check_ins_of(onboarding).get()
        assert check_in.source == onboarding
        assert check_in.owner == onboarding.owner
        assert check_in.owner.groups.filter(name="Support").exists()
        check_ins.append(check_in)
    assert {check_in.status for check_in in check_ins} == {"open", "done"}
    ahead = next(check_in for check_in in check_ins if check_in.status == "open")
    assert ahead.due_at > NOW


def test_demo_cancelled_onboarding_says_why(seeded):
    cancelled = seeded.get(status=Status.CANCELLED)

    assert len(cancelled.cancel_reason) > 20
    assert cancelled.started_at < cancelled.cancelled_at < NOW
    assert not cancelled.handoffs.exists()


def test_demo_onboardings_tell_a_consistent_story(seeded):
    for onboarding in seeded:
        steps = list(onboarding.steps.order_by("position"))
        assert onboarding.started_at >= onboarding.customer.created_at, onboarding
        done = [step for step in steps if step.is_done]
        # done in order, from the first step on, between the start and now
        assert steps[: len(done)] == done, onboarding
        assert all(onboarding.started_at <= step.done_at <= NOW for step in done), onboarding
        assert [step.done_at for step in done] == sorted(step.done_at for step in done)
        assert all(step.note for step in done), onboarding
        assert onboarding.target_at == max(step.due_at for step in steps)
        for step in steps:
            expected = "alex" if step.group.name == "Support" else onboarding.started_by.username
            assert step.assignee.username == expected, step
            # as the services leave them: an ended onboarding's steps wait for no one
            assert step.onboarding_running == onboarding.is_active, step
    assert not OnboardingStep.objects.filter(due_at__lt=F("onboarding__started_at")).exists()


def test_demo_due_dates_count_business_days_when_hours_are_set(debug_on, time_machine):
    # given a business open 9 to 5 on weekdays, seeded on a Tuesday afternoon
    for weekday in range(5):
        BusinessHours.objects.create(weekday=weekday, opens=time(9), closes=time(17))
    time_machine.move_to(NOW, tick=False)

    # when
    call_command("seed_demo", stdout=StringIO())

    # then every due date lies the step's business days after the start, never at a weekend
    calendar = BusinessCalendar.load()
    for step in OnboardingStep.objects.select_related("onboarding"):
        assert step.due_at == calendar.add_business_days(
            step.onboarding.started_at, step.due_after_days
        )
        assert timezone.localtime(step.due_at).weekday() < 5, step
    assert Onboarding.objects.stalled(since=stalled_since(NOW)).count() == 1


def test_seed_demo_run_again_creates_no_more_onboardings(seeded):
    models = (Onboarding, OnboardingStep, Handoff, FollowUp)
    counts = [model.objects.count() for model in models]

    call_command("seed_demo", stdout=StringIO())

    assert [model.objects.count() for model in models] == counts


def test_a_demo_business_seeded_before_onboarding_existed_gets_it_on_the_next_run(debug_on):
    # given the demo business without onboardings
    seeded_people = demo.seed_demo_people()
    seed_demo_customers(staff={person.username: user for person, user in seeded_people})

    # when
    business = demo.seed_demo_business(seeded_people)

    # then
    assert business.customers == 0
    assert business.onboardings == Onboarding.objects.count() > 0


def test_demo_onboardings_are_not_seeded_without_the_demo_customers(debug_on):
    staff = {person.username: user for person, user in demo.seed_demo_people()}
    CustomerFactory.create_batch(3)

    assert seed_demo_onboardings(staff=staff) == 0
    assert not Onboarding.objects.exists()


def test_demo_onboardings_are_not_seeded_without_the_new_customer_template(debug_on):
    staff = {person.username: user for person, user in demo.seed_demo_people()}
    seed_demo_customers(staff=staff)
    ChecklistTemplate.objects.filter(name="New customer").delete()

    assert seed_demo_onboardings(staff=staff) == 0
    assert not Onboarding.objects.exists()


def test_seed_demo_onboardings_builds_the_same_onboardings_every_time(debug_on):
    staff = {person.username: user for person, user in demo.seed_demo_people()}
    seed_demo_customers(staff=staff, now=NOW)

    def snapshot():
        return (
            list(
                Onboarding.objects.order_by("started_at").values_list(
                    "customer__name", "status", "owner__username", "started_at", "target_at"
                )
            ),
            list(
                OnboardingStep.objects.order_by("onboarding__started_at", "position").values_list(
                    "title", "due_at", "done_at", "note"
                )
            ),
            list(Handoff.objects.order_by("created_at").values_list("note", "created_at")),
        )

    assert seed_demo_onboardings(staff=staff, now=NOW) > 0
    first = snapshot()
    ONBOARDING_STEP.clear()
    assert seed_demo_onboardings(staff=staff, now=NOW) > 0
    assert snapshot() == first


# --- The scale step ------------------------------------------------------------------------------


def _seed_scale(**options) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


def test_seed_scale_gives_about_one_customer_in_ten_an_onboarding_of_seven_steps():
    output = _seed_scale(customers=600)

    onboardings = Onboarding.objects.count()
    assert 40 <= onboardings <= 80
    assert f"{onboardings} onboardings" in output
    assert OnboardingStep.objects.count() == 7 * onboardings
    by_customer = Onboarding.objects.values("customer").annotate(n=Count("pk"))
    assert {row["n"] for row in by_customer} == {1}
    template = ChecklistTemplate.objects.get(name="New customer")
    titles = list(template.steps.order_by("position").values_list("title", flat=True))
    for onboarding in Onboarding.objects.all()[:20]:
        steps = onboarding.steps.order_by("position")
        assert list(steps.values_list("title", flat=True)) == titles, onboarding


def test_seed_scale_onboardings_mix_progress_completion_and_cancellation():
    _seed_scale(customers=600)
    now = timezone.now()

    onboardings = Onboarding.objects.select_related("customer")
    assert set(onboardings.values_list("status", flat=True)) == set(Status.values)
    running = onboardings.active()
    assert not running.exclude(customer__status=Customer.Status.ONBOARDING).exists()
    assert len({done_count(onboarding) for onboarding in running}) >= 4
    assert running.stalled(since=stalled_since(now)).exists()
    assert running.filter(last_progress_at__gte=stalled_since(now)).exists()
    assert pending_handoffs().exists()
    completed = onboardings.filter(status=Status.COMPLETED)
    assert not completed.exclude(customer__status=Customer.Status.ACTIVE).exists()
    assert not OnboardingStep.objects.filter(
        onboarding__status=Status.COMPLETED, done_at=None
    ).exists()
    cancelled = onboardings.filter(status=Status.CANCELLED)
    assert not cancelled.filter(Q(cancel_reason="") | Q(cancelled_at=None)).exists()


def test_seed_scale_onboardings_tell_a_consistent_story():
    _seed_scale(customers=400)
    now = timezone.now()

    for onboarding in Onboarding.objects.prefetch_related("steps", "handoffs"):
        steps = sorted(onboarding.steps.all(), key=lambda step: step.position)
        done = [step for step in steps if step.is_done]
        assert steps[: len(done)] == done, onboarding
        assert all(onboarding.started_at <= step.done_at <= now for step in done), onboarding
        assert {step.onboarding_running for step in steps} == {onboarding.is_active}, onboarding
        handoff_step = next(step for step in steps if step.is_handoff_point)
        accepted = [h for h in onboarding.handoffs.all() if h.accepted_at]
        assert bool(accepted) == handoff_step.is_done, onboarding
        if accepted:
            assert onboarding.owner_id == accepted[0].to_user_id, onboarding
        pending = [h for h in onboarding.handoffs.all() if h.is_pending]
        if pending:
            assert onboarding.status == Status.ACTIVE
            assert pending[0].step_id == handoff_step.pk
            assert pending[0].from_user_id == onboarding.owner_id


def test_seed_scale_schedules_a_check_in_for_each_completed_onboarding():
    _seed_scale(customers=600)

    completed = Onboarding.objects.filter(status=Status.COMPLETED)
    assert completed.exists()
    for onboarding in completed:
        check_in = check_ins_of(onboarding).get()
        assert check_in.owner_id == onboarding.owner_id
        assert check_in.due_at > onboarding.completed_at
    assert not FollowUp.objects.filter(
        source_type__model="onboarding",
        source_id__in=Onboarding.objects.exclude(status=Status.COMPLETED).values("pk"),
    ).exists()


def test_the_onboarding_step_clear_empties_onboardings_and_their_check_ins_only():
    # given scale data and a moved check-in
    _seed_scale(customers=300)
    customers = Customer.objects.count()
    other_follow_ups = FollowUp.objects.exclude(source_type__model="onboarding").count()
    check_in = FollowUp.objects.filter(source_type__model="onboarding").first()
    check_in.reschedules.create(
        old_due_at=check_in.due_at,
        new_due_at=check_in.due_at + timedelta(days=1),
        reason="Away that week",
        changed_by=check_in.owner,
    )
    OnboardingFactory()

    # when
    deleted = ONBOARDING_STEP.clear()

    # then
    assert deleted["onboardings"] > 0
    assert deleted["onboarding steps"] == 7 * (deleted["onboardings"] - 1)
    for model in (Onboarding, OnboardingStep, Handoff):
        assert not model.objects.exists(), model
    assert not Onboarding.history.exists()
    assert not FollowUp.objects.filter(source_type__model="onboarding").exists()
    assert Customer.objects.count() == customers + 1  # the factory's onboarding's customer
    assert FollowUp.objects.count() == other_follow_ups


def test_seed_scale_clear_removes_the_demo_onboardings_with_the_customers(debug_on):
    call_command("seed_demo", stdout=StringIO())
    _seed_scale(customers=20)

    output = _seed_scale(customers=5, clear=True)

    assert "Deleted" in output
    assert Customer.objects.count() == 5
    assert not Onboarding.objects.filter(customer__email__iendswith=DEMO_EMAIL_DOMAIN).exists()
    assert not OnboardingStep.history.exists()
    assert not Handoff.history.exists()
    assert ChecklistTemplate.objects.filter(name="New customer").exists()
