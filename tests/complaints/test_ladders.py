"""The complaints' clocks on the deadline ladder: SLA breaches and remedies left waiting."""

from decimal import Decimal

import pytest

from complaints import services
from complaints.ladders import (
    CUSTOMER_UPDATE,
    FIRST_RESPONSE,
    HANDOFFS_UNANSWERED,
    REMEDIES_WAITING,
    RESOLUTION,
    SLA_LADDERS,
)
from complaints.models import Complaint, Remedy
from crm import ladder
from crm.models import Notice
from tests.crm.ladder_clocks import ESCALATE_AT, MONDAY, PAST_DUE, REMIND_AT, _complaint, at
from tests.factories import (
    ComplaintHandoffFactory,
    CustomerFactory,
    RemedyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, weekdays_nine_to_five):
    settings.TIME_ZONE = "Europe/London"
    settings.COMPLAINT_ESCALATION_MINUTES = 60
    settings.REMEDY_APPROVAL_REMIND_MINUTES = 60
    settings.REMEDY_APPROVAL_ESCALATION_MINUTES = 60


def test_every_missed_deadline_of_a_complaint_is_its_own_line_in_one_notice(staff):
    complaint = _complaint(
        staff,
        status=Complaint.Status.NEW,
        acknowledged_at=None,
        first_response_due=PAST_DUE,
        next_update_due=PAST_DUE,
        resolution_due=PAST_DUE,
        severity="high",
        customer=CustomerFactory(name="Acme"),
    )

    report = ladder.sweep(now=REMIND_AT, ladders=SLA_LADDERS)

    assert [report.per_ladder[clock.name] for clock in SLA_LADDERS] == [(1, 0)] * 3
    notice = Notice.objects.get(recipient=staff)
    assert notice.subject == (
        "1 complaint past first response, 1 complaint past a customer update, "
        "1 complaint past resolution"
    )
    assert f"- {complaint.reference}, Acme (High): first response was due Fri 06 Mar 10:00" in (
        notice.body
    )
    assert "the customer was due an update Fri 06 Mar 10:00" in notice.body
    assert "it was due to be resolved Fri 06 Mar 10:00" in notice.body
    assert notice.path == "/complaints/?breaching=true"


def test_the_new_owner_of_a_handed_over_complaint_hears_of_its_missed_deadline(staff):
    # given a complaint past resolution, its owner told
    complaint = _complaint(staff, resolution_due=PAST_DUE)
    assert ladder.sweep(now=REMIND_AT, ladders=[RESOLUTION]).per_ladder[RESOLUTION.name] == (1, 0)
    receiver = UserFactory(group="Front-line staff")

    # when it is handed over and accepted
    handoff = services.offer_handoff(
        actor=staff, complaint=complaint, to_user=receiver, note="The refund is agreed."
    )
    services.accept_handoff(actor=receiver, handoff=handoff)

    # then the next sweep tells the receiver
    report = ladder.sweep(now=at(MONDAY, 12), ladders=[RESOLUTION])
    assert report.per_ladder[RESOLUTION.name] == (1, 0)
    assert Notice.objects.filter(recipient=receiver, subject__contains="past resolution").exists()


def test_an_acknowledged_complaint_owes_no_first_response(staff):
    _complaint(staff, first_response_due=PAST_DUE)

    assert ladder.sweep(now=REMIND_AT, ladders=[FIRST_RESPONSE]).per_ladder[
        FIRST_RESPONSE.name
    ] == (0, 0)


@pytest.mark.parametrize("status", [Complaint.Status.RESOLVED, Complaint.Status.CLOSED])
def test_a_resolved_or_closed_complaint_is_not_due(staff, status):
    _complaint(staff, status=status, next_update_due=PAST_DUE, resolution_due=PAST_DUE)

    report = ladder.sweep(now=REMIND_AT, ladders=[CUSTOMER_UPDATE, RESOLUTION])

    assert report.notified == report.escalated == 0


def test_resuming_after_a_wait_moves_the_deadlines_and_restarts_the_clocks(staff, clock):
    complaint = _complaint(staff, resolution_due=PAST_DUE)
    ladder.sweep(now=REMIND_AT, ladders=[RESOLUTION])
    clock.set(REMIND_AT)
    services.wait_on_customer(actor=staff, complaint=complaint, reason="Waiting for a photo.")

    clock.set(at(MONDAY, 10))
    services.start_investigating(actor=staff, complaint=complaint)

    complaint.refresh_from_db()
    assert complaint.resolution_notified_at is None
    assert complaint.resolution_due > PAST_DUE


