"""Resolution authority: how large a remedy of each kind a person may grant alone.

A person's limit for a kind is their own AuthorityLimit row when they have one (it overrides
their groups, higher or lower); otherwise the highest of their groups' rows. No row at all
means no authority. An empty max_amount means unlimited.

Money never rides on a free kind: a remedy without an amount (an apology, or an "other" gesture
without a price) is within anyone's authority; every remedy with an amount is counted against
the person's limit for its kind; an apology with an amount, a money kind without one, or an
amount that is no sane figure (NaN, infinite, not more than zero, beyond MAX_REMEDY_AMOUNT) is
within nobody's, so no forged or buggy caller gets it approved.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, DecimalField, Q, Value, When

from complaints.models import (
    FREE_REMEDIES,
    MAX_REMEDY_AMOUNT,
    MONEY_REMEDIES,
    AuthorityLimit,
    RemedyKind,
    is_remedy_amount,
)

UNLIMITED = None
NO_AUTHORITY = Decimal(0)


@dataclass(frozen=True)
class Authority:
    """One person's limits per remedy kind; None in ``limits`` means unlimited."""

    limits: dict[str, Decimal | None]

    def limit_for(self, kind: str) -> Decimal | None:
        return self.limits.get(kind, NO_AUTHORITY)

    def covers(self, kind: str, amount: Decimal | None) -> bool:
        """Tell whether a remedy of this kind and amount is within these limits."""
        if kind not in RemedyKind.values:
            return False
        if amount is None:
            return kind not in MONEY_REMEDIES
        if kind in FREE_REMEDIES or not is_remedy_amount(amount):
            return False
        limit = self.limit_for(kind)
        return limit is UNLIMITED or Decimal(amount) <= limit

    def limit_expression(self) -> Case:
        """Return an expression giving each Remedy row this person's limit for its kind.

        NULL stands for unlimited; a kind without authority gives 0.
        """
        return Case(
            *(
                When(kind=kind, then=Value(limit))
                for kind, limit in sorted(self.limits.items())
                if limit is not UNLIMITED
            ),
            When(kind__in=sorted(self.limits), then=Value(None)),
            default=Value(NO_AUTHORITY),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )

    def approvable_ranges(self) -> list[Q]:
        """Return conditions on Remedy that together match exactly the remedies ``covers``
        accepts, each read through remedy_decision_amount_idx, no two matching the same
        remedy: the free kinds without an amount, then the money kinds up to each ceiling,
        those of one ceiling together (PostgreSQL reads the IN as one descent per kind)."""
        free_kinds = _free_kinds()
        ranges = [Q(kind__in=free_kinds, amount__isnull=True)]
        kinds_by_ceiling: dict[Decimal, list[str]] = {}
        for kind, ceiling in self._ceilings().items():
            kinds_by_ceiling.setdefault(ceiling, []).append(kind)
        for ceiling, kinds in sorted(kinds_by_ceiling.items()):
            ranges.append(Q(kind__in=kinds, amount__gt=0, amount__lte=ceiling))
        return ranges

    def approvable_condition(self) -> Q:
        """Return a Q on Remedy matching exactly the remedies ``covers`` accepts."""
        free_kinds = _free_kinds()
        ceilings = self._ceilings()
        # One range a kind, each naming its kind alone: SQLite reads an OR of ranges through
        # the index only so (a range of several kinds had it read them all, 22 to 32 ms).
        condition = Q(kind__in=free_kinds, amount__isnull=True)
        for kind, ceiling in ceilings.items():
            condition |= Q(kind=kind, amount__gt=0, amount__lte=ceiling)
        # The kinds again, outside the OR: remedy_decision_amount_idx then reads only those
        # kinds' remedies. A person allowed small refunds, with 8,000 remedies of every kind
        # waiting, had all 8,000 read and filtered (2 ms); now 2,000 (0.5 ms).
        return Q(kind__in=sorted([*free_kinds, *ceilings])) & condition

    def _ceilings(self) -> dict[str, Decimal]:
        """Return the largest amount the person may grant of each money kind they may grant."""
        return {
            kind: MAX_REMEDY_AMOUNT if limit is UNLIMITED else min(limit, MAX_REMEDY_AMOUNT)
            for kind, limit in sorted(self.limits.items())
            if kind not in FREE_REMEDIES and kind in RemedyKind.values
        }


