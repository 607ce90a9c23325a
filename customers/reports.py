"""What the reports count about commitments: callbacks answered and promises kept.

Each function states its exact definition; /reports/ (complaints/report_sections.py), its CSV
and any other reader show these figures and nothing computed elsewhere. Every function runs a
fixed number of aggregate queries: no rows are loaded into Python, only a bounded number of
aggregate rows (one per week).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, Value, When

from crm.percentiles import MEDIAN, P90, percentiles
from crm.reporting import Period, Scope
from customers.models import FollowUp, FollowUpReschedule


@dataclass(frozen=True)
class Share:
    """A part of a whole: ``part`` of ``whole`` rows met the definition."""

    part: int
    whole: int


def count_where(column: str, condition: Q) -> Count:
    """Return COUNT(column) FILTER (WHERE condition), the column one never NULL in the rows.

    Django refuses COUNT(*) with a filter; counting a column of the index (rather than the
    key, outside it) lets PostgreSQL answer from a covering index alone.
    """
    return Count(column, filter=condition)


def week_of(field: str, period: Period) -> Case:
    """Return, in SQL, the number of the period's week a moment falls in (0: the first).

    Weeks start on Monday at midnight in the business's zone. The boundaries are computed
    here and compared in the database: exact across a change of daylight saving time, the
    same on both databases, and cheap (SQLite would otherwise call Python once a row to
    truncate a date: 1.2 s for 70,000 rows).
    """
    bounds = [Period.between(monday, monday).start for monday in period.weeks()[1:]]
    return Case(
        *(
            When(**{f"{field}__lt": bound}, then=Value(number))
            for number, bound in enumerate(bounds)
        ),
        default=Value(len(bounds)),
        output_field=IntegerField(),
    )


def weekly_shares(rows, weeks: list[date]) -> dict[date, Share]:
    """Return {Monday: Share} for every week, from aggregate rows of week number, part, whole."""
    found = {weeks[row["week"]]: row for row in rows}
    return {
        week: Share(found[week]["part"], found[week]["whole"]) if week in found else Share(0, 0)
        for week in weeks
    }


# --- Callbacks --------------------------------------------------------------------------------


def callbacks_measured(period: Period, scope: Scope, *, now: datetime):
    """Return the callbacks whose response the reports measure.

    A callback is a follow-up of kind "callback": a customer asked us to call back and the
    request was logged. Its request time is when the callback was made (``created_at``). It is
    measured when the request came in during the period, it was not cancelled, and it is
    either kept (done: the customer was reached, the first contact; a message left or no
    answer is an attempt and leaves it open) or still open past its due time. An open callback
    not yet due is left out: it may still be returned in time.
    """
    return FollowUp.objects.filter(
        scope.people("owner"),
        Q(status=FollowUp.Status.DONE) | Q(status=FollowUp.Status.OPEN, due_at__lt=now),
        kind=FollowUp.Kind.CALLBACK,
        created_at__gte=period.start,
        created_at__lt=period.end,
    )


def within_response_target() -> Q:
    """Return the condition of a callback returned within the response target.

    Kept (done) with a response time of at most CALLBACK_RESPONSE_MINUTES business minutes:
    ``response_minutes`` is the business time from the request to reaching the customer,
    recorded when it was kept (customers.services.mark_done), so hours closed and holidays do
    not count against it.
    """
    return Q(
        status=FollowUp.Status.DONE,
        response_minutes__lte=settings.CALLBACK_RESPONSE_MINUTES,
    )


def total(weeks: dict[date, Share]) -> Share:
    """Return the sum of weekly shares: the period's figure, without a second scan."""
    return Share(sum(s.part for s in weeks.values()), sum(s.whole for s in weeks.values()))


def callbacks_within_target(period: Period, scope: Scope, *, now: datetime) -> Share:
    """Return how many measured callbacks were returned within the response target."""
    return total(callbacks_within_target_by_week(period, scope, now=now))


def callbacks_within_target_by_week(
    period: Period, scope: Scope, *, now: datetime
) -> dict[date, Share]:
    """Return callbacks_within_target for each week of the period, by week of the request."""
    rows = (
        callbacks_measured(period, scope, now=now)
        .annotate(week=week_of("created_at", period))
        .values("week")
        .annotate(part=count_where("created_at", within_response_target()), whole=Count("*"))
        .order_by("week")
    )
    return weekly_shares(rows, period.weeks())


def callback_response_percentiles(period: Period, scope: Scope, *, now: datetime) -> dict:
    """Return {50: median, 90: 90th percentile} of the kept callbacks' response times.

    In business minutes from request to first contact, over the measured callbacks that were
    kept (an open one has no response time yet); nearest-rank percentiles
    (crm/percentiles.py). Empty when no callback was kept.
    """
    kept = callbacks_measured(period, scope, now=now).filter(status=FollowUp.Status.DONE)
    return percentiles(kept, "response_minutes", points=(MEDIAN, P90)).get(None, {})


# --- Promises ---------------------------------------------------------------------------------


def promises_due(period: Period, scope: Scope, *, now: datetime):
    """Return the promises the reports judge.

    A promise is a follow-up whose time was promised to the customer (``promised_to_customer``,
    callbacks included). It is judged when its promised time, as last moved (``due_at``), falls
    in the period, it was not cancelled, and it is either done or its time has passed.
    """
    return FollowUp.objects.filter(
        scope.people("owner"),
        Q(status=FollowUp.Status.DONE) | Q(status=FollowUp.Status.OPEN, due_at__lt=now),
        promised_to_customer=True,
        due_at__gte=period.start,
        due_at__lt=period.end,
    )


def kept_on_time() -> Q:
    """Return the condition of a promise kept on time: done by its promised time."""
    return Q(status=FollowUp.Status.DONE, completed_at__lte=F("due_at"))


def promises_kept(period: Period, scope: Scope, *, now: datetime) -> Share:
    """Return how many judged promises were kept on time."""
    return total(promises_kept_by_week(period, scope, now=now))


def promises_kept_by_week(period: Period, scope: Scope, *, now: datetime) -> dict[date, Share]:
    """Return promises_kept for each week of the period, by the week the promise fell due."""
    rows = (
        promises_due(period, scope, now=now)
        .annotate(week=week_of("due_at", period))
        .values("week")
        .annotate(part=count_where("due_at", kept_on_time()), whole=Count("*"))
        .order_by("week")
    )
    return weekly_shares(rows, period.weeks())


@dataclass(frozen=True)
class Moves:
    """Promised times moved: how many moves, of how many promises, and told the customer."""

    moves: int
    promises: int
    told: int


def promises_moved(period: Period, scope: Scope) -> Moves:
    """Return the moves of promised times made in the period.

    A move is one change of a promised follow-up's due time (a FollowUpReschedule with
    ``customer_told`` recorded, which the service requires for promised times), made in the
    period by whoever owns the promise now. A promise moved twice is two moves and one promise.
    ``told`` counts the moves after which the customer was told of the new time.
    """
    totals = FollowUpReschedule.objects.filter(
        scope.people("follow_up__owner"),
        customer_told__isnull=False,
        changed_at__gte=period.start,
        changed_at__lt=period.end,
    ).aggregate(
        moves=Count("*"),
        promises=Count("follow_up", distinct=True),
        told=count_where("changed_at", Q(customer_told=True)),
    )
    return Moves(totals["moves"], totals["promises"], totals["told"])
