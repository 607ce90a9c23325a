"""Complaint services around the status flow: the SLA clock, customer updates, promises,
notes, remedy amounts and handoffs."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from complaints import services
from complaints.models import (
    Complaint,
    ComplaintHandoff,
    ComplaintUpdate,
    IllegalTransition,
    Remedy,
    SLATarget,
)
from complaints.services import ComplaintError
from crm import ladder, roles
from crm.models import Holiday
from crm.notices import send_due_notices
from customers.ladders import FOLLOW_UPS_OVERDUE
from customers.models import FollowUp
from tests.factories import ComplaintFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

STATUS = Complaint.Status
LONDON = ZoneInfo("Europe/London")
# 2026, before the clocks change on 29 March: Friday 6 March to Thursday 12 March.
FRIDAY = date(2026, 3, 6)
MONDAY = date(2026, 3, 9)
TUESDAY = date(2026, 3, 10)
WEDNESDAY = date(2026, 3, 11)
THURSDAY = date(2026, 3, 12)
NEXT_FRIDAY = date(2026, 3, 13)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _london(settings):
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture
def sent(eager_celery, django_capture_on_commit_callbacks):
    """Run a service and the notifications it enqueues on commit; return what it returned."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def log(actor, severity: str) -> Complaint:
    return services.log_complaint(
        actor=actor,
        customer=CustomerFactory(),
        customer_words="The cake collapsed before the party.",
        channel="phone",
        severity=severity,
    )


# --- SLA deadlines in business hours -------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "first_response", "next_update", "resolution"),
    [
        # 240 / 480 / 2400 business minutes: 30 on Friday, the rest from Monday 09:00.
        ("normal", at(MONDAY, 12, 30), at(MONDAY, 16, 30), at(NEXT_FRIDAY, 16, 30)),
        # 30 / 120 / 480: the first response falls exactly at Friday's closing.
        ("critical", at(FRIDAY, 17), at(MONDAY, 10, 30), at(MONDAY, 16, 30)),
    ],
)
def test_logging_sets_the_sla_deadlines_in_business_hours_across_the_weekend(
    severity, first_response, next_update, resolution, staff, weekdays_nine_to_five, clock
):
    received = clock.set(at(FRIDAY, 16, 30))

    complaint = log(staff, severity)

    complaint.refresh_from_db()
    assert complaint.received_at == received
    assert complaint.first_response_due == first_response
    assert complaint.next_update_due == next_update
    assert complaint.resolution_due == resolution


def test_the_sla_deadlines_follow_the_targets_the_owner_set(staff, weekdays_nine_to_five, clock):
    SLATarget.objects.filter(severity="low").update(
        first_response_minutes=60, update_interval_minutes=90, resolution_minutes=600
    )
    clock.set(at(FRIDAY, 16, 30))

    complaint = log(staff, "low")

    complaint.refresh_from_db()
    assert complaint.first_response_due == at(MONDAY, 9, 30)
    assert complaint.next_update_due == at(MONDAY, 10)
    assert complaint.resolution_due == at(TUESDAY, 10, 30)


def test_the_sla_deadlines_skip_holidays(staff, weekdays_nine_to_five, clock):
    Holiday.objects.create(date=MONDAY, name="Bank holiday")
    clock.set(at(FRIDAY, 16, 30))

    complaint = log(staff, "critical")

    complaint.refresh_from_db()
    assert complaint.next_update_due == at(TUESDAY, 10, 30)


def test_a_severity_without_targets_falls_back_to_the_normal_ones(staff, clock):
    SLATarget.objects.filter(severity="high").delete()
    received = clock.set(at(MONDAY, 10))

    complaint = log(staff, "high")

    # No business hours: the business runs around the clock, minutes are plain minutes.
    complaint.refresh_from_db()
    assert complaint.first_response_due == received + timedelta(minutes=240)
    assert complaint.next_update_due == received + timedelta(minutes=480)
    assert complaint.resolution_due == received + timedelta(minutes=2400)


# --- The SLA pause -------------------------------------------------------------------------------


def being_investigated(owner, **fields) -> Complaint:
    deadlines = {
        "received_at": at(MONDAY, 9),
        "acknowledged_at": at(MONDAY, 9, 30),
        "first_response_due": at(MONDAY, 12),
        "next_update_due": at(MONDAY, 16),
        "resolution_due": at(WEDNESDAY, 15),
    }
    return ComplaintFactory(
        owner=owner,
        logged_by=owner,
        status=STATUS.INVESTIGATING,
        **{**deadlines, **fields},
    )


