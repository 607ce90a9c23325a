"""What the reports count about remedies and satisfaction: each figure's one definition.

Every function takes the period as aware datetimes ``start`` (included) and ``end`` (excluded)
and ``people``: None for everyone, else the ids of the people the figures are about. Each
returns a bounded result computed by the database (aggregates, one row per kind or per person);
none loads the rows it counts. The page, its CSV files and the weekly email all read these.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from complaints.models import Complaint, Remedy, RemedyKind
from crm.order_stats import OrderStatistics, minutes_between, order_statistics

# A remedy is granted once approved, within the proposer's authority or by an approver, and
# stays granted when delivered.
GRANTED = Q(decision__in=[Remedy.Decision.APPROVED, Remedy.Decision.DELIVERED])
ZERO = Decimal("0.00")


def _money(field: str, condition: Q | None = None):
    return Coalesce(Sum(field, filter=condition), Value(ZERO))


def _cents(amount) -> Decimal:
    """Return a sum of money to the cent: SQLite's sums of decimals drop trailing zeros."""
    return Decimal(amount).quantize(ZERO)


def _of(people, field: str) -> Q:
    return Q() if people is None else Q(**{f"{field}__in": people})


# --- Remedies (section 4) -----------------------------------------------------------------------


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    asked_count: int
    asked_amount: Decimal
    granted_count: int
    granted_amount: Decimal


def remedies_by_kind(*, start, end, people=None) -> list[KindRow]:
    """Return, per remedy kind, what customers asked for against what was granted.

    - Asked: complaints received in the period whose customer asked for a remedy of the kind
      (``asked_remedy_kind``); the money is the sum of their ``asked_amount``. About the
      complaint's owner.
    - Granted: remedies granted (approved within authority or by an approver, delivered or
      not) with the grant (``decided_at``) in the period; the money is the sum of their
      ``amount``. About the person who proposed the remedy.

    Kinds with nothing asked and nothing granted are left out; two queries.
    """
    asked = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .filter(_of(people, "owner_id"))
        .exclude(asked_remedy_kind="")
        .order_by()
        .values("asked_remedy_kind")
        .annotate(count=Count("pk"), amount=_money("asked_amount"))
    )
    granted = (
        Remedy.objects.filter(GRANTED, decided_at__gte=start, decided_at__lt=end)
        .filter(_of(people, "proposed_by_id"))
        .order_by()
        .values("kind")
        .annotate(count=Count("pk"), amount=_money("amount"))
    )
    asked_by_kind = {row["asked_remedy_kind"]: row for row in asked}
    granted_by_kind = {row["kind"]: row for row in granted}
    empty = {"count": 0, "amount": ZERO}
    return [
        KindRow(
            kind=kind.value,
            label=str(kind.label),
            asked_count=asked_by_kind.get(kind, empty)["count"],
            asked_amount=_cents(asked_by_kind.get(kind, empty)["amount"]),
            granted_count=granted_by_kind.get(kind, empty)["count"],
            granted_amount=_cents(granted_by_kind.get(kind, empty)["amount"]),
        )
        for kind in RemedyKind
        if kind in asked_by_kind or kind in granted_by_kind
    ]


@dataclass(frozen=True)
class GrantRoutes:
    within_authority_count: int
    within_authority_amount: Decimal
    after_approval_count: int
    after_approval_amount: Decimal
    rejected_count: int


def grant_routes(*, start, end, people=None) -> GrantRoutes:
    """Return how the remedies decided in the period were decided.

    - Within authority: granted at once because the proposer's authority covered it
      (``auto_approved``).
    - After approval: above the proposer's authority, then approved by someone else.
    - Rejected: above the proposer's authority and refused.

    Counted by the decision time (``decided_at``) in the period; about the proposer. One query.
    """
    within = Q(GRANTED, auto_approved=True)
    approved = Q(GRANTED, auto_approved=False)
    figures = (
        Remedy.objects.filter(decided_at__gte=start, decided_at__lt=end)
        .filter(_of(people, "proposed_by_id"))
        .aggregate(
            within_count=Count("pk", filter=within),
            within_amount=_money("amount", within),
            approved_count=Count("pk", filter=approved),
            approved_amount=_money("amount", approved),
            rejected=Count("pk", filter=Q(decision=Remedy.Decision.REJECTED)),
        )
    )
    return GrantRoutes(
        within_authority_count=figures["within_count"],
        within_authority_amount=_cents(figures["within_amount"]),
        after_approval_count=figures["approved_count"],
        after_approval_amount=_cents(figures["approved_amount"]),
        rejected_count=figures["rejected"],
    )


def approval_turnaround(*, start, end, people=None) -> OrderStatistics:
    """Return the count, median and 90th percentile of approval turnaround, in minutes.

    Turnaround: from the proposal (``proposed_at``) to the approver's decision
    (``decided_at``), approved or rejected, in minutes on the clock (nights and weekends
    count: the customer waits through them). Only remedies that needed approval (not
    ``auto_approved``), decided in the period; a remedy escalated to supervisors while it
    waited counts like any other, its wait included. About the approver (``decided_by``).
    Three queries.
    """
    decided = (
        Remedy.objects.filter(auto_approved=False, decided_at__gte=start, decided_at__lt=end)
        .exclude(decided_by=None)
        .filter(_of(people, "decided_by_id"))
        .annotate(turnaround=minutes_between("proposed_at", "decided_at"))
    )
    return order_statistics(decided, "turnaround")


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    proposed_count: int
    granted_count: int
    granted_amount: Decimal
    decided_count: int
    approved_count: int
    approved_amount: Decimal


