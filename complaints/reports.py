"""What the reports count about complaints: SLA clocks, promises, volume, causes, reopening.

Each function states its exact definition; /reports/ (complaints/report_sections.py), its CSV
and any other reader show these figures and nothing computed elsewhere. Every function runs a
fixed number of aggregate queries; only aggregate rows (per week, per category, per severity,
per root cause) come back, each set bounded by the period's weeks or by what owners define.
A complaint belongs to a scope by its owner now.
"""

from collections import defaultdict
from datetime import date, datetime

from django.db.models import Count, Exists, F, OuterRef, Q

from complaints.models import Category, Complaint, ComplaintUpdate
from crm.percentiles import percentiles
from crm.reporting import Period, Scope
from customers.messaging.models import CustomerMessage
from customers.reports import Moves, Share, count_where, total, week_of

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


def received_summary(period: Period, scope: Scope, *, now: datetime) -> list[dict]:
    """Return the complaints received in the period counted by week, category and severity.

    One scan serves the volume tables and the first responses: each row has ``week`` (its
    Monday),
    ``category`` (id), ``category__name``, ``category__parent__name``, ``severity``, ``count``
    (received), ``judged`` (first response judged, see first_response_judged) and ``met``
    (of those, acknowledged by the deadline). At most weeks x categories x severities rows.
    The scan groups by the category's key only; the names come from a second, small query
    of the categories (owners define a few dozen), which spares sorting 66,000 rows by text.
    """
    judged = Q(acknowledged_at__isnull=False) | Q(first_response_due__lt=now)
    rows = list(
        received(period, scope)
        .annotate(week=week_of("received_at", period))
        .values("week", "category", "severity")
        .annotate(
            count=Count("*"),
            judged=count_where("received_at", judged),
            met=count_where("received_at", judged & first_response_met()),
        )
        .order_by()
    )
    names = {
        category["pk"]: category
        for category in Category.objects.values("pk", "name", "parent__name")
    }
    weeks = period.weeks()
    for row in rows:
        row["week"] = weeks[row["week"]]
        category = names.get(row["category"], {})
        row["category__name"] = category.get("name")
        row["category__parent__name"] = category.get("parent__name")
    return rows


def first_responses_within_sla_by_week(
    period: Period, scope: Scope, *, now: datetime, summary: list[dict] | None = None
) -> dict[date, Share]:
    """Return first_responses_within_sla for each week, by the week the complaint came in."""
    summary = received_summary(period, scope, now=now) if summary is None else summary
    weeks = {week: [0, 0] for week in period.weeks()}
    for row in summary:
        counts = weeks[row["week"]]
        counts[0] += row["met"]
        counts[1] += row["judged"]
    return {week: Share(*counts) for week, counts in weeks.items()}


def first_responses_within_sla(period: Period, scope: Scope, *, now: datetime) -> Share:
    """Return how many judged first responses were made by their deadline (one query)."""
    return total(first_responses_within_sla_by_week(period, scope, now=now))


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
    ).aggregate(part=count_where("created_at", Q(on_time=True)), whole=Count("*"))
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
        part=count_where("resolved_at", resolution_met()), whole=Count("*")
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
        part=count_where(field, Q(satisfied_at__lte=F(field))), whole=Count("*")
    )
    return Share(totals["part"], totals["whole"])


# --- Volume, causes, reopening, repeats -------------------------------------------------------


def volume_by_week_and_parent(summary: list[dict]) -> dict[tuple[date, str], int]:
    """Return {(week, top-level category name or ""): complaints received} from the summary."""
    volume: dict[tuple[date, str], int] = defaultdict(int)
    for row in summary:
        top = row["category__parent__name"] or row["category__name"] or ""
        volume[(row["week"], top)] += row["count"]
    return dict(volume)


def volume_by_category(summary: list[dict]) -> list[dict]:
    """Return rows of category id, its parent's and its own name, and count, most first."""
    volume: dict[tuple, int] = defaultdict(int)
    for row in summary:
        key = (row["category"], row["category__parent__name"], row["category__name"])
        volume[key] += row["count"]
    rows = [
        {
            "category": key[0],
            "category__parent__name": key[1],
            "category__name": key[2],
            "count": count,
        }
        for key, count in volume.items()
    ]
    return sorted(
        rows,
        key=lambda row: (
            -row["count"],
            row["category__parent__name"] or "",
            row["category__name"] or "",
        ),
    )


def volume_by_week_and_severity(summary: list[dict]) -> dict[tuple[date, str], int]:
    """Return {(week, severity): complaints received} from the summary."""
    volume: dict[tuple[date, str], int] = defaultdict(int)
    for row in summary:
        volume[(row["week"], row["severity"])] += row["count"]
    return dict(volume)


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
        .annotate(count=Count("*"))
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
    ).aggregate(part=count_where("created_at", Q(to_status=_S.INVESTIGATING)), whole=Count("*"))
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


# --- Complaint promises moved ------------------------------------------------------------------


def promise_moved() -> Q:
    """Return the condition of a timeline line that moved a complaint's promised time.

    Each promised time set is a "Promised time" line (``ComplaintUpdate.Kind.PROMISE``); the
    first sets the promise and every later one on the same complaint moves it.
    """
    # Earlier: written before it, or at the same instant and saved first.
    earlier = ComplaintUpdate.objects.filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")),
        complaint=OuterRef("complaint"),
        kind=ComplaintUpdate.Kind.PROMISE,
    )
    return Q(kind=ComplaintUpdate.Kind.PROMISE) & Q(Exists(earlier))


def customer_told() -> Q:
    """Return the condition of a move the customer was told of: its message went out.

    Moving a promised time writes the message that tells the customer (complaints/messages.py)
    and links it to the line; a message not sent (the customer opted out, no address, failed)
    or still waiting does not count as told.
    """
    return Q(message__status=CustomerMessage.Status.SENT)


def complaint_promises_moved(period: Period, scope: Scope) -> Moves:
    """Return the moves of complaints' promised times made in the period (``promise_moved``).

    By the complaint's owner now. A complaint whose promise moved twice is two moves and one
    promise; ``told`` counts the moves whose message reached the customer (``customer_told``).
    One query.
    """
    totals = ComplaintUpdate.objects.filter(
        promise_moved(),
        scope.people("complaint__owner"),
        created_at__gte=period.start,
        created_at__lt=period.end,
    ).aggregate(
        moves=Count("*"),
        promises=Count("complaint", distinct=True),
        told=count_where("created_at", customer_told()),
    )
    return Moves(totals["moves"], totals["promises"], totals["told"])
