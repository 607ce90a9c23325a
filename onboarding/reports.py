"""What the onboarding report counts: each figure's one definition.

Every function takes the period as aware datetimes ``start`` (included) and ``end`` (excluded)
and ``people``: None for everyone, else the ids of the people the figures are about. Each
returns a bounded result computed by the database; none loads the rows it counts.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from crm.calendar import BusinessCalendar
from crm.order_stats import (
    OrderStatistics,
    business_day_number,
    minutes_between,
    order_statistics,
)
from onboarding.models import Handoff, Onboarding
from onboarding.services import stalled_since


def _of(people, field: str = "owner_id") -> Q:
    return Q() if people is None else Q(**{f"{field}__in": people})


@dataclass(frozen=True)
class Flow:
    started: int
    completed: int
    cancelled: int


def onboarding_flow(*, start, end, people=None) -> Flow:
    """Return the onboardings started, completed and cancelled in the period.

    Each is counted by its own time: ``started_at``, ``completed_at``, ``cancelled_at`` in
    [start, end); one onboarding started and completed in the period counts in both. About
    the accountable owner now (``owner``). One query.
    """
    started = Q(started_at__gte=start, started_at__lt=end)
    completed = Q(completed_at__gte=start, completed_at__lt=end)
    cancelled = Q(cancelled_at__gte=start, cancelled_at__lt=end)
    figures = (
        Onboarding.objects.filter(_of(people))
        .filter(started | completed | cancelled)
        .aggregate(
            started=Count("pk", filter=started),
            completed=Count("pk", filter=completed),
            cancelled=Count("pk", filter=cancelled),
        )
    )
    return Flow(**figures)


def cycle_time(
    *, start, end, people=None, calendar: BusinessCalendar | None = None
) -> OrderStatistics:
    """Return the count, median and 90th percentile of onboarding cycle time, in business days.

    Cycle time: the business days from the start's local date to the completion's local date,
    counting the start day and not the completion day (started Monday, completed Wednesday:
    2); business days are weekdays the business opens, less holidays. Onboardings completed in
    the period; about the accountable owner. Three queries (and two to load the calendar when
    none is given).
    """
    calendar = calendar or BusinessCalendar.load()
    completed = (
        Onboarding.objects.filter(_of(people))
        .filter(completed_at__gte=start, completed_at__lt=end)
        .annotate(
            cycle_days=business_day_number("completed_at", calendar)
            - business_day_number("started_at", calendar)
        )
    )
    return order_statistics(completed, "cycle_days")


def stalled_now(*, now, people=None, calendar: BusinessCalendar | None = None) -> int:
    """Return the onboardings stalled now: running, no progress (a step done, a handoff
    accepted) for ONBOARDING_STALL_DAYS business days, as the deadline ladder defines it.

    About the accountable owner. One query (and two to load the calendar when none is given).
    """
    since = stalled_since(now, calendar)
    return Onboarding.objects.filter(_of(people)).stalled(since=since).count()


@dataclass(frozen=True)
class HandoffAnswers:
    acceptance: OrderStatistics
    declined: int


def handoff_answers(*, start, end, people=None) -> HandoffAnswers:
    """Return how quickly onboarding handoffs were accepted, and how many were declined.

    - Acceptance time: minutes on the clock from the offer (``created_at``) to the acceptance
      (``accepted_at``), for handoffs accepted in the period; median and 90th percentile.
    - Declined: handoffs the receiver declined in the period (``declined_at``). Offers
      withdrawn because the onboarding finished (declined at or after its completion or
      cancellation) are not the receiver's answer and are left out.

    About the receiver (``to_user``). Four queries.
    """
    accepted = (
        Handoff.objects.filter(_of(people, "to_user_id"))
        .filter(accepted_at__gte=start, accepted_at__lt=end)
        .annotate(acceptance=minutes_between("created_at", "accepted_at"))
    )
    withdrawn = Q(onboarding__completed_at__lte=F("declined_at")) | Q(
        onboarding__cancelled_at__lte=F("declined_at")
    )
    declined = (
        Handoff.objects.filter(_of(people, "to_user_id"))
        .filter(declined_at__gte=start, declined_at__lt=end)
        .exclude(withdrawn)
        .count()
    )
    return HandoffAnswers(acceptance=order_statistics(accepted, "acceptance"), declined=declined)
