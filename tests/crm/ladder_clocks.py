"""One small adapter per deadline-ladder declaration, for the contract suite.

Each adapter makes an item due at DUE_BY for a given person, one not due, and, where the clock
has them, restarts it through the service that restarts it and pauses it. Times are in the
week of Monday 2 March 2026 in London, with business hours 09:00 to 17:00 on weekdays.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from complaints import services as complaint_services
from complaints.authority import approvers_for
from complaints.models import Complaint
from customers import services as customer_services
from onboarding import services as onboarding_services
from tests.factories import (
    ComplaintFactory,
    ComplaintHandoffFactory,
    FollowUpFactory,
    HandoffFactory,
    OnboardingFactory,
    OnboardingStepFactory,
    RemedyFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
FRIDAY = date(2026, 3, 6)
SATURDAY = date(2026, 3, 7)
MONDAY = date(2026, 3, 9)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


# Every item is past due (or past its wait) by this moment, and the reminder goes out then.
PAST_DUE = at(FRIDAY, 10)
REMIND_AT = at(FRIDAY, 16, 30)
# With a grace of 60 business minutes the escalation falls on Monday at 09:30, not on Friday
# at 17:30: the weekend does not count.
ESCALATE_AT = at(MONDAY, 9, 30)
FAR = at(date(2026, 6, 1), 10)


@dataclass(frozen=True)
class Clock:
    """How the contract suite drives one declaration."""

    ladder: str
    make_due: Callable  # (person) -> item due at REMIND_AT
    make_not_due: Callable  # (person) -> item of the same kind, not due at REMIND_AT
    told: Callable  # (item) -> the people the reminder goes to
    # (item) -> the moment the restarted clock is due again; run at REMIND_AT.
    restart: Callable | None = None
    pause: Callable | None = None  # (item) -> None; run at PAST_DUE

    def __str__(self):
        return self.ladder


# --- Follow-ups ---------------------------------------------------------------------------------


def _follow_up(person, due_at=PAST_DUE):
    return FollowUpFactory(owner=person, due_at=due_at)


def _reschedule(follow_up):
    customer_services.reschedule_follow_up(
        actor=follow_up.owner, follow_up=follow_up, due_at=at(MONDAY, 11), reason="Asked to"
    )
    return at(MONDAY, 11, 1)


FOLLOW_UP = Clock(
    ladder="followup_overdue",
    make_due=_follow_up,
    make_not_due=lambda person: _follow_up(person, FAR),
    told=lambda item: [item.owner],
    restart=_reschedule,
)


# --- Complaint SLA clocks -----------------------------------------------------------------------


def _complaint(person, **deadlines):
    fields = {
        "first_response_due": FAR,
        "next_update_due": FAR,
        "resolution_due": FAR,
        "status": Complaint.Status.INVESTIGATING,
        "acknowledged_at": at(date(2026, 3, 2), 9),
        **deadlines,
    }
    return ComplaintFactory(owner=person, logged_by=person, received_at=at(MONDAY, 8), **fields)


def _update_the_customer(complaint):
    complaint_services.record_customer_update(
        actor=complaint.owner, complaint=complaint, channel="phone", text="Still on it."
    )
    complaint.refresh_from_db()
    return complaint.next_update_due + timedelta(minutes=1)


def _wait_on_customer(complaint):
    complaint_services.wait_on_customer(
        actor=complaint.owner, complaint=complaint, reason="Waiting for the receipt."
    )


FIRST_RESPONSE = Clock(
    ladder="complaint_first_response",
    make_due=lambda person: _complaint(
        person, status=Complaint.Status.NEW, acknowledged_at=None, first_response_due=PAST_DUE
    ),
    make_not_due=lambda person: _complaint(
        person, status=Complaint.Status.NEW, acknowledged_at=None
    ),
    told=lambda item: [item.owner],
    # Acknowledging ends this clock for good; a new complaint cannot wait on the customer.
)
CUSTOMER_UPDATE = Clock(
    ladder="complaint_update",
    make_due=lambda person: _complaint(person, next_update_due=PAST_DUE),
    make_not_due=_complaint,
    told=lambda item: [item.owner],
    restart=_update_the_customer,
    pause=_wait_on_customer,
)
RESOLUTION = Clock(
    ladder="complaint_resolution",
    make_due=lambda person: _complaint(person, resolution_due=PAST_DUE),
    make_not_due=_complaint,
    told=lambda item: [item.owner],
    pause=_wait_on_customer,
)


# --- Remedies waiting for approval ---------------------------------------------------------------


def _remedy(person, proposed_at=PAST_DUE):
    # Above front-line staff's limit: it waits for someone whose authority covers it.
    proposer = UserFactory(group="Front-line staff")
    return RemedyFactory(
        complaint=_complaint(proposer),
        kind="refund",
        amount=Decimal("300"),
        proposed_by=proposer,
        proposed_at=proposed_at,
    )


REMEDY = Clock(
    ladder="remedy_awaiting_approval",
    make_due=_remedy,
    make_not_due=lambda person: _remedy(person, at(FRIDAY, 16)),
    told=approvers_for,
)


# --- Complaint handoffs -----------------------------------------------------------------------


def _complaint_handoff(person, offered_at=PAST_DUE):
    sender = UserFactory(group="Front-line staff")
    return ComplaintHandoffFactory(
        complaint=_complaint(sender), from_user=sender, to_user=person, created_at=offered_at
    )


COMPLAINT_HANDOFF = Clock(
    ladder="complaint_handoff_unanswered",
    make_due=_complaint_handoff,
    make_not_due=lambda person: _complaint_handoff(person, at(FRIDAY, 16)),
    told=lambda item: [item.to_user],
)


# --- Onboarding ----------------------------------------------------------------------------------


def _handoff(person, offered_at=PAST_DUE):
    return HandoffFactory(to_user=person, created_at=offered_at)


LONG_AGO = at(date(2026, 2, 20), 10)


def _stalled(person, last_progress=LONG_AGO):
    return OnboardingFactory(
        owner=person, started_at=last_progress, last_progress_at=last_progress
    )


def _progress(onboarding):
    step = OnboardingStepFactory(onboarding=onboarding, assignee=onboarding.owner)
    # A step still open keeps the onboarding running once the first is done.
    OnboardingStepFactory(onboarding=onboarding, assignee=onboarding.owner)
    onboarding_services.complete_step(actor=onboarding.owner, step=step)
    # Stalled again five business days after the progress recorded at REMIND_AT.
    return at(date(2026, 3, 13), 16, 31)


ONBOARDING_HANDOFF = Clock(
    ladder="onboarding_handoff_unanswered",
    make_due=_handoff,
    make_not_due=lambda person: _handoff(person, at(FRIDAY, 16)),
    told=lambda item: [item.to_user],
)
STALL = Clock(
    ladder="onboarding_stalled",
    make_due=_stalled,
    make_not_due=lambda person: _stalled(person, at(FRIDAY, 9)),
    told=lambda item: [item.owner],
    restart=_progress,
)

CLOCKS = [
    FOLLOW_UP,
    FIRST_RESPONSE,
    CUSTOMER_UPDATE,
    RESOLUTION,
    REMEDY,
    COMPLAINT_HANDOFF,
    ONBOARDING_HANDOFF,
    STALL,
]
