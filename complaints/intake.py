"""What logging a complaint derives: SLA deadlines, the repeat flag, the expected time, the
reference. ``build_complaint`` puts them on an unsaved complaint; ``log_complaint``
(complaints/services.py) saves it, and demo and scale data build theirs with it too.
"""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from complaints.models import Category, Complaint, SLATarget
from complaints.models import reference_for as reference_for  # where services look for it
from crm.calendar import BusinessCalendar
from customers.models import Contact, Customer

REPEAT_WINDOW = timedelta(days=90)
# Used when an owner has not set SLA targets for a severity: (response, update, resolution).
FALLBACK_TARGET_MINUTES = (240, 480, 2400)


def sla_minutes(severity: str) -> tuple[int, int, int]:
    """Return (first response, update interval, resolution) business minutes for a severity."""
    target = SLATarget.objects.filter(severity=severity).first()
    if target is None:
        return FALLBACK_TARGET_MINUTES
    return _minutes_of(target)


def _minutes_of(target: SLATarget) -> tuple[int, int, int]:
    return (
        target.first_response_minutes,
        target.update_interval_minutes,
        target.resolution_minutes,
    )


@dataclass(frozen=True)
class IntakeRules:
    """What logging a complaint reads besides the complaint: SLA targets and business hours.

    Read once and handed to build_complaint, so that code building thousands of complaints
    (scale data) reads them once, not per complaint.
    """

    calendar: BusinessCalendar
    targets: Mapping[str, tuple[int, int, int]]

    @classmethod
    def load(cls, *, severity: str | None = None) -> "IntakeRules":
        """Read the rules; with a severity, only that severity's targets (one small query)."""
        targets = SLATarget.objects.all()
        if severity is not None:
            targets = targets.filter(severity=severity)
        return cls(
            calendar=BusinessCalendar.load(),
            targets={target.severity: _minutes_of(target) for target in targets},
        )

    def minutes(self, severity: str) -> tuple[int, int, int]:
        """Return (first response, update interval, resolution) for a severity."""
        return self.targets.get(severity, FALLBACK_TARGET_MINUTES)


@dataclass(frozen=True)
class EarlierComplaints:
    """What a new complaint's repeat flag and expected time are derived from.

    ``received`` are when the customer's earlier complaints came in (those of the repeat
    window are enough); ``closure_times`` how long theirs took to close, most recent first;
    ``business_closure_times`` the same over every customer, the fallback.
    """

    received: Sequence[datetime] = ()
    closure_times: Sequence[timedelta] = ()
    business_closure_times: Sequence[timedelta] = ()

    @classmethod
    def of(cls, customer: Customer, received_at: datetime) -> "EarlierComplaints":
        """Read the customer's earlier complaints (and the business's closures if needed)."""
        own = Complaint.objects.filter(customer=customer)
        closure_times = _closure_durations(own)
        return cls(
            received=list(
                own.filter(received_at__gte=received_at - REPEAT_WINDOW).values_list(
                    "received_at", flat=True
                )[:1]
            ),
            closure_times=closure_times,
            business_closure_times=(
                () if closure_times else _closure_durations(Complaint.objects.all())
            ),
        )

    def is_repeat(self, received_at: datetime) -> bool:
        """Tell whether the customer complained within REPEAT_WINDOW before received_at."""
        return any(received >= received_at - REPEAT_WINDOW for received in self.received)

    def expected_by(self, received_at: datetime) -> datetime | None:
        """Return when the customer expects closure: their median time to closure so far.

        A customer without closed complaints is expected to expect what the business usually
        takes: the median over its recent closures. None when nothing was ever closed.
        """
        durations = self.closure_times or self.business_closure_times
        if not durations:
            return None
        return received_at + statistics.median(durations[:RECENT_CLOSURES])


def expected_by(customer: Customer, received_at: datetime) -> datetime | None:
    """Return when the customer expects closure (see EarlierComplaints.expected_by)."""
    return EarlierComplaints.of(customer, received_at).expected_by(received_at)


# The business's median is taken over its most recent closures: recent enough to be current,
# few enough to stay cheap at any size.
RECENT_CLOSURES = 500


def _closure_durations(complaints) -> list[timedelta]:
    pairs = (
        complaints.filter(closed_at__isnull=False)
        .order_by("-closed_at")
        .values_list("received_at", "closed_at")[:RECENT_CLOSURES]
    )
    return [closed - received for received, closed in pairs]


def build_complaint(
    *,
    rules: IntakeRules,
    earlier: EarlierComplaints,
    customer: Customer,
    logged_by,
    received_at: datetime,
    customer_words: str,
    channel: str,
    severity: str = "normal",
    category: Category | None = None,
    what_we_heard: str = "",
    heard_confirmed: bool = False,
    asked_remedy_kind: str = "",
    asked_amount: Decimal | None = None,
    asked_words: str = "",
    needs_by: datetime | None = None,
    contact: Contact | None = None,
) -> Complaint:
    """Return the unsaved complaint log_complaint saves, owned by who logged it, SLA clocks set.

    Demo and scale data build theirs here too (then give each its reference_for(pk) once
    saved), so a field logging derives is derived the same way for them.
    """
    response, update, resolution = rules.minutes(severity)
    add = rules.calendar.add_business_minutes
    return Complaint(
        customer=customer,
        contact=contact,
        channel=channel,
        received_at=received_at,
        logged_by=logged_by,
        owner=logged_by,
        category=category,
        severity=severity,
        customer_words=customer_words,
        what_we_heard=what_we_heard,
        heard_confirmed=heard_confirmed,
        asked_remedy_kind=asked_remedy_kind,
        asked_amount=asked_amount,
        asked_words=asked_words,
        needs_by=needs_by,
        expected_by=earlier.expected_by(received_at),
        first_response_due=add(received_at, response),
        next_update_due=add(received_at, update),
        resolution_due=add(received_at, resolution),
        is_repeat=earlier.is_repeat(received_at),
    )
