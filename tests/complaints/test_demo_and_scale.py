"""Demo complaints (seed_demo) and synthetic complaints in bulk (seed_scale)."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from complaints import services
from complaints.authority import authority_of
from complaints.demo import seed_demo_complaints
from complaints.models import (
    Complaint,
    ComplaintHandoff,
    ComplaintUpdate,
    Remedy,
    SLATarget,
)
from complaints.scale import COMPLAINTS_STEP
from crm import demo
from crm.calendar import BusinessCalendar
from crm.models import BusinessHours
from customers.demo import DEMO_EMAIL_DOMAIN, seed_demo_customers
from customers.models import Customer, FollowUp
from tests.factories import ComplaintFactory, CustomerFactory

pytestmark = pytest.mark.django_db

Status = Complaint.Status
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a Tuesday


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def seeded(debug_on, time_machine):
    time_machine.move_to(NOW, tick=False)
    call_command("seed_demo", stdout=StringIO())
    return Complaint.objects.select_related("customer", "owner")


def check_ins_of(complaint: Complaint):
    return FollowUp.objects.filter(
        kind=FollowUp.Kind.AFTER_RESOLUTION,
        source_type__model="complaint",
        source_id=complaint.pk,
    )


# --- The demo complaints -------------------------------------------------------------------------


def test_seed_demo_adds_a_dozen_complaints_on_demo_customers_in_every_status(seeded):
    assert 10 <= seeded.count() <= 15
    assert set(seeded.values_list("status", flat=True)) == set(Status.values)
    assert not seeded.exclude(customer__email__iendswith=DEMO_EMAIL_DOMAIN).exists()
    assert set(seeded.values_list("severity", flat=True)) == {"low", "normal", "high", "critical"}
    assert not seeded.filter(category=None).exists()
    assert not seeded.filter(category__parent=None).exists()  # always the second level


def test_demo_references_come_from_the_keys_and_rise_with_the_time_received(seeded):
    rows = list(seeded.order_by("received_at").values_list("pk", "reference"))

    assert [reference for _pk, reference in rows] == [f"C-{pk:06d}" for pk, _ref in rows]
    assert [pk for pk, _ref in rows] == sorted(pk for pk, _ref in rows)


def test_demo_complaints_have_timelines_with_customer_updates_and_status_changes(seeded):
    for complaint in seeded:
        updates = list(complaint.updates.order_by("created_at", "pk"))
        assert updates[0].text == "Complaint logged.", complaint
        assert all(update.created_at <= NOW for update in updates), complaint
        moves = [update for update in updates if update.kind == ComplaintUpdate.Kind.STATUS]
        if moves:
            assert moves[-1].to_status == complaint.status, complaint
            assert moves[0].from_status == Status.NEW, complaint
    customer_updates = ComplaintUpdate.objects.filter(kind=ComplaintUpdate.Kind.CUSTOMER_UPDATE)
    assert customer_updates.count() >= 10
    assert not customer_updates.filter(channel="").exists()
    assert ComplaintUpdate.objects.filter(kind=ComplaintUpdate.Kind.NOTE).count() > len(seeded)


def test_demo_waiting_complaint_has_its_clock_paused_and_is_not_breaching(seeded):
    waiting = seeded.get(status=Status.WAITING_ON_CUSTOMER)

    assert waiting.paused_at is not None
    assert waiting not in Complaint.objects.breaching(now=NOW)
    handoff = ComplaintHandoff.objects.get(complaint=waiting)
    assert handoff.accepted_at is not None
    assert waiting.owner == handoff.to_user


def test_demo_approval_queue_holds_remedies_above_their_proposers_authority(seeded):
    # given the complaints awaiting approval, Sam's among them
    awaiting = seeded.filter(status=Status.AWAITING_APPROVAL)
    assert awaiting.count() >= 2

    # then each holds one proposed remedy its proposer could not grant alone
    for complaint in awaiting:
        remedy = complaint.remedies.get(decision=Remedy.Decision.PROPOSED)
        assert not remedy.auto_approved
        assert not authority_of(remedy.proposed_by).covers(remedy.kind, remedy.amount)
    sams = Remedy.objects.get(
        decision=Remedy.Decision.PROPOSED, proposed_by__username="sam", kind="refund"
    )
    assert sams.amount == 120
    sue = get_user_model().objects.get(username="sue")
    assert authority_of(sue).covers(sams.kind, sams.amount)


def test_demo_remedies_within_authority_are_auto_approved_and_above_it_decided_by_sue(seeded):
    auto = Remedy.objects.filter(auto_approved=True)
    assert auto.filter(decision=Remedy.Decision.APPROVED).exists()
    assert auto.filter(decision=Remedy.Decision.DELIVERED).exists()
    for remedy in auto:
        assert authority_of(remedy.proposed_by).covers(remedy.kind, remedy.amount)
        assert remedy.decided_by == remedy.proposed_by
    decided = Remedy.objects.filter(auto_approved=False).exclude(decision="proposed")
    assert set(decided.values_list("decision", "decided_by__username")) == {
        (Remedy.Decision.DELIVERED, "sue"),
        (Remedy.Decision.REJECTED, "sue"),
    }
    assert not decided.filter(decision_note="").exists()
    assert not decided.filter(decided_by=F("proposed_by")).exists()


def test_demo_resolved_complaint_has_a_delivered_remedy_and_an_open_check_in_ahead(seeded):
    resolved = seeded.get(status=Status.RESOLVED)

    assert resolved.remedies.filter(decision=Remedy.Decision.DELIVERED).exists()
    assert resolved.resolved_at is not None
    check_in = check_ins_of(resolved).get()
    assert check_in.status == FollowUp.Status.OPEN
    assert check_in.owner == resolved.owner
    assert check_in.customer == resolved.customer
    assert check_in.source == resolved
    assert check_in.due_at > NOW
    assert resolved.reference in check_in.subject


def test_demo_closed_complaints_carry_root_cause_correction_outcome_and_a_kept_check_in(seeded):
    closed = seeded.filter(status=Status.CLOSED)

    assert closed.count() >= 2
    for complaint in closed:
        assert complaint.root_cause is not None, complaint
        assert complaint.corrective_note, complaint
        assert complaint.outcome_satisfied is True, complaint
        assert 1 <= complaint.handling_rating <= 5, complaint
        assert complaint.satisfied_at == complaint.closed_at, complaint
        assert complaint.resolved_at < complaint.closed_at, complaint
        check_in = check_ins_of(complaint).get()
        assert check_in.status == FollowUp.Status.DONE
        assert check_in.outcome.startswith("Satisfied.")


def test_demo_shows_the_four_times(seeded):
    assert seeded.exclude(needs_by=None).count() >= 3
    assert seeded.exclude(expected_by=None).count() >= 3
    assert seeded.exclude(promised_by=None).count() >= 3
    assert seeded.exclude(satisfied_at=None).count() >= 2


def test_demo_flags_the_customer_who_complained_again_within_ninety_days(seeded):
    repeat = seeded.get(is_repeat=True)

    earlier = seeded.filter(customer=repeat.customer, received_at__lt=repeat.received_at)
    assert earlier.filter(received_at__gte=repeat.received_at - timedelta(days=90)).exists()
    assert repeat.expected_by is not None


def test_demo_deadlines_come_from_the_sla_targets_and_some_are_breached(seeded):
    calendar = BusinessCalendar.load()
    targets = {target.severity: target for target in SLATarget.objects.all()}
    for complaint in seeded:
        target = targets[complaint.severity]
        assert complaint.first_response_due == calendar.add_business_minutes(
            complaint.received_at, target.first_response_minutes
        )
        assert complaint.resolution_due == calendar.add_business_minutes(
            complaint.received_at, target.resolution_minutes
        )
    breaching = Complaint.objects.breaching(now=NOW)
    assert 1 <= breaching.count() < Complaint.objects.active().count()


def test_demo_deadlines_count_business_hours_when_they_are_set(debug_on, time_machine):
    # given a business open 9 to 5 on weekdays, seeded on a Tuesday afternoon
    for weekday in range(5):
        BusinessHours.objects.create(weekday=weekday, opens=time(9), closes=time(17))
    time_machine.move_to(NOW, tick=False)

    # when
    call_command("seed_demo", stdout=StringIO())

    # then every deadline falls inside opening hours
    for complaint in Complaint.objects.all():
        for due in (complaint.first_response_due, complaint.resolution_due):
            local = timezone.localtime(due)
            assert local.weekday() < 5, complaint
            assert time(9) <= local.time() <= time(17), complaint


def test_demo_gives_sam_open_complaints_for_his_day(seeded):
    sams = seeded.filter(owner__username="sam").active()

    assert sams.count() >= 4
    assert sams.breaching(now=NOW).exists()
    assert sams.filter(status=Status.NEW).exists()


def test_demo_complaints_need_no_intake_and_send_nothing_when_the_sweep_catches_up(seeded):
    assert not seeded.filter(intake_done_at=None).exists()
    assert services.process_pending_intakes(now=NOW) == 0


def test_demo_complaints_each_have_their_history_with_the_reference(seeded):
    for complaint in seeded:
        record = complaint.history.get()
        assert record.reference == complaint.reference
        assert record.history_user == complaint.logged_by


def test_seed_demo_run_again_creates_no_more_complaints(seeded):
    counts = [model.objects.count() for model in (Complaint, ComplaintUpdate, Remedy, FollowUp)]

    call_command("seed_demo", stdout=StringIO())

    assert [
        model.objects.count() for model in (Complaint, ComplaintUpdate, Remedy, FollowUp)
    ] == counts


def test_a_demo_business_seeded_before_complaints_existed_gets_them_on_the_next_run(debug_on):
    # given the demo business without complaints
    seeded_people = demo.seed_demo_people()
    seed_demo_customers(staff={person.username: user for person, user in seeded_people})

    # when
    business = demo.seed_demo_business(seeded_people)

    # then
    assert business.customers == 0
    assert business.complaints == Complaint.objects.count() > 0


def test_demo_complaints_are_not_seeded_without_the_demo_customers(debug_on):
    staff = {person.username: user for person, user in demo.seed_demo_people()}
    CustomerFactory.create_batch(3)

    assert seed_demo_complaints(staff=staff) == 0
    assert not Complaint.objects.exists()


def test_seed_demo_complaints_builds_the_same_complaints_every_time(debug_on):
    staff = {person.username: user for person, user in demo.seed_demo_people()}
    seed_demo_customers(staff=staff, now=NOW)

    def snapshot():
        return (
            list(
                Complaint.objects.order_by("received_at").values_list(
                    "customer__name", "status", "received_at", "resolution_due", "expected_by"
                )
            ),
            list(
                ComplaintUpdate.objects.order_by("created_at", "text").values_list(
                    "kind", "text", "created_at"
                )
            ),
        )

    assert seed_demo_complaints(staff=staff, now=NOW) > 0
    first = snapshot()
    COMPLAINTS_STEP.clear()
    assert seed_demo_complaints(staff=staff, now=NOW) > 0
    assert snapshot() == first


# --- The scale step ------------------------------------------------------------------------------


def _seed_scale(**options) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


def test_seed_scale_adds_about_one_complaint_per_customer_with_updates_and_remedies():
    output = _seed_scale(customers=200)

    complaints = Complaint.objects.count()
    assert 150 <= complaints <= 250
    assert 2.5 <= ComplaintUpdate.objects.count() / complaints <= 4.5
    assert 0.3 <= Remedy.objects.count() / complaints <= 0.7
    assert f"{complaints} complaints" in output
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Complaint.objects.values_list("severity", flat=True)) == {
        "low",
        "normal",
        "high",
        "critical",
    }
    assert Complaint.objects.exclude(category=None).count() == complaints


def test_seed_scale_gives_every_complaint_its_reference_from_its_key():
    _seed_scale(customers=50, batch_size=20)

    rows = list(Complaint.objects.values_list("pk", "reference"))
    assert rows
    assert all(reference == f"C-{pk:06d}" for pk, reference in rows)


def test_seed_scale_references_keep_every_digit_past_a_million():
    # given a business whose complaint keys have reached a million
    ComplaintFactory(pk=999_999, reference="C-999999")
    # PostgreSQL's sequence does not follow an explicit key; move it on as a real one would be.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Complaint]):
            cursor.execute(statement)

    _seed_scale(customers=10)

    rows = list(Complaint.objects.filter(pk__gt=999_999).values_list("pk", "reference"))
    assert rows
    assert all(reference == f"C-{pk}" and len(reference) == 9 for pk, reference in rows)


def test_seed_scale_complaints_tell_a_consistent_story():
    _seed_scale(customers=200)
    now = timezone.now()

    complaints = Complaint.objects.all()
    assert not complaints.filter(received_at__lt=F("customer__created_at")).exists()
    assert not complaints.filter(received_at__gt=now).exists()
    assert not complaints.exclude(status=Status.NEW).filter(acknowledged_at=None).exists()
    assert not complaints.filter(intake_done_at=None).exists()
    waiting = complaints.filter(status=Status.WAITING_ON_CUSTOMER)
    assert not waiting.filter(paused_at=None).exists()
    assert not complaints.exclude(status=Status.WAITING_ON_CUSTOMER).exclude(paused_at=None)
    closed = complaints.filter(status=Status.CLOSED)
    assert not closed.filter(
        Q(root_cause=None) | Q(corrective_note="") | Q(handling_rating=None)
    ).exists()
    assert not closed.filter(closed_at__lt=F("resolved_at")).exists()
    assert complaints.breaching(now=now).exists()
    assert complaints.active().exclude(pk__in=complaints.breaching(now=now)).exists()


def test_seed_scale_flags_repeats_only_within_ninety_days_of_the_customers_last_complaint():
    _seed_scale(customers=300)

    for complaint in Complaint.objects.all():
        earlier = Complaint.objects.filter(
            customer_id=complaint.customer_id,
            received_at__lt=complaint.received_at,
            received_at__gte=complaint.received_at - timedelta(days=90),
        )
        assert complaint.is_repeat == earlier.exists(), complaint
    assert Complaint.objects.filter(is_repeat=True).exists()


def test_seed_scale_remedies_respect_the_proposers_authority():
    _seed_scale(customers=200)

    for remedy in Remedy.objects.select_related("proposed_by"):
        within = authority_of(remedy.proposed_by).covers(remedy.kind, remedy.amount)
        assert within == remedy.auto_approved, remedy
    awaiting = Complaint.objects.filter(status=Status.AWAITING_APPROVAL)
    assert not awaiting.exclude(remedies__decision=Remedy.Decision.PROPOSED).exists()
    delivered = Remedy.objects.filter(decision=Remedy.Decision.DELIVERED)
    assert not delivered.exclude(complaint__status__in=[Status.RESOLVED, Status.CLOSED]).exists()


def test_seed_scale_schedules_a_check_in_for_each_resolved_complaint():
    _seed_scale(customers=200)

    resolved = Complaint.objects.filter(status=Status.RESOLVED)
    assert resolved.exists()
    for complaint in resolved:
        check_in = check_ins_of(complaint).get()
        assert check_in.owner_id == complaint.owner_id
        assert check_in.status == FollowUp.Status.OPEN
        assert check_in.due_at > complaint.resolved_at


def test_the_complaints_step_clear_empties_the_complaints_and_their_check_ins_only():
    # given scale data, a moved check-in and a history record
    _seed_scale(customers=40)
    customers = Customer.objects.count()
    other_follow_ups = FollowUp.objects.exclude(kind=FollowUp.Kind.AFTER_RESOLUTION).count()
    check_in = FollowUp.objects.filter(kind=FollowUp.Kind.AFTER_RESOLUTION).first()
    check_in.reschedules.create(
        old_due_at=check_in.due_at,
        new_due_at=check_in.due_at + timedelta(days=1),
        reason="Away that week",
        changed_by=check_in.owner,
    )
    ComplaintFactory(reference=None)

    # when
    deleted = COMPLAINTS_STEP.clear()

    # then
    assert deleted["complaints"] > 0
    assert deleted["complaint updates"] > 0
    for model in (Complaint, ComplaintUpdate, Remedy, ComplaintHandoff):
        assert not model.objects.exists(), model
    assert not Complaint.history.exists()
    assert not FollowUp.objects.filter(kind=FollowUp.Kind.AFTER_RESOLUTION).exists()
    assert Customer.objects.count() == customers + 1  # the factory's complaint's customer
    assert FollowUp.objects.count() == other_follow_ups


def test_seed_scale_clear_removes_the_demo_complaints_with_the_customers(debug_on):
    call_command("seed_demo", stdout=StringIO())
    _seed_scale(customers=10)

    output = _seed_scale(customers=5, clear=True)

    assert "Deleted" in output
    assert Customer.objects.count() == 5
    by_customer = Complaint.objects.values("customer").annotate(n=Count("pk"))
    assert all(row["n"] <= 2 for row in by_customer)
    assert not Complaint.objects.filter(customer__email__iendswith=DEMO_EMAIL_DOMAIN).exists()
    assert not Remedy.history.exists()
    assert not ComplaintHandoff.history.exists()
