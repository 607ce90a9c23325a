"""What the reports count about complaints: SLA clocks, promises, volume, causes, reopening.

Each function states its exact definition; /reports/ (complaints/report_sections.py), its CSV
and any other reader show these figures and nothing computed elsewhere. Every function runs a
fixed number of aggregate queries; only aggregate rows (per week, per category, per severity,
per root cause) come back, each set bounded by the period's weeks or by what owners define.
A complaint belongs to a scope by its owner now.
"""

from datetime import date, datetime

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from complaints.models import Complaint, ComplaintUpdate
from crm.percentiles import percentiles
from crm.reporting import Period, Scope
from customers.reports import Share, week_of, weekly_shares

_S = Complaint.Status


def received(period: Period, scope: Scope):
    """Return the complaints received in the period (``received_at``) within the scope."""
    return Complaint.objects.filter(
        scope.people("owner"), received_at__gte=period.start, received_at__lt=period.end
    )


# --- The SLA clocks ---------------------------------------------------------------------------


def first_response_judged(period: Period, scope: Scope, *, now: datetime):
    """Return the complaints whose first response the reports judge.

    Received in the period, and either acknowledged (the first response: acknowledging it, a
    customer update or a remedy offered, whichever came first, sets ``acknowledged_at``) or
    past their first-response deadline without one. The deadline is ``first_response_due``:
    the target in business minutes from receipt, moved later by any time paused waiting on the
    customer.
    """
    return received(period, scope).filter(
        Q(acknowledged_at__isnull=False) | Q(first_response_due__lt=now)
    )


def first_response_met() -> Q:
    """Return the condition of a first response within SLA: acknowledged by the deadline."""
    return Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("first_response_due"))


def first_responses_within_sla(period: Period, scope: Scope, *, now: datetime) -> Share:
    totals = first_response_judged(period, scope, now=now).aggregate(
        part=Count("pk", filter=first_response_met()), whole=Count("pk")
    )
    return Share(totals["part"], totals["whole"])


def first_responses_within_sla_by_week(
    period: Period, scope: Scope, *, now: datetime
) -> dict[date, Share]:
    """Return first_responses_within_sla for each week, by the week the complaint came in."""
    rows = (
        first_response_judged(period, scope, now=now)
        .annotate(week=week_of("received_at"))
        .values("week")
        .annotate(part=Count("pk", filter=first_response_met()), whole=Count("pk"))
        .order_by("week")
    )
    return weekly_shares(rows, period.weeks())


def customer_updates_on_time(period: Period, scope: Scope) -> Share:
    """Return the customer updates given in the period that came by the time they were due.

    Each customer update recorded on a complaint (services.record_customer_update) notes
    whether it came by the customer-update deadline then running (``on_time``); one given
    while the clock was paused for the customer counts as on time. Updates logged before Tend
    recorded this are left out.
    """
    totals = ComplaintUpdate.objects.filter(
        scope.people("complaint__owner"),
        kind=ComplaintUpdate.Kind.CUSTOMER_UPDATE,
        on_time__isnull=False,
        created_at__gte=period.start,
        created_at__lt=period.end,
    ).aggregate(part=Count("pk", filter=Q(on_time=True)), whole=Count("pk"))
    return Share(totals["part"], totals["whole"])


def resolved_in(period: Period, scope: Scope):
    """Return the complaints resolved in the period and not reopened since.

    ``resolved_at`` is when the remedy was delivered and the complaint resolved; reopening
    clears it, so a reopened complaint counts again when it is resolved the next time.
    """
    return Complaint.objects.filter(
        scope.people("owner"), resolved_at__gte=period.start, resolved_at__lt=period.end
    )


def resolution_met() -> Q:
    """Return the condition of a resolution within SLA: resolved by ``resolution_due``."""
    return Q(resolved_at__lte=F("resolution_due"))


def resolutions_within_sla(period: Period, scope: Scope) -> Share:
    totals = resolved_in(period, scope).aggregate(
        part=Count("pk", filter=resolution_met()), whole=Count("pk")
    )
    return Share(totals["part"], totals["whole"])