def test_waiting_on_the_customer_stops_the_clock(staff, weekdays_nine_to_five, clock):
    complaint = being_investigated(staff)
    paused = clock.set(at(MONDAY, 10))

    services.wait_on_customer(actor=staff, complaint=complaint, reason="Photos of the crack.")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.WAITING_ON_CUSTOMER
    assert complaint.paused_at == paused
    assert complaint.is_paused
    assert complaint.updates.get(kind=ComplaintUpdate.Kind.STATUS).text == "Photos of the crack."


def test_resuming_pushes_every_deadline_later_by_the_business_minutes_paused(
    staff, weekdays_nine_to_five, clock
):
    # given: paused Monday 10:00 and resumed Tuesday 11:00: 420 + 120 = 540 business minutes
    complaint = being_investigated(staff, paused_minutes=15)
    clock.set(at(MONDAY, 10))
    services.wait_on_customer(actor=staff, complaint=complaint, reason="Photos.")
    clock.set(at(TUESDAY, 11))

    # when
    services.start_investigating(actor=staff, complaint=complaint)

    # then
    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING
    assert complaint.paused_at is None
    assert complaint.paused_minutes == 15 + 540
    assert complaint.first_response_due == at(TUESDAY, 13)
    assert complaint.next_update_due == at(TUESDAY, 17)
    assert complaint.resolution_due == at(THURSDAY, 16)


def test_a_pause_over_the_weekend_counts_only_open_time(staff, weekdays_nine_to_five, clock):
    complaint = being_investigated(
        staff,
        received_at=at(FRIDAY, 9),
        acknowledged_at=at(FRIDAY, 9, 30),
        first_response_due=at(FRIDAY, 12),
        next_update_due=at(FRIDAY, 16, 30),
        resolution_due=at(MONDAY, 15),
    )
    clock.set(at(FRIDAY, 16))
    services.wait_on_customer(actor=staff, complaint=complaint, reason="Photos.")
    clock.set(at(MONDAY, 10))

    services.start_investigating(actor=staff, complaint=complaint)

    # Friday 16:00-17:00 and Monday 09:00-10:00.
    complaint.refresh_from_db()
    assert complaint.paused_minutes == 120
    assert complaint.first_response_due == at(FRIDAY, 14)
    assert complaint.next_update_due == at(MONDAY, 10, 30)
    assert complaint.resolution_due == at(MONDAY, 17)


def test_the_customers_answer_ends_the_pause_and_restarts_the_update_clock(
    staff, weekdays_nine_to_five, clock
):
    complaint = being_investigated(staff)
    clock.set(at(MONDAY, 10))
    services.wait_on_customer(actor=staff, complaint=complaint, reason="Photos.")
    clock.set(at(TUESDAY, 11))

    services.record_customer_update(
        actor=staff, complaint=complaint, channel="email", text="Photos received, thank you."
    )

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING
    assert complaint.paused_at is None
    assert complaint.paused_minutes == 540
    assert complaint.first_response_due == at(TUESDAY, 13)
    assert complaint.resolution_due == at(THURSDAY, 16)
    # Normal severity: the next update is due 480 business minutes after this one.
    assert complaint.next_update_due == at(WEDNESDAY, 11)


# --- Customer updates ----------------------------------------------------------------------------


def test_a_customer_update_restarts_the_update_clock_and_clears_its_notices(
    staff, weekdays_nine_to_five, clock
):
    complaint = being_investigated(
        staff,
        update_notified_at=at(MONDAY, 16, 5),
        update_escalated_at=at(MONDAY, 16, 30),
        resolution_notified_at=at(MONDAY, 16, 5),
    )
    clock.set(at(TUESDAY, 14))

    services.record_customer_update(
        actor=staff, complaint=complaint, channel="sms", text="Part ordered, arrives Thursday."
    )

    complaint.refresh_from_db()
    assert complaint.next_update_due == at(WEDNESDAY, 14)
    assert complaint.update_notified_at is None
    assert complaint.update_escalated_at is None
    # Only the update interval starts afresh.
    assert complaint.resolution_notified_at == at(MONDAY, 16, 5)
    assert complaint.resolution_due == at(WEDNESDAY, 15)
    update = complaint.updates.get(kind=ComplaintUpdate.Kind.CUSTOMER_UPDATE)
    assert (update.channel, update.text, update.author) == (
        "sms",
        "Part ordered, arrives Thursday.",
        staff,
    )


