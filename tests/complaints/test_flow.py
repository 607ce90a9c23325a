"""The complaint's status flow through its services: legal steps, refused steps, follow-through."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints import services
from complaints.models import (
    TRANSITIONS,
    Complaint,
    ComplaintUpdate,
    IllegalTransition,
    Remedy,
    RootCause,
)
from complaints.services import ComplaintError, StaleComplaintError
from customers import services as customer_services
from customers.models import FollowUp
from customers.services import FollowUpError
from tests.factories import ComplaintFactory, FollowUpFactory, RemedyFactory

pytestmark = pytest.mark.django_db

STATUS = Complaint.Status
LONDON = ZoneInfo("Europe/London")
# Tuesday 3 March 2026, mid-morning; no business hours are set, so the business never closes.
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen(settings, time_machine):
    settings.TIME_ZONE = "Europe/London"
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def root_cause(db):
    return RootCause.objects.get(name="Courier delay")


def complaint_in(status: str, owner, **fields) -> Complaint:
    """A complaint owned by owner, set up as the status requires."""
    now = timezone.now()
    values = {"owner": owner, "logged_by": owner, "status": status}
    if status != STATUS.NEW:
        values["acknowledged_at"] = now
    if status == STATUS.WAITING_ON_CUSTOMER:
        values["paused_at"] = now
    if status in {STATUS.RESOLVED, STATUS.CLOSED}:
        values["resolved_at"] = now
    if status == STATUS.CLOSED:
        values.update(closed_at=now, satisfied_at=now, outcome_satisfied=True)
    complaint = ComplaintFactory(**{**values, **fields})
    if status == STATUS.AWAITING_APPROVAL:
        RemedyFactory(complaint=complaint, proposed_by=owner, kind="refund", amount=Decimal(80))
    return complaint


def resolved(owner) -> Complaint:
    """A complaint resolved through the service, so with its check-in scheduled."""
    complaint = complaint_in(STATUS.INVESTIGATING, owner)
    return services.resolve(actor=owner, complaint=complaint, no_remedy=True)


def check_in_of(complaint) -> FollowUp:
    return FollowUp.objects.get(kind=FollowUp.Kind.AFTER_RESOLUTION, source_id=complaint.pk)


# --- Every legal step ----------------------------------------------------------------------------


def _acknowledge(complaint, owner, supervisor, root_cause):
    services.acknowledge(actor=owner, complaint=complaint, note="Called them back.")


def _investigate(complaint, owner, supervisor, root_cause):
    services.start_investigating(actor=owner, complaint=complaint)


def _customer_update(complaint, owner, supervisor, root_cause):
    services.record_customer_update(
        actor=owner, complaint=complaint, channel="phone", text="Told them where we are."
    )


def _wait(complaint, owner, supervisor, root_cause):
    services.wait_on_customer(actor=owner, complaint=complaint, reason="Photos of the damage.")


def _remedy_within(complaint, owner, supervisor, root_cause):
    services.propose_remedy(actor=owner, complaint=complaint, kind="refund", amount=Decimal(20))


def _remedy_above(complaint, owner, supervisor, root_cause):
    services.propose_remedy(actor=owner, complaint=complaint, kind="refund", amount=Decimal(80))


def _approve(complaint, owner, supervisor, root_cause):
    remedy = complaint.remedies.get()
    services.decide_remedy(actor=supervisor, remedy=remedy, approve=True)


def _reject(complaint, owner, supervisor, root_cause):
    remedy = complaint.remedies.get()
    services.decide_remedy(actor=supervisor, remedy=remedy, approve=False, note="Too much.")


def _deliver(complaint, owner, supervisor, root_cause):
    remedy = RemedyFactory(
        complaint=complaint, proposed_by=owner, decision=Remedy.Decision.APPROVED
    )
    services.deliver_remedy(actor=owner, remedy=remedy)


def _resolve(complaint, owner, supervisor, root_cause):
    services.resolve(actor=owner, complaint=complaint, no_remedy=True, note="Sorted.")


def _close(complaint, owner, supervisor, root_cause):
    services.close(
        actor=owner, complaint=complaint, root_cause=root_cause, corrective_note="New courier."
    )


def _satisfied(complaint, owner, supervisor, root_cause):
    services.record_check_in(
        actor=owner,
        complaint=complaint,
        satisfied=True,
        rating=4,
        root_cause=root_cause,
        corrective_note="New courier.",
    )


def _unhappy(complaint, owner, supervisor, root_cause):
    services.record_check_in(actor=owner, complaint=complaint, satisfied=False, rating=2)


def _reopen(complaint, owner, supervisor, root_cause):
    services.reopen(actor=owner, complaint=complaint, reason="It broke again.")


# (step in TRANSITIONS, status it starts from, the service call that takes it)
LEGAL = [
    ("acknowledge", STATUS.NEW, _acknowledge),
    ("acknowledge", STATUS.NEW, _customer_update),
    ("investigate", STATUS.ACKNOWLEDGED, _investigate),
    ("investigate", STATUS.WAITING_ON_CUSTOMER, _investigate),
    ("investigate", STATUS.WAITING_ON_CUSTOMER, _customer_update),
    ("wait_on_customer", STATUS.ACKNOWLEDGED, _wait),
    ("wait_on_customer", STATUS.INVESTIGATING, _wait),
    ("propose_remedy", STATUS.NEW, _remedy_within),
    ("propose_remedy", STATUS.ACKNOWLEDGED, _remedy_within),
    ("propose_remedy", STATUS.INVESTIGATING, _remedy_within),
    ("await_approval", STATUS.NEW, _remedy_above),
    ("await_approval", STATUS.ACKNOWLEDGED, _remedy_above),
    ("await_approval", STATUS.INVESTIGATING, _remedy_above),
    ("decide_remedy", STATUS.AWAITING_APPROVAL, _approve),
    ("decide_remedy", STATUS.AWAITING_APPROVAL, _reject),
    ("deliver_remedy", STATUS.ACKNOWLEDGED, _deliver),
    ("deliver_remedy", STATUS.INVESTIGATING, _deliver),
    ("resolve", STATUS.ACKNOWLEDGED, _resolve),
    ("resolve", STATUS.INVESTIGATING, _resolve),
    ("close", STATUS.RESOLVED, _close),
    ("close", STATUS.RESOLVED, _satisfied),
    ("reopen", STATUS.RESOLVED, _unhappy),
    ("reopen", STATUS.RESOLVED, _reopen),
    ("reopen", STATUS.CLOSED, _reopen),
]


def test_the_legal_cases_cover_every_transition():
    every_transition = {
        (step, status) for step, (sources, _target) in TRANSITIONS.items() for status in sources
    }

    assert {(step, status) for step, status, _call in LEGAL} == every_transition


@pytest.mark.parametrize(
    ("step", "from_status", "call"),
    LEGAL,
    ids=[f"{step}-from-{status}-by-{call.__name__[1:]}" for step, status, call in LEGAL],
)
def test_every_legal_step_moves_the_complaint_and_records_it(
    step, from_status, call, staff, supervisor, root_cause
):
    complaint = complaint_in(from_status, staff)
    target = TRANSITIONS[step][1]

    call(complaint, staff, supervisor, root_cause)

    complaint.refresh_from_db()
    assert complaint.status == target
    assert complaint.version == 2
    if target != from_status:
        assert complaint.updates.filter(
            kind=ComplaintUpdate.Kind.STATUS, from_status=from_status, to_status=target
        ).exists()


def test_acknowledging_stops_the_first_response_clock(staff):
    complaint = complaint_in(STATUS.NEW, staff)

    services.acknowledge(actor=staff, complaint=complaint, note="Called them back.")

    complaint.refresh_from_db()
    assert complaint.acknowledged_at == NOW
    assert complaint.updates.get(kind=ComplaintUpdate.Kind.STATUS).text == "Called them back."


def test_proposing_a_remedy_on_a_new_complaint_counts_as_the_first_response(staff):
    complaint = complaint_in(STATUS.NEW, staff)

    services.propose_remedy(actor=staff, complaint=complaint, kind="apology", amount=None)

    complaint.refresh_from_db()
    assert complaint.acknowledged_at == NOW


def test_delivering_a_remedy_records_when(staff):
    complaint = complaint_in(STATUS.INVESTIGATING, staff)
    remedy = services.propose_remedy(
        actor=staff, complaint=complaint, kind="refund", amount=Decimal(20)
    )

    services.deliver_remedy(actor=staff, remedy=remedy)

    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.DELIVERED
    assert remedy.delivered_at == NOW


@pytest.mark.parametrize(
    "decision", [Remedy.Decision.PROPOSED, Remedy.Decision.REJECTED, Remedy.Decision.DELIVERED]
)
def test_only_an_approved_remedy_can_be_delivered(decision, staff):
    complaint = complaint_in(STATUS.INVESTIGATING, staff)
    remedy = RemedyFactory(complaint=complaint, proposed_by=staff, decision=decision)

    with pytest.raises(ComplaintError):
        services.deliver_remedy(actor=staff, remedy=remedy)

    remedy.refresh_from_db()
    assert remedy.decision == decision


# --- Refused steps -------------------------------------------------------------------------------


def _resolve_anyway(complaint, owner, root_cause):
    services.resolve(actor=owner, complaint=complaint, no_remedy=True)


def _close_anyway(complaint, owner, root_cause):
    services.close(actor=owner, complaint=complaint, root_cause=root_cause, corrective_note="X")


def _acknowledge_again(complaint, owner, root_cause):
    services.acknowledge(actor=owner, complaint=complaint)


def _wait_again(complaint, owner, root_cause):
    services.wait_on_customer(actor=owner, complaint=complaint, reason="More photos.")


def _investigate_anyway(complaint, owner, root_cause):
    services.start_investigating(actor=owner, complaint=complaint)


def _remedy_anyway(complaint, owner, root_cause):
    services.propose_remedy(actor=owner, complaint=complaint, kind="apology", amount=None)


def _reopen_anyway(complaint, owner, root_cause):
    services.reopen(actor=owner, complaint=complaint, reason="Why not.")


ILLEGAL = [
    (STATUS.NEW, _resolve_anyway, "A complaint that is new cannot be resolved."),
    (STATUS.INVESTIGATING, _close_anyway, "A complaint that is investigating cannot be closed."),
    (
        STATUS.ACKNOWLEDGED,
        _acknowledge_again,
        "A complaint that is acknowledged cannot be acknowledged.",
    ),
    (
        STATUS.RESOLVED,
        _wait_again,
        "A complaint that is resolved cannot be put on hold for the customer.",
    ),
    (
        STATUS.WAITING_ON_CUSTOMER,
        _wait_again,
        "A complaint that is waiting on customer cannot be put on hold for the customer.",
    ),
    (STATUS.NEW, _investigate_anyway, "A complaint that is new cannot be moved to investigating."),
    (
        STATUS.AWAITING_APPROVAL,
        _remedy_anyway,
        "A complaint that is awaiting approval cannot be offered a remedy.",
    ),
    (STATUS.CLOSED, _remedy_anyway, "A complaint that is closed cannot be offered a remedy."),
    (
        STATUS.INVESTIGATING,
        _reopen_anyway,
        "A complaint that is investigating cannot be reopened.",
    ),
    (STATUS.CLOSED, _close_anyway, "A complaint that is closed cannot be closed."),
]


@pytest.mark.parametrize(
    ("from_status", "call", "message"),
    ILLEGAL,
    ids=[f"{call.__name__[1:]}-when-{status}" for status, call, _message in ILLEGAL],
)
def test_an_illegal_step_is_refused_with_a_message_and_changes_nothing(
    from_status, call, message, staff, root_cause
):
    complaint = complaint_in(from_status, staff)

    with pytest.raises(IllegalTransition) as refused:
        call(complaint, staff, root_cause)

    assert str(refused.value) == message
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == (from_status, 1)
    assert not complaint.updates.exists()
    assert not complaint.remedies.exclude(decision=Remedy.Decision.PROPOSED).exists()
    assert not FollowUp.objects.exists()


def test_the_customer_cannot_be_updated_on_a_resolved_complaint(staff):
    complaint = complaint_in(STATUS.RESOLVED, staff)

    with pytest.raises(IllegalTransition):
        services.record_customer_update(
            actor=staff, complaint=complaint, channel="phone", text="Hello."
        )

    assert not complaint.updates.exists()


# --- Resolving -----------------------------------------------------------------------------------


def test_resolving_needs_a_delivered_remedy_or_saying_no_remedy_is_given(staff):
    complaint = complaint_in(STATUS.INVESTIGATING, staff)

    with pytest.raises(ComplaintError):
        services.resolve(actor=staff, complaint=complaint)

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING
    assert not FollowUp.objects.exists()


def test_resolving_without_a_remedy_is_allowed_when_said_so(staff):
    complaint = complaint_in(STATUS.INVESTIGATING, staff)

    services.resolve(actor=staff, complaint=complaint, no_remedy=True)

    complaint.refresh_from_db()
    assert complaint.status == STATUS.RESOLVED
    assert complaint.resolved_at == NOW


def test_a_rejected_remedy_does_not_count_as_delivered(staff):
    complaint = complaint_in(STATUS.INVESTIGATING, staff)
    RemedyFactory(complaint=complaint, proposed_by=staff, decision=Remedy.Decision.REJECTED)

    with pytest.raises(ComplaintError):
        services.resolve(actor=staff, complaint=complaint)


def test_resolving_with_a_delivered_remedy(staff):
    complaint = complaint_in(STATUS.INVESTIGATING, staff)
    remedy = services.propose_remedy(
        actor=staff, complaint=complaint, kind="refund", amount=Decimal(20)
    )
    services.deliver_remedy(actor=staff, remedy=remedy)

    services.resolve(actor=staff, complaint=complaint)

    complaint.refresh_from_db()
    assert complaint.status == STATUS.RESOLVED


def test_resolving_is_refused_while_an_approved_remedy_is_undelivered(staff):
    complaint = complaint_in(STATUS.INVESTIGATING, staff)
    services.propose_remedy(actor=staff, complaint=complaint, kind="refund", amount=Decimal(20))

    with pytest.raises(ComplaintError, match="Deliver the approved remedy"):
        services.resolve(actor=staff, complaint=complaint, no_remedy=True)

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING


def test_resolving_schedules_the_check_in_for_the_owner(settings, staff, supervisor):
    settings.COMPLAINT_CHECK_IN_DAYS = 10
    complaint = complaint_in(STATUS.INVESTIGATING, staff)

    # A supervisor resolving it does not take the check-in off the owner.
    services.resolve(actor=supervisor, complaint=complaint, no_remedy=True)

    check_in = check_in_of(complaint)
    assert check_in.kind == FollowUp.Kind.AFTER_RESOLUTION
    assert check_in.status == FollowUp.Status.OPEN
    assert check_in.owner == staff
    assert check_in.customer == complaint.customer
    assert check_in.due_at == NOW + timedelta(days=10)
    assert check_in.source == complaint
    assert complaint.reference in check_in.subject


def test_the_check_in_cannot_be_completed_as_a_plain_follow_up(staff):
    complaint = resolved(staff)
    check_in = check_in_of(complaint)

    with pytest.raises(FollowUpError):
        customer_services.complete_follow_up(actor=staff, follow_up=check_in, outcome="Fine.")

    check_in.refresh_from_db()
    assert check_in.status == FollowUp.Status.OPEN


# --- The check-in --------------------------------------------------------------------------------


def test_a_satisfied_check_in_closes_the_complaint(staff, root_cause, time_machine):
    complaint = resolved(staff)
    later = NOW + timedelta(days=14)
    time_machine.move_to(later, tick=False)

    services.record_check_in(
        actor=staff,
        complaint=complaint,
        satisfied=True,
        rating=5,
        note="All good now.",
        root_cause=root_cause,
        corrective_note="Switched couriers for fragile goods.",
    )

    complaint.refresh_from_db()
    assert complaint.status == STATUS.CLOSED
    assert complaint.outcome_satisfied is True
    assert complaint.handling_rating == 5
    assert (complaint.satisfied_at, complaint.closed_at) == (later, later)
    assert complaint.root_cause == root_cause
    assert complaint.corrective_note == "Switched couriers for fragile goods."
    check_in = check_in_of(complaint)
    assert check_in.status == FollowUp.Status.DONE
    assert (check_in.completed_at, check_in.completed_by) == (later, staff)
    assert "All good now." in check_in.outcome


@pytest.mark.parametrize(
    ("root_cause_given", "corrective_note"),
    [(False, "Switched couriers."), (True, ""), (True, "   ")],
    ids=["no-root-cause", "no-corrective-note", "blank-corrective-note"],
)
def test_closing_needs_a_root_cause_and_a_corrective_note(
    root_cause_given, corrective_note, staff, root_cause
):
    complaint = resolved(staff)

    with pytest.raises(ComplaintError):
        services.record_check_in(
            actor=staff,
            complaint=complaint,
            satisfied=True,
            rating=5,
            root_cause=root_cause if root_cause_given else None,
            corrective_note=corrective_note,
        )

    complaint.refresh_from_db()
    assert complaint.status == STATUS.RESOLVED
    assert complaint.outcome_satisfied is None
    assert check_in_of(complaint).status == FollowUp.Status.OPEN


def test_a_root_cause_recorded_before_is_enough_to_close(staff, root_cause):
    complaint = resolved(staff)
    Complaint.objects.filter(pk=complaint.pk).update(
        root_cause=root_cause, corrective_note="Repacked."
    )

    services.record_check_in(actor=staff, complaint=complaint, satisfied=True, rating=3)

    complaint.refresh_from_db()
    assert complaint.status == STATUS.CLOSED
    assert (complaint.root_cause, complaint.corrective_note) == (root_cause, "Repacked.")


@pytest.mark.parametrize("rating", [0, 6])
def test_the_handling_is_rated_from_1_to_5(rating, staff, root_cause):
    complaint = resolved(staff)

    with pytest.raises(ComplaintError):
        services.record_check_in(
            actor=staff,
            complaint=complaint,
            satisfied=True,
            rating=rating,
            root_cause=root_cause,
            corrective_note="Repacked.",
        )

    complaint.refresh_from_db()
    assert (complaint.status, complaint.handling_rating) == (STATUS.RESOLVED, None)
    assert check_in_of(complaint).status == FollowUp.Status.OPEN


@pytest.mark.parametrize("rating", [1, 5])
def test_ratings_at_both_ends_are_accepted(rating, staff):
    complaint = resolved(staff)

    services.record_check_in(actor=staff, complaint=complaint, satisfied=False, rating=rating)

    complaint.refresh_from_db()
    assert complaint.handling_rating == rating


def test_an_unhappy_check_in_reopens_the_complaint_with_fresh_deadlines(staff, time_machine):
    # given: a resolved complaint whose owner also has other commitments open
    complaint = resolved(staff)
    other_commitment = FollowUpFactory(customer=complaint.customer, owner=staff)
    Complaint.objects.filter(pk=complaint.pk).update(
        update_notified_at=NOW, resolution_notified_at=NOW, resolution_escalated_at=NOW
    )
    later = NOW + timedelta(days=14)
    time_machine.move_to(later, tick=False)

    # when
    services.record_check_in(
        actor=staff, complaint=complaint, satisfied=False, rating=2, note="Still leaking."
    )

    # then: normal severity, around the clock: update every 480 minutes, resolve in 2400
    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING
    assert complaint.outcome_satisfied is False
    assert complaint.handling_rating == 2
    assert complaint.resolved_at is None
    assert complaint.next_update_due == later + timedelta(minutes=480)
    assert complaint.resolution_due == later + timedelta(minutes=2400)
    assert complaint.update_notified_at is None
    assert complaint.resolution_notified_at is None
    assert complaint.resolution_escalated_at is None
    check_in = check_in_of(complaint)
    assert check_in.status == FollowUp.Status.DONE
    assert "Still leaking." in check_in.outcome
    other_commitment.refresh_from_db()
    assert other_commitment.status == FollowUp.Status.OPEN
    assert complaint.updates.filter(to_status=STATUS.INVESTIGATING, text="Still leaking.").exists()


def test_an_unhappy_check_in_needs_no_root_cause(staff):
    complaint = resolved(staff)

    services.record_check_in(actor=staff, complaint=complaint, satisfied=False, rating=1)

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING


def test_only_a_resolved_complaint_has_a_check_in(staff, root_cause):
    complaint = complaint_in(STATUS.INVESTIGATING, staff)

    with pytest.raises(IllegalTransition, match="Only a resolved complaint has a check-in"):
        services.record_check_in(actor=staff, complaint=complaint, satisfied=False, rating=3)

    complaint.refresh_from_db()
    assert complaint.handling_rating is None


def test_closing_directly_completes_the_open_check_in(staff, root_cause):
    complaint = resolved(staff)

    services.close(
        actor=staff, complaint=complaint, root_cause=root_cause, corrective_note="Repacked."
    )

    complaint.refresh_from_db()
    assert complaint.status == STATUS.CLOSED
    assert complaint.satisfied_at == NOW
    assert check_in_of(complaint).status == FollowUp.Status.DONE


def test_closing_directly_needs_a_root_cause_and_a_corrective_note(staff, root_cause):
    complaint = resolved(staff)

    with pytest.raises(ComplaintError):
        services.close(actor=staff, complaint=complaint, root_cause=root_cause, corrective_note="")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.RESOLVED


# --- Reopening -----------------------------------------------------------------------------------


def test_reopening_cancels_the_open_check_in_and_nothing_else(staff):
    complaint = resolved(staff)
    other_commitment = FollowUpFactory(customer=complaint.customer, owner=staff)

    services.reopen(actor=staff, complaint=complaint, reason="The customer rang: it broke again.")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING
    assert complaint.resolved_at is None
    assert check_in_of(complaint).status == FollowUp.Status.CANCELLED
    other_commitment.refresh_from_db()
    assert other_commitment.status == FollowUp.Status.OPEN


def test_reopening_a_closed_complaint_clears_its_closure(staff, root_cause):
    complaint = resolved(staff)
    services.close(
        actor=staff, complaint=complaint, root_cause=root_cause, corrective_note="Repacked."
    )

    services.reopen(actor=staff, complaint=complaint, reason="It broke again.")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING
    assert (complaint.closed_at, complaint.satisfied_at) == (None, None)
    # The check-in completed at closing stays completed.
    assert check_in_of(complaint).status == FollowUp.Status.DONE


def test_reopening_needs_a_reason(staff):
    complaint = resolved(staff)

    with pytest.raises(ComplaintError):
        services.reopen(actor=staff, complaint=complaint, reason="  ")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.RESOLVED
    assert check_in_of(complaint).status == FollowUp.Status.OPEN


def test_resolving_a_reopened_complaint_schedules_a_new_check_in(staff):
    complaint = resolved(staff)
    services.reopen(actor=staff, complaint=complaint, reason="It broke again.")

    services.resolve(actor=staff, complaint=complaint, no_remedy=True)

    check_ins = FollowUp.objects.filter(kind=FollowUp.Kind.AFTER_RESOLUTION)
    assert sorted(check_ins.values_list("status", flat=True)) == ["cancelled", "open"]


# --- Who may act ---------------------------------------------------------------------------------


ACTIONS = {
    "acknowledge": (STATUS.NEW, lambda c, a: services.acknowledge(actor=a, complaint=c)),
    "investigate": (
        STATUS.ACKNOWLEDGED,
        lambda c, a: services.start_investigating(actor=a, complaint=c),
    ),
    "wait": (
        STATUS.INVESTIGATING,
        lambda c, a: services.wait_on_customer(actor=a, complaint=c, reason="Photos."),
    ),
    "customer_update": (
        STATUS.INVESTIGATING,
        lambda c, a: services.record_customer_update(
            actor=a, complaint=c, channel="email", text="Update."
        ),
    ),
    "promise": (
        STATUS.INVESTIGATING,
        lambda c, a: services.set_promised_time(
            actor=a, complaint=c, promised_by=NOW + timedelta(days=1)
        ),
    ),
    "propose_remedy": (
        STATUS.INVESTIGATING,
        lambda c, a: services.propose_remedy(actor=a, complaint=c, kind="apology", amount=None),
    ),
    "deliver_remedy": (
        STATUS.INVESTIGATING,
        lambda c, a: services.deliver_remedy(
            actor=a,
            remedy=RemedyFactory(
                complaint=c, proposed_by=c.owner, decision=Remedy.Decision.APPROVED
            ),
        ),
    ),
    "resolve": (
        STATUS.INVESTIGATING,
        lambda c, a: services.resolve(actor=a, complaint=c, no_remedy=True),
    ),
    "close": (
        STATUS.RESOLVED,
        lambda c, a: services.close(
            actor=a,
            complaint=c,
            root_cause=RootCause.objects.first(),
            corrective_note="Repacked.",
        ),
    ),
    "reopen": (
        STATUS.CLOSED,
        lambda c, a: services.reopen(actor=a, complaint=c, reason="Broke again."),
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_other_staff_cannot_act_on_someone_elses_complaint(action, staff, other_staff):
    from_status, call = ACTIONS[action]
    complaint = complaint_in(from_status, staff)

    with pytest.raises(PermissionDenied):
        call(complaint, other_staff)

    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == (from_status, 1)
    assert not complaint.updates.exists()
    assert not complaint.remedies.filter(proposed_by=other_staff).exists()
    assert not complaint.remedies.filter(decision=Remedy.Decision.DELIVERED).exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_a_supervisor_may_act_on_anyones_complaint(action, staff, supervisor):
    from_status, call = ACTIONS[action]
    complaint = complaint_in(from_status, staff)

    call(complaint, supervisor)

    complaint.refresh_from_db()
    assert complaint.version == 2
    assert complaint.updates.filter(author=supervisor).exists()


def test_an_owner_who_left_cannot_act_on_their_complaint(staff):
    complaint = complaint_in(STATUS.NEW, staff)
    staff.is_active = False
    staff.save()

    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=staff, complaint=complaint)


# --- Stale forms ---------------------------------------------------------------------------------


def test_acting_on_a_stale_copy_is_refused_and_changes_nothing(staff, supervisor):
    # given: the owner opened the complaint, then a supervisor acknowledged it
    complaint = complaint_in(STATUS.NEW, staff)
    opened_version = complaint.version
    services.acknowledge(actor=supervisor, complaint=complaint, expected_version=opened_version)

    # when / then
    with pytest.raises(StaleComplaintError):
        services.wait_on_customer(
            actor=staff, complaint=complaint, reason="Photos.", expected_version=opened_version
        )

    complaint.refresh_from_db()
    assert complaint.status == STATUS.ACKNOWLEDGED
    assert complaint.version == opened_version + 1
    assert complaint.paused_at is None
    assert complaint.updates.count() == 1


def test_acting_on_the_current_version_bumps_it(staff):
    complaint = complaint_in(STATUS.NEW, staff)

    services.acknowledge(actor=staff, complaint=complaint, expected_version=complaint.version)
    services.start_investigating(actor=staff, complaint=complaint, expected_version=2)

    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == (STATUS.INVESTIGATING, 3)