def resolution_percentiles_by_severity(period: Period, scope: Scope) -> dict[str, dict]:
    """Return {severity: {50: median, 90: 90th percentile}} of the time to resolve.

    Over the complaints resolved in the period; the time is ``resolution_minutes``: business
    minutes from receipt to resolution less the time paused waiting on the customer (what the
    resolution clock counted), recorded by services.resolve. Nearest-rank percentiles.
    """
    return percentiles(resolved_in(period, scope), "resolution_minutes", partition="severity")


# --- Promises to the customer ----------------------------------------------------------------


def times_met(period: Period, scope: Scope, field: str, *, now: datetime) -> Share:
    """Return how often a complaint was put right by a time: promised_by or expected_by.

    Judged: the complaints whose time (``field``) falls in the period and that are either
    satisfied (``satisfied_at``: closed after the check-in found the customer satisfied) or
    past that time unsatisfied. Met: satisfied by that time. A reopened complaint is no longer
    satisfied until it is closed again.
    """
    judged = Complaint.objects.filter(
        scope.people("owner"),
        Q(satisfied_at__isnull=False) | Q(**{f"{field}__lt": now}),
        **{f"{field}__gte": period.start, f"{field}__lt": period.end},
    )
    totals = judged.aggregate(
        part=Count("pk", filter=Q(satisfied_at__lte=F(field))), whole=Count("pk")
    )
    return Share(totals["part"], totals["whole"])


# --- Volume, causes, reopening, repeats -------------------------------------------------------


def volume_by_week_and_parent(period: Period, scope: Scope) -> list[dict]:
    """Return rows of week, top-level category name ("" for none) and count of complaints."""
    return list(
        received(period, scope)
        .annotate(
            week=week_of("received_at"),
            top=Coalesce("category__parent__name", "category__name", default=None),
        )
        .values("week", "top")
        .annotate(count=Count("pk"))
        .order_by("week", "top")
    )


def volume_by_category(period: Period, scope: Scope) -> list[dict]:
    """Return rows of category id, its parent's and its own name, and count, most first."""
    return list(
        received(period, scope)
        .values("category", "category__parent__name", "category__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "category__parent__name", "category__name")
    )


def volume_by_week_and_severity(period: Period, scope: Scope) -> list[dict]:
    """Return rows of week, severity and count of complaints received."""
    return list(
        received(period, scope)
        .annotate(week=week_of("received_at"))
        .values("week", "severity")
        .annotate(count=Count("pk"))
        .order_by("week", "severity")
    )


def root_causes_of_closed(period: Period, scope: Scope) -> list[dict]:
    """Return rows of root cause id, name and count of complaints closed in the period.

    Closed: ``closed_at`` in the period (the check-in found the customer satisfied, and a
    root cause is required to close). Most frequent first, for a Pareto chart.
    """
    return list(
        Complaint.objects.filter(
            scope.people("owner"), closed_at__gte=period.start, closed_at__lt=period.end
        )
        .values("root_cause", "root_cause__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "root_cause__name")
    )


def check_in_outcomes(period: Period, scope: Scope) -> Share:
    """Return the check-ins that reopened the complaint, of all check-ins in the period.

    A check-in is the step out of "resolved" (a status line from resolved): to "closed" when
    the customer is satisfied, back to "investigating" when they are not (the check-in found
    them unhappy, or someone reopened it for them before the check-in). ``part`` counts the
    reopenings, ``whole`` both.
    """
    totals = ComplaintUpdate.objects.filter(
        scope.people("complaint__owner"),
        kind=ComplaintUpdate.Kind.STATUS,
        from_status=_S.RESOLVED,
        to_status__in=[_S.CLOSED, _S.INVESTIGATING],
        created_at__gte=period.start,
        created_at__lt=period.end,
    ).aggregate(part=Count("pk", filter=Q(to_status=_S.INVESTIGATING)), whole=Count("pk"))
    return Share(totals["part"], totals["whole"])


def repeat_complainants(period: Period, scope: Scope) -> Share:
    """Return the customers who complained in the period and had complained before.

    ``part``: customers with a repeat complaint received in the period (``is_repeat``: the
    same customer complained within the 90 days before it); ``whole``: customers with any
    complaint received in the period.
    """
    totals = received(period, scope).aggregate(
        part=Count("customer", filter=Q(is_repeat=True), distinct=True),
        whole=Count("customer", distinct=True),
    )
    return Share(totals["part"], totals["whole"])