def waiting_remedy(amount="300", proposed_at=PAST_DUE):
    proposer = UserFactory(group="Front-line staff")
    return RemedyFactory(
        complaint=_complaint(proposer, customer=CustomerFactory(name="Acme")),
        kind="refund",
        amount=Decimal(amount),
        proposed_by=proposer,
        proposed_at=proposed_at,
    )


def test_a_waiting_remedy_reminds_everyone_who_may_approve_it_but_its_proposer(
    staff, supervisor, owner
):
    remedy = waiting_remedy()

    report = ladder.sweep(now=REMIND_AT, ladders=[REMEDIES_WAITING])

    assert report.per_ladder[REMEDIES_WAITING.name] == (1, 0)
    told = set(Notice.objects.values_list("recipient__username", flat=True))
    assert told == {"supervisor", "owner"}
    notice = Notice.objects.get(recipient=supervisor)
    assert notice.subject == "1 remedy waiting for approval"
    assert f"- {remedy.complaint.reference}, Acme: Refund 300.00 proposed by " in notice.body
    assert notice.path == "/complaints/approvals/"


def test_a_remedy_only_owners_may_approve_reminds_only_them(staff, supervisor, owner):
    waiting_remedy(amount="5000")

    ladder.sweep(now=REMIND_AT, ladders=[REMEDIES_WAITING])

    assert list(Notice.objects.values_list("recipient__username", flat=True)) == ["owner"]


def test_a_waiting_remedy_escalates_to_the_owners_group(staff, supervisor, owner):
    waiting_remedy()
    ladder.sweep(now=REMIND_AT, ladders=[REMEDIES_WAITING])

    report = ladder.sweep(now=ESCALATE_AT, ladders=[REMEDIES_WAITING])

    assert report.per_ladder[REMEDIES_WAITING.name] == (0, 1)
    escalated = Notice.objects.filter(subject__contains="escalated")
    assert list(escalated.values_list("recipient__username", flat=True)) == ["owner"]


def test_a_decided_remedy_or_one_on_a_resolved_complaint_is_not_due(staff, supervisor):
    decided = waiting_remedy()
    decided.decision = Remedy.Decision.APPROVED
    decided.save()
    finished = waiting_remedy()
    Complaint.objects.filter(pk=finished.complaint_id).update(status=Complaint.Status.RESOLVED)

    report = ladder.sweep(now=REMIND_AT, ladders=[REMEDIES_WAITING])

    assert report.per_ladder[REMEDIES_WAITING.name] == (0, 0)


def test_an_unanswered_complaint_handoff_reminds_its_receiver(staff, other_staff, settings):
    settings.COMPLAINT_HANDOFF_REMIND_MINUTES = 60
    complaint = _complaint(staff, customer=CustomerFactory(name="Acme"))
    ComplaintHandoffFactory(complaint=complaint, to_user=other_staff, created_at=PAST_DUE)

    report = ladder.sweep(now=REMIND_AT, ladders=[HANDOFFS_UNANSWERED])

    assert report.per_ladder[HANDOFFS_UNANSWERED.name] == (1, 0)
    notice = Notice.objects.get()
    assert notice.recipient == other_staff
    assert notice.subject == "1 complaint handoff unanswered"
    assert f"- {complaint.reference}, Acme: offered by Sam " in notice.body


def test_answered_complaint_handoffs_and_those_of_closed_complaints_are_not_due(
    staff, other_staff
):
    ComplaintHandoffFactory(to_user=other_staff, created_at=PAST_DUE, accepted_at=PAST_DUE)
    ComplaintHandoffFactory(to_user=other_staff, created_at=PAST_DUE, declined_at=PAST_DUE)
    ComplaintHandoffFactory(
        to_user=other_staff,
        created_at=PAST_DUE,
        complaint=_complaint(staff, status=Complaint.Status.CLOSED),
    )

    report = ladder.sweep(now=REMIND_AT, ladders=[HANDOFFS_UNANSWERED])

    assert report.per_ladder[HANDOFFS_UNANSWERED.name] == (0, 0)