def test_a_customer_update_on_a_new_complaint_is_its_first_response(staff, clock):
    complaint = ComplaintFactory(owner=staff, logged_by=staff)
    told = clock.set(at(MONDAY, 10))

    services.record_customer_update(actor=staff, complaint=complaint, channel="phone", text="Hi.")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.ACKNOWLEDGED
    assert complaint.acknowledged_at == told


# --- Promised time -------------------------------------------------------------------------------


def test_promising_a_time_records_it_on_the_timeline(staff, clock):
    clock.set(at(MONDAY, 10))
    complaint = being_investigated(staff)

    services.set_promised_time(actor=staff, complaint=complaint, promised_by=at(WEDNESDAY, 12))

    complaint.refresh_from_db()
    assert complaint.promised_by == at(WEDNESDAY, 12)
    update = complaint.updates.get(kind=ComplaintUpdate.Kind.PROMISE)
    assert update.author == staff
    assert "Wed 11 Mar 12:00" in update.text


def test_moving_the_promised_time_needs_a_reason(staff, clock):
    clock.set(at(MONDAY, 10))
    complaint = being_investigated(staff, promised_by=at(WEDNESDAY, 12))

    with pytest.raises(ComplaintError):
        services.set_promised_time(
            actor=staff, complaint=complaint, promised_by=at(THURSDAY, 12), reason=" "
        )

    complaint.refresh_from_db()
    assert complaint.promised_by == at(WEDNESDAY, 12)
    assert not complaint.updates.exists()


def test_moving_the_promised_time_records_old_new_and_why(staff, clock):
    clock.set(at(MONDAY, 10))
    complaint = being_investigated(staff, promised_by=at(WEDNESDAY, 12))

    services.set_promised_time(
        actor=staff,
        complaint=complaint,
        promised_by=at(THURSDAY, 12),
        reason="The part comes a day later.",
    )

    complaint.refresh_from_db()
    assert complaint.promised_by == at(THURSDAY, 12)
    text = complaint.updates.get(kind=ComplaintUpdate.Kind.PROMISE).text
    assert "Wed 11 Mar 12:00" in text
    assert "Thu 12 Mar 12:00" in text
    assert "The part comes a day later." in text


def test_nothing_is_promised_on_a_resolved_complaint(staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff, status=STATUS.RESOLVED)

    with pytest.raises(IllegalTransition):
        services.set_promised_time(actor=staff, complaint=complaint, promised_by=at(THURSDAY, 12))

    complaint.refresh_from_db()
    assert complaint.promised_by is None


# --- Notes ---------------------------------------------------------------------------------------


def test_anyone_who_works_complaints_may_add_a_note(staff, other_staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff)

    services.add_note(actor=other_staff, complaint=complaint, text="They rang the shop too.")

    note = complaint.updates.get()
    assert (note.kind, note.author, note.text) == (
        ComplaintUpdate.Kind.NOTE,
        other_staff,
        "They rang the shop too.",
    )


def test_someone_without_a_role_may_not_add_notes(staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff)

    with pytest.raises(PermissionDenied):
        services.add_note(actor=UserFactory(), complaint=complaint, text="Hello.")

    assert not complaint.updates.exists()


# --- Remedy amounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "amount"),
    [("refund", None), ("store_credit", None), ("refund", "0"), ("refund", "-5"), ("other", "-1")],
)
def test_a_remedy_with_a_missing_or_non_positive_amount_is_refused(kind, amount, staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff, status=STATUS.INVESTIGATING)

    with pytest.raises(ComplaintError):
        services.propose_remedy(
            actor=staff,
            complaint=complaint,
            kind=kind,
            amount=Decimal(amount) if amount is not None else None,
        )

    assert not Remedy.objects.exists()
    complaint.refresh_from_db()
    assert complaint.version == 1


def test_the_database_refuses_an_apology_with_an_amount_however_it_is_written(staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff)
    apology = Remedy(complaint=complaint, kind="apology", amount=Decimal(5), proposed_by=staff)
    asked = Complaint(
        customer=complaint.customer,
        logged_by=staff,
        owner=staff,
        customer_words="Sorry is not enough.",
        asked_remedy_kind="apology",
        asked_amount=Decimal(5),
    )

    for record in (apology, asked):
        with pytest.raises(ValidationError) as refused:
            record.full_clean()
        assert refused.value.error_dict["__all__"][0].code == "apology_has_no_amount"
        with pytest.raises(IntegrityError), transaction.atomic():
            record.save()

    assert not Remedy.objects.exists()


# --- Handoffs ------------------------------------------------------------------------------------