def remedies_by_person(*, start, end, people=None) -> list[PersonRow]:
    """Return, per person, the remedies they proposed and the approvals they decided.

    - Proposed: remedies proposed (``proposed_at``) in the period by the person.
    - Granted: of the remedies the person proposed, those granted with the grant in the
      period; with their money.
    - Decided: remedies needing approval that the person approved or rejected in the period;
      approved, with their money.

    One row per person with any of these, by name; three queries (one row per person each).
    """
    proposed_in = Q(proposed_at__gte=start, proposed_at__lt=end)
    granted_in = GRANTED & Q(decided_at__gte=start, decided_at__lt=end)
    proposed = (
        Remedy.objects.filter(_of(people, "proposed_by_id"))
        .filter(proposed_in | granted_in)
        .order_by()
        .values("proposed_by_id")
        .annotate(
            proposed=Count("pk", filter=proposed_in),
            granted=Count("pk", filter=granted_in),
            granted_amount=_money("amount", granted_in),
        )
    )
    approved = GRANTED
    decided = (
        Remedy.objects.filter(auto_approved=False, decided_at__gte=start, decided_at__lt=end)
        .exclude(decided_by=None)
        .filter(_of(people, "decided_by_id"))
        .order_by()
        .values("decided_by_id")
        .annotate(
            decided=Count("pk"),
            approved=Count("pk", filter=approved),
            approved_amount=_money("amount", approved),
        )
    )
    by_proposer = {row["proposed_by_id"]: row for row in proposed}
    by_decider = {row["decided_by_id"]: row for row in decided}
    users = get_user_model().objects.filter(pk__in={*by_proposer, *by_decider})
    rows = []
    for user in users.order_by("first_name", "last_name", "username"):
        mine = by_proposer.get(user.pk, {})
        judged = by_decider.get(user.pk, {})
        rows.append(
            PersonRow(
                user_id=user.pk,
                name=user.get_full_name() or user.get_username(),
                proposed_count=mine.get("proposed", 0),
                granted_count=mine.get("granted", 0),
                granted_amount=_cents(mine.get("granted_amount", ZERO)),
                decided_count=judged.get("decided", 0),
                approved_count=judged.get("approved", 0),
                approved_amount=_cents(judged.get("approved_amount", ZERO)),
            )
        )
    return rows


# --- Satisfaction (section 5) -------------------------------------------------------------------

# "Happy with the handling" is a rating of 4 or 5; "unhappy with it" a rating of 1 or 2.
HAPPY_RATING = 4
UNHAPPY_RATING = 2


@dataclass(frozen=True)
class Satisfaction:
    check_ins: int
    satisfied: int
    rating_mean: float | None
    # Check-ins per handling rating 1 to 5.
    ratings: dict[int, int]
    happy_handling_not_outcome: int
    happy_outcome_not_handling: int

    @property
    def satisfied_percent(self) -> float | None:
        return _percent(self.satisfied, self.check_ins)


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def satisfaction(*, start, end, people=None) -> Satisfaction:
    """Return the outcomes of the after-resolution check-ins recorded in the period.

    - A check-in: a complaint whose check-in was recorded (``checked_in_at``) in the period.
      A complaint reopened at its check-in and checked in again counts once, with its latest
      answers.
    - Satisfied: the customer said yes to "satisfied with the outcome" (``outcome_satisfied``).
    - Handling rating: the customer's 1-5 rating of how we handled it; its mean and how many
      gave each rating.
    - "Happy with the handling, not with the outcome": rated 4 or 5 but not satisfied; the
      reverse: satisfied but rated 1 or 2.

    About the complaint's owner. One query.
    """
    happy, unhappy = Q(handling_rating__gte=HAPPY_RATING), Q(handling_rating__lte=UNHAPPY_RATING)
    figures = (
        Complaint.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end)
        .filter(_of(people, "owner_id"))
        .aggregate(
            check_ins=Count("pk"),
            satisfied=Count("pk", filter=Q(outcome_satisfied=True)),
            mean=Avg("handling_rating"),
            happy_not_satisfied=Count("pk", filter=happy & Q(outcome_satisfied=False)),
            satisfied_not_happy=Count("pk", filter=unhappy & Q(outcome_satisfied=True)),
            **{
                f"rated_{rating}": Count("pk", filter=Q(handling_rating=rating))
                for rating in range(1, 6)
            },
        )
    )
    mean = figures["mean"]
    return Satisfaction(
        check_ins=figures["check_ins"],
        satisfied=figures["satisfied"],
        rating_mean=None if mean is None else round(float(mean), 2),
        ratings={rating: figures[f"rated_{rating}"] for rating in range(1, 6)},
        happy_handling_not_outcome=figures["happy_not_satisfied"],
        happy_outcome_not_handling=figures["satisfied_not_happy"],
    )
