"""What the search box in the navigation bar finds, grouped: customers, complaints, follow-ups
and onboardings.

Each group is bounded: its first ``GROUP_SIZE`` rows, a count that stops at ``COUNT_LIMIT``
("100+"), and a link to its list filtered by the same query, where the rest are a page at a
time. Each group reads its rows in one query (one more than it shows, so that a group that
fits needs no count) and counts in a second only when it overflows: at most two queries a
group, whatever the database holds. Every match goes through an index (see each
QuerySet's ``matching`` or ``search``).

A composition module: it imports the apps.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from customers.models import Customer, FollowUp
from customers.name_search import first_found
from onboarding.models import Onboarding

GROUP_SIZE = 10
COUNT_LIMIT = 100


@dataclass
class Group:
    """One kind of thing the search found: the first rows, a capped count, the full list."""

    key: str
    title: str
    rows: list
    count: int
    list_url: str

    @property
    def has_more(self) -> bool:
        return self.count > len(self.rows)

    @property
    def count_display(self) -> str:
        """Return the count for people: "42", or "100+" past the limit."""
        if self.count > COUNT_LIMIT:
            return f"{number_format(COUNT_LIMIT, force_grouping=True)}+"
        return number_format(self.count, force_grouping=True)


def _group(key: str, title, queryset, list_url: str) -> Group:
    rows = list(queryset[: GROUP_SIZE + 1])
    if len(rows) > GROUP_SIZE:
        # Counted in the group's own order, so that the count reads the index the rows came
        # through and stops at the limit (unordered, PostgreSQL may scan a whole table for it).
        count = queryset.values("pk")[: COUNT_LIMIT + 1].count()
        rows = rows[:GROUP_SIZE]
    else:
        count = len(rows)
    return Group(key, title, rows, count, list_url)


def _list_url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def search(user, query: str) -> list[Group]:
    """Return what the query finds for the user, a group per kind they may see.

    Archived customers are set aside (the customer list finds them when asked). Follow-ups
    are the person's own open commitments, as on their follow-up list; complaints and
    onboardings are everyone's, in any state, as their lists show them to everyone.
    """
    if not query:
        return []
    groups = []
    if user.has_perm("customers.view_customer"):
        customers = Customer.objects.current().by_name().select_related("account_owner")
        rows, count = first_found(customers, query, limit=GROUP_SIZE, count_limit=COUNT_LIMIT)
        groups.append(
            Group("customers", _("Customers"), rows, count, _list_url("customers:list", q=query))
        )
    if user.has_perm("complaints.view_complaint"):
        complaints = Complaint.objects.matching(query).with_related().order_by("-pk")
        groups.append(
            _group(
                "complaints", _("Complaints"), complaints, _list_url("complaints:list", q=query)
            )
        )
    if user.has_perm("customers.view_followup"):
        follow_ups = (
            FollowUp.objects.open()
            .owned_by(user)
            .matching(query)
            .select_related("customer")
            .urgency_order()
        )
        groups.append(
            _group(
                "follow_ups",
                _("Your open follow-ups"),
                follow_ups,
                _list_url("followups:list", q=query),
            )
        )
    if user.has_perm("onboarding.view_onboarding"):
        onboardings = (
            Onboarding.objects.matching(query).select_related("customer", "owner").order_by("-pk")
        )
        groups.append(
            _group(
                "onboardings",
                _("Onboardings"),
                onboardings,
                # Any status: the list shows the active ones unless asked.
                _list_url("onboarding:list", q=query, status=""),
            )
        )
    return groups


def only_match(groups: list[Group]):
    """Return the one thing found when the search found exactly one, else None."""
    found = [row for group in groups for row in group.rows]
    return found[0] if len(found) == 1 and sum(group.count for group in groups) == 1 else None