def owned_by(owner, status=STATUS.INVESTIGATING) -> Complaint:
    return ComplaintFactory(owner=owner, logged_by=owner, status=status)


def offer(complaint, actor, to_user, note="Promised a call by Friday; they want a refund."):
    return services.offer_handoff(actor=actor, complaint=complaint, to_user=to_user, note=note)


def test_offering_a_complaint_keeps_the_sender_owner_and_asks_the_receiver(
    staff, other_staff, sent, mailoutbox
):
    complaint = owned_by(staff)

    handoff = sent(
        services.offer_handoff,
        actor=staff,
        complaint=complaint,
        to_user=other_staff,
        note="Promised a call by Friday.",
    )

    complaint.refresh_from_db()
    assert complaint.owner == staff
    assert (handoff.from_user, handoff.to_user) == (staff, other_staff)
    assert handoff.is_pending
    assert complaint.updates.filter(kind=ComplaintUpdate.Kind.REASSIGNMENT).exists()
    assert [message.to for message in mailoutbox] == [[other_staff.email]]
    assert complaint.reference in mailoutbox[0].subject


def test_a_complaint_offered_while_the_broker_is_down_reaches_the_receiver_once_it_is_back(
    staff, other_staff, sent, broker, time_machine, mailoutbox
):
    # given: the broker is down when the handoff is offered
    time_machine.move_to(at(MONDAY, 10), tick=False)
    complaint = owned_by(staff)
    broker.down()
    sent(services.offer_handoff, actor=staff, complaint=complaint, to_user=other_staff, note="Hi")
    assert mailoutbox == []

    # when: it is back and the notices catch-up runs, twice
    broker.up()
    time_machine.move_to(at(MONDAY, 10, 5), tick=False)
    sent(send_due_notices)
    sent(send_due_notices)

    # then: the receiver is asked, once
    assert [message.to for message in mailoutbox] == [[other_staff.email]]
    assert complaint.reference in mailoutbox[0].subject


def test_a_handoff_needs_a_note_for_the_receiver(staff, other_staff):
    complaint = owned_by(staff)

    with pytest.raises(ComplaintError):
        offer(complaint, staff, other_staff, note="  ")

    assert not ComplaintHandoff.objects.exists()


@pytest.mark.parametrize("receiver", ["no_role", "inactive"])
def test_a_handoff_goes_only_to_someone_who_can_take_complaints(receiver, staff):
    if receiver == "no_role":
        to_user = UserFactory()
    else:
        to_user = UserFactory(group=roles.FRONT_LINE_STAFF, is_active=False)
    complaint = owned_by(staff)

    with pytest.raises(ComplaintError):
        offer(complaint, staff, to_user)

    assert not ComplaintHandoff.objects.exists()


def test_a_complaint_cannot_be_handed_to_its_owner(staff):
    with pytest.raises(ComplaintError):
        offer(owned_by(staff), staff, staff)

    assert not ComplaintHandoff.objects.exists()


def test_only_one_handoff_waits_for_an_answer_at_a_time(staff, other_staff, supervisor):
    complaint = owned_by(staff)
    first = offer(complaint, staff, other_staff)

    with pytest.raises(ComplaintError):
        offer(complaint, staff, supervisor)

    assert list(ComplaintHandoff.objects.all()) == [first]


def test_a_colleague_cannot_hand_off_someone_elses_complaint(staff, other_staff, supervisor):
    complaint = owned_by(staff)

    with pytest.raises(PermissionDenied):
        offer(complaint, other_staff, supervisor)

    assert not ComplaintHandoff.objects.exists()


def test_accepting_makes_the_receiver_owner_with_the_open_check_in(staff, other_staff):
    # given: a resolved complaint whose check-in is still ahead
    complaint = services.resolve(actor=staff, complaint=owned_by(staff), no_remedy=True)
    handoff = offer(complaint, staff, other_staff)

    # when
    services.accept_handoff(actor=other_staff, handoff=handoff)

    # then
    complaint.refresh_from_db()
    handoff.refresh_from_db()
    assert complaint.owner == other_staff
    assert complaint.logged_by == staff
    assert handoff.accepted_at is not None
    check_in = FollowUp.objects.get(kind=FollowUp.Kind.AFTER_RESOLUTION)
    assert check_in.owner == other_staff
    assert complaint.updates.filter(
        kind=ComplaintUpdate.Kind.REASSIGNMENT, author=other_staff
    ).exists()