def _free_kinds() -> list[str]:
    """Return the kinds granted without an amount (an apology, an "other" gesture)."""
    return sorted(set(RemedyKind.values) - MONEY_REMEDIES)


def authority_of(user) -> Authority:
    """Return the user's limits for every remedy kind (one query)."""
    if not user.is_active:
        return Authority({})
    if user.is_superuser:
        return Authority(dict.fromkeys(RemedyKind.values, UNLIMITED))
    rows = AuthorityLimit.objects.filter(Q(user=user) | Q(group__user=user)).values_list(
        "remedy_kind", "max_amount", "user_id"
    )
    return _merged((kind, amount, user_id is not None) for kind, amount, user_id in rows)


def authorities_of(users) -> dict:
    """Return {user pk: their Authority} for many people in three queries, as authority_of."""
    users = list(users)
    limited = [user.pk for user in users if user.is_active and not user.is_superuser]
    memberships = get_user_model().groups.through.objects.filter(user_id__in=limited)
    groups_of: dict[int, set[int]] = {}
    for user_id, group_id in memberships.values_list("user_id", "group_id"):
        groups_of.setdefault(user_id, set()).add(group_id)
    group_ids = set().union(*groups_of.values())
    rows = list(
        AuthorityLimit.objects.filter(Q(user_id__in=limited) | Q(group_id__in=group_ids))
        .order_by("pk")
        .values_list("remedy_kind", "max_amount", "user_id", "group_id")
    )
    authorities = {}
    for user in users:
        if user.pk not in limited:
            authorities[user.pk] = authority_of(user)  # no query: inactive or superuser
            continue
        groups = groups_of.get(user.pk, set())
        authorities[user.pk] = _merged(
            (kind, amount, user_id is not None)
            for kind, amount, user_id, group_id in rows
            if user_id == user.pk or group_id in groups
        )
    return authorities


def _merged(rows) -> Authority:
    """Merge (kind, amount, personal) rows: a personal row wins, else the highest group's."""
    personal: dict[str, Decimal | None] = {}
    from_groups: dict[str, Decimal | None] = {}
    for kind, amount, is_personal in rows:
        if is_personal:
            personal[kind] = amount
        elif kind not in from_groups:
            from_groups[kind] = amount
        else:
            from_groups[kind] = _higher(from_groups[kind], amount)
    return Authority({**from_groups, **personal})


def _higher(first: Decimal | None, second: Decimal | None) -> Decimal | None:
    if first is UNLIMITED or second is UNLIMITED:
        return UNLIMITED
    return max(first, second)


def approvers_for(remedy) -> list:
    """Return the active people whose authority covers the remedy, its proposer excepted."""
    return approvers_by_remedy([remedy])[remedy.pk]


def approvers_by_remedy(remedies) -> dict:
    """Return {remedy pk: the people who may approve it} for many remedies at once.

    Four queries, however many remedies and people.
    """
    kinds = {remedy.kind for remedy in remedies}
    candidates = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(authoritylimit__remedy_kind__in=kinds)
            | Q(groups__authoritylimit__remedy_kind__in=kinds)
        )
        .distinct()
        .order_by("pk")
    )
    by_person = authorities_of(candidates)
    authorities = [(person, by_person[person.pk]) for person in candidates]
    return {
        remedy.pk: [
            person
            for person, authority in authorities
            if person.pk != remedy.proposed_by_id and authority.covers(remedy.kind, remedy.amount)
        ]
        for remedy in remedies
    }
