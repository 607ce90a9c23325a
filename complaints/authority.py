"""Resolution authority: how large a remedy of each kind a person may grant alone.

A person's limit for a kind is their own AuthorityLimit row when they have one (it overrides
their groups, higher or lower); otherwise the highest of their groups' rows. No row at all
means no authority: only a remedy without an amount (an apology) is within it. An empty
max_amount means unlimited.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q

from complaints.models import AuthorityLimit, RemedyKind

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
        limit = self.limit_for(kind)
        return limit is UNLIMITED or (amount or Decimal(0)) <= limit

    def approvable_condition(self) -> Q:
        """Return a Q on Remedy matching the remedies these limits cover."""
        condition = Q(pk__in=[])
        for kind, limit in self.limits.items():
            if limit is UNLIMITED:
                condition |= Q(kind=kind)
            else:
                condition |= Q(kind=kind) & (Q(amount__isnull=True) | Q(amount__lte=limit))
        return condition


def authority_of(user) -> Authority:
    """Return the user's limits for every remedy kind (one query)."""
    if not user.is_active:
        return Authority({})
    if user.is_superuser:
        return Authority(dict.fromkeys(RemedyKind.values, UNLIMITED))
    rows = AuthorityLimit.objects.filter(Q(user=user) | Q(group__user=user)).values_list(
        "remedy_kind", "max_amount", "user_id"
    )
    personal: dict[str, Decimal | None] = {}
    from_groups: dict[str, Decimal | None] = {}
    for kind, amount, user_id in rows:
        if user_id is not None:
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
    candidates = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(authoritylimit__remedy_kind=remedy.kind)
            | Q(groups__authoritylimit__remedy_kind=remedy.kind)
        )
        .exclude(pk=remedy.proposed_by_id)
        .distinct()
    )
    return [
        person for person in candidates if authority_of(person).covers(remedy.kind, remedy.amount)
    ]