def test_the_new_owner_is_reminded_of_an_overdue_check_in_they_took_over(
    staff, other_staff, sent, mailoutbox, clock
):
    # given: a check-in so late that its first owner was reminded already
    clock.set(at(MONDAY, 10))
    complaint = services.resolve(actor=staff, complaint=owned_by(staff), no_remedy=True)
    late = clock.set(at(MONDAY, 10) + timedelta(days=30))
    sent(ladder.sweep, now=late, ladders=[FOLLOW_UPS_OVERDUE])
    assert [message.to for message in mailoutbox] == [[staff.email]]
    handoff = offer(complaint, staff, other_staff)

    # when: the receiver takes the complaint over and the sweep runs again
    services.accept_handoff(actor=other_staff, handoff=handoff)
    mailoutbox.clear()
    sent(ladder.sweep, now=late + timedelta(minutes=5), ladders=[FOLLOW_UPS_OVERDUE])

    # then: the new owner hears of it, as after any reassignment
    check_in = FollowUp.objects.get(kind=FollowUp.Kind.AFTER_RESOLUTION)
    assert check_in.assigned_at == late
    assert [message.to for message in mailoutbox] == [[other_staff.email]]


def test_accepting_leaves_other_commitments_with_their_owners(staff, other_staff):
    complaint = services.resolve(actor=staff, complaint=owned_by(staff), no_remedy=True)
    check_in = FollowUp.objects.get(kind=FollowUp.Kind.AFTER_RESOLUTION)
    unrelated = FollowUp.objects.create(
        customer=complaint.customer,
        owner=staff,
        kind=FollowUp.Kind.CALLBACK,
        subject="Call about the new order",
        due_at=check_in.due_at,
    )
    handoff = offer(complaint, staff, other_staff)

    services.accept_handoff(actor=other_staff, handoff=handoff)

    unrelated.refresh_from_db()
    assert unrelated.owner == staff


def test_declining_needs_a_reason_keeps_the_owner_and_tells_the_sender(
    staff, other_staff, sent, mailoutbox
):
    complaint = owned_by(staff)
    handoff = offer(complaint, staff, other_staff)

    with pytest.raises(ComplaintError):
        services.decline_handoff(actor=other_staff, handoff=handoff, reason=" ")
    sent(
        services.decline_handoff,
        actor=other_staff,
        handoff=handoff,
        reason="On leave from tomorrow.",
    )

    complaint.refresh_from_db()
    handoff.refresh_from_db()
    assert complaint.owner == staff
    assert handoff.declined_at is not None
    assert handoff.decline_reason == "On leave from tomorrow."
    assert [message.to for message in mailoutbox] == [[staff.email]]
    assert "On leave from tomorrow." in mailoutbox[0].body


def test_after_a_decline_the_complaint_can_be_offered_again(staff, other_staff, supervisor):
    complaint = owned_by(staff)
    services.decline_handoff(
        actor=other_staff, handoff=offer(complaint, staff, other_staff), reason="On leave."
    )

    second = offer(complaint, staff, supervisor)

    assert second.is_pending


@pytest.mark.parametrize("forger", ["sender", "colleague", "supervisor"])
def test_nobody_but_the_addressee_may_answer_a_handoff(forger, staff, other_staff, supervisor):
    complaint = owned_by(staff)
    handoff = offer(complaint, staff, other_staff)
    actor = {"sender": staff, "colleague": UserFactory(group=roles.FRONT_LINE_STAFF)}.get(
        forger, supervisor
    )

    with pytest.raises(PermissionDenied):
        services.accept_handoff(actor=actor, handoff=handoff)
    with pytest.raises(PermissionDenied):
        services.decline_handoff(actor=actor, handoff=handoff, reason="Not mine.")

    handoff.refresh_from_db()
    complaint.refresh_from_db()
    assert handoff.is_pending
    assert complaint.owner == staff


@pytest.mark.parametrize("first", ["accept", "decline"])
def test_a_handoff_is_answered_once(first, staff, other_staff):
    handoff = offer(owned_by(staff), staff, other_staff)
    if first == "accept":
        services.accept_handoff(actor=other_staff, handoff=handoff)
    else:
        services.decline_handoff(actor=other_staff, handoff=handoff, reason="On leave.")

    with pytest.raises(ComplaintError):
        services.accept_handoff(actor=other_staff, handoff=handoff)
    with pytest.raises(ComplaintError):
        services.decline_handoff(actor=other_staff, handoff=handoff, reason="Changed my mind.")

    handoff.refresh_from_db()
    assert (handoff.accepted_at is None) == (first == "decline")
    assert (handoff.declined_at is None) == (first == "accept")
