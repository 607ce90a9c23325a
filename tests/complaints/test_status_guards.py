"""Every complaint service checks the status it acts on, whatever the page offered.

The status-flow steps (acknowledge, resolve, close…) are covered step by step in test_flow.py.
Here: the services that act beside the flow, against every status, from a declared table.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import (
    Complaint,
    ComplaintHandoff,
    ComplaintUpdate,
    IllegalTransition,
    RootCause,
)
from tests.complaints.test_flow import complaint_in
from tests.factories import RemedyFactory

pytestmark = pytest.mark.django_db

STATUS = Complaint.Status
EVERY = set(STATUS.values)
ACTIVE = EVERY - {STATUS.RESOLVED, STATUS.CLOSED}
REFUSALS = (services.ComplaintError, IllegalTransition)


def _customer_update(complaint, staff, other_staff, supervisor):
    services.record_customer_update(actor=staff, complaint=complaint, channel="email", text="News")


def _promise(complaint, staff, other_staff, supervisor):
    services.set_promised_time(
        actor=staff, complaint=complaint, promised_by=timezone.now() + timedelta(days=2)
    )


def _note(complaint, staff, other_staff, supervisor):
    services.add_note(actor=staff, complaint=complaint, text="Called the courier.")


def _propose(complaint, staff, other_staff, supervisor):
    services.propose_remedy(actor=staff, complaint=complaint, kind="other", amount=Decimal(10))


def _decide(complaint, staff, other_staff, supervisor):
    remedy = RemedyFactory(complaint=complaint, proposed_by=staff, amount=Decimal(80))
    services.decide_remedy(actor=supervisor, remedy=remedy, approve=True)


def _deliver(complaint, staff, other_staff, supervisor):
    remedy = RemedyFactory(complaint=complaint, proposed_by=staff, decision="approved")
    services.deliver_remedy(actor=staff, remedy=remedy)


def _offer(complaint, staff, other_staff, supervisor):
    services.offer_handoff(
        actor=staff, complaint=complaint, to_user=other_staff, note="Promised a call Friday."
    )


def _pending(complaint, staff, other_staff) -> ComplaintHandoff:
    # Written directly: an offer made before the complaint reached its status.
    return ComplaintHandoff.objects.create(
        complaint=complaint, from_user=staff, to_user=other_staff, note="Over to you."
    )


def _accept(complaint, staff, other_staff, supervisor):
    services.accept_handoff(actor=other_staff, handoff=_pending(complaint, staff, other_staff))


def _decline(complaint, staff, other_staff, supervisor):
    handoff = _pending(complaint, staff, other_staff)
    services.decline_handoff(actor=other_staff, handoff=handoff, reason="On leave.")


# service: (how to call it, the statuses it may act on)
ALLOWED = {
    "customer_update": (_customer_update, ACTIVE),
    "promise": (_promise, ACTIVE),
    # A finished complaint's record may still gain a remark.
    "note": (_note, EVERY),
    "propose_remedy": (_propose, {STATUS.NEW, STATUS.ACKNOWLEDGED, STATUS.INVESTIGATING}),
    "decide_remedy": (_decide, {STATUS.AWAITING_APPROVAL}),
    "deliver_remedy": (_deliver, {STATUS.ACKNOWLEDGED, STATUS.INVESTIGATING}),
    # A resolved complaint's check-in still needs an owner; a closed one has nothing to own.
    "offer_handoff": (_offer, EVERY - {STATUS.CLOSED}),
    "accept_handoff": (_accept, EVERY - {STATUS.CLOSED}),
    # Saying no changes nothing: the receiver may always decline.
    "decline_handoff": (_decline, EVERY),
}
CASES = [(service, status) for service in ALLOWED for status in STATUS.values]


@pytest.mark.parametrize(("service", "status"), CASES, ids=[f"{s}-{t}" for s, t in CASES])
def test_each_service_acts_only_on_the_statuses_it_may(
    service, status, staff, other_staff, supervisor
):
    call, allowed = ALLOWED[service]
    complaint = complaint_in(status, staff)
    owner, timeline = complaint.owner, complaint.updates.count()

    if status in allowed:
        call(complaint, staff, other_staff, supervisor)
        complaint.refresh_from_db()
        assert complaint.updates.count() > timeline
        return
    with pytest.raises(REFUSALS):
        call(complaint, staff, other_staff, supervisor)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.owner, complaint.version) == (status, owner, 1)
    assert complaint.updates.count() == timeline


# --- Handoffs on closed work ---------------------------------------------------------------------


def resolved_and_offered(staff, other_staff) -> ComplaintHandoff:
    complaint = services.resolve(
        actor=staff, complaint=complaint_in(STATUS.INVESTIGATING, staff), no_remedy=True
    )
    return services.offer_handoff(
        actor=staff, complaint=complaint, to_user=other_staff, note="Check-in due next month."
    )


def close_by_check_in(complaint, actor):
    services.record_check_in(
        actor=actor,
        complaint=complaint,
        satisfied=True,
        rating=5,
        root_cause=RootCause.objects.first(),
        corrective_note="Repacked.",
    )


def close_directly(complaint, actor):
    services.close(
        actor=actor,
        complaint=complaint,
        root_cause=RootCause.objects.first(),
        corrective_note="Repacked.",
    )


@pytest.mark.parametrize("close", [close_by_check_in, close_directly])
def test_closing_withdraws_the_offer_waiting_and_it_can_no_longer_be_accepted(
    close, staff, other_staff
):
    # given: a resolved complaint offered to a colleague, then closed before they answered
    handoff = resolved_and_offered(staff, other_staff)
    close(handoff.complaint, staff)

    # when / then
    with pytest.raises(services.ComplaintError, match="is closed"):
        services.accept_handoff(actor=other_staff, handoff=handoff)
    handoff.refresh_from_db()
    complaint = Complaint.objects.get(pk=handoff.complaint_id)
    assert complaint.owner == staff
    assert (handoff.accepted_at, handoff.decline_reason) == (None, "The complaint was closed.")
    assert handoff.declined_at is not None
    assert complaint.updates.filter(
        kind=ComplaintUpdate.Kind.REASSIGNMENT, text__contains="withdrawn"
    ).exists()


def test_a_reopened_complaint_may_be_offered_again(staff, other_staff):
    handoff = resolved_and_offered(staff, other_staff)
    close_directly(handoff.complaint, staff)
    complaint = services.reopen(actor=staff, complaint=handoff.complaint, reason="Broke again.")

    again = services.offer_handoff(
        actor=staff, complaint=complaint, to_user=other_staff, note="It broke again."
    )

    assert again.is_pending
