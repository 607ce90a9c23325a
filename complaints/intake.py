"""What logging a complaint derives: SLA deadlines, the repeat flag, the expected time (and
the rule that gave it), the reference. ``build_complaint`` puts them on an unsaved complaint;
``log_complaint`` (complaints/services.py) saves it, and demo and scale data build theirs with
it too.
"""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import DurationField, ExpressionWrapper, F

from complaints.models import Category, Complaint, ExpectedBasis, Severity, SLATarget
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


# The business's usual time to resolve counts once enough complaints like the new one (its
# category and severity) closed lately: fewer make a median that one odd case can swing.
TYPICAL_WINDOW = timedelta(days=180)
TYPICAL_MIN_CASES = 20


@dataclass(frozen=True)
class TypicalResolution:
    """How long complaints of one category and severity took to resolve: the median."""

    median: timedelta
    cases: int

    @classmethod
    def of(cls, durations: Sequence[timedelta]) -> "TypicalResolution | None":
        """Return the median of durations already read, or None below TYPICAL_MIN_CASES."""
        if len(durations) < TYPICAL_MIN_CASES:
            return None
        return cls(statistics.median(durations), len(durations))

    @classmethod
    def load(
        cls, *, category: Category | None, severity: str, at: datetime
    ) -> "TypicalResolution | None":
        """Read the median from the complaints alike closed in the TYPICAL_WINDOW before at.

        The database counts them, then sorts them by time taken and returns the middle one or
        two (two queries on complaint_closed_alike_idx), so nothing grows in Python however
        many there are.
        """
        alike = Complaint.objects.closed_alike(
            category=category, severity=severity, since=at - TYPICAL_WINDOW
        ).filter(closed_at__lte=at)
        cases = alike.count()
        if cases < TYPICAL_MIN_CASES:
            return None
        took = ExpressionWrapper(F("resolved_at") - F("received_at"), DurationField())
        middle = list(
            alike.annotate(took=took)
            .order_by("took", "pk")
            .values_list("took", flat=True)[(cases - 1) // 2 : cases // 2 + 1]
        )
        return cls(sum(middle, timedelta()) / len(middle), cases)


@dataclass(frozen=True)
class Expectation:
    """When the customer expects closure, and which rule said so."""

    by: datetime
    basis: str
    cases: int | None = None


def expectation(
    *,
    received_at: datetime,
    needs_by: datetime | None,
    typical: TypicalResolution | None,
    resolution_due: datetime,
) -> Expectation:
    """Return the time a promise should aim at, by the first rule that applies.

    The customer's own stated need; else the business's usual time to resolve complaints
    alike (TypicalResolution); else the resolution target. So it never contradicts the SLA
    with a stranger's history, and says what it rests on.
    """
    if needs_by is not None:
        return Expectation(needs_by, ExpectedBasis.NEEDS)
    if typical is not None:
        return Expectation(received_at + typical.median, ExpectedBasis.MEDIAN, typical.cases)
    return Expectation(resolution_due, ExpectedBasis.TARGET)


@dataclass(frozen=True)
class EarlierComplaints:
    """What a new complaint's repeat flag and expected time are derived from.

    ``received`` are when the customer's earlier complaints came in (those of the repeat
    window are enough); ``typical`` how long complaints alike took to resolve lately.
    """

    received: Sequence[datetime] = ()
    typical: TypicalResolution | None = None

    @classmethod
    def of(
        cls,
        customer: Customer,
        received_at: datetime,
        *,
        category: Category | None = None,
        severity: str = Severity.NORMAL,
    ) -> "EarlierComplaints":
        """Read the customer's recent complaints and the usual time for complaints alike."""
        own = Complaint.objects.filter(customer=customer)
        return cls(
            received=list(
                own.filter(received_at__gte=received_at - REPEAT_WINDOW).values_list(
                    "received_at", flat=True
                )[:1]
            ),
            typical=TypicalResolution.load(category=category, severity=severity, at=received_at),
        )

    def is_repeat(self, received_at: datetime) -> bool:
        """Tell whether the customer complained within REPEAT_WINDOW before received_at."""
        return any(received >= received_at - REPEAT_WINDOW for received in self.received)


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
    resolution_due = add(received_at, resolution)
    expected = expectation(
        received_at=received_at,
        needs_by=needs_by,
        typical=earlier.typical,
        resolution_due=resolution_due,
    )
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
        expected_by=expected.by,
        expected_by_basis=expected.basis,
        expected_by_cases=expected.cases,
        first_response_due=add(received_at, response),
        next_update_due=add(received_at, update),
        resolution_due=resolution_due,
        is_repeat=earlier.is_repeat(received_at),
    )
