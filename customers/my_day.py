"""The customers app's part of My day: the person's follow-ups (registered in apps.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from crm.calendar import today_bounds
from crm.my_day import Section
from crm.reporting import may_see_everyone
from customers.models import FollowUp

RECENTLY_ASSIGNED_DAYS = 7


def follow_up_sections(user, now) -> list[Section]:
    """Return the person's overdue, due-today and recently-given follow-ups."""
    _start, tomorrow = today_bounds()
    since = now - timedelta(days=RECENTLY_ASSIGNED_DAYS)
    mine = FollowUp.objects.open().owned_by(user).for_my_day()
    template = "customers/rows/follow_up.html"
    follow_ups = reverse("followups:list")
    # The sources are fetched once for the three lists (one query per kind of source), not
    # once per list as with_related() would.
    prefetch = ("source",)
    return [
        Section(
            "overdue",
            _("Overdue"),
            template,
            rows=mine.filter(due_at__lt=now).order_by("due_at", "pk"),
            empty_text=_("Nothing overdue."),
            more_url=f"{follow_ups}?{urlencode({'due': 'overdue'})}",
            more_label=_("All overdue (%(count)s)"),
            prefetch=prefetch,
        ),
        Section(
            "due_today",
            _("Due today"),
            template,
            rows=mine.filter(due_at__gte=now, due_at__lt=tomorrow).order_by("due_at", "pk"),
            empty_text=_("Nothing else due today."),
            more_url=f"{follow_ups}?{urlencode({'due': 'today'})}",
            more_label=_("All due today (%(count)s)"),
            prefetch=prefetch,
        ),
        Section(
            "recently_assigned",
            _("Recently given to you"),
            template,
            rows=mine.given_by_others()
            .filter(assigned_at__gte=since)
            .order_by("-assigned_at", "-pk"),
            empty_text=_("Nobody has passed you work this week."),
            more_url=follow_ups,
            more_label=_("All your follow-ups"),
            prefetch=prefetch,
        ),
    ]


def team_overdue_sections(user, now) -> list[Section]:
    """Return, for supervisors, the first follow-ups of anyone past their due time."""
    if not may_see_everyone(user):
        return []
    # followup_open_due_id_idx serves it: open commitments by due time.
    overdue = FollowUp.objects.overdue(now=now).for_my_day()
    return [
        Section(
            "team_overdue",
            _("Team follow-ups overdue"),
            "customers/rows/follow_up.html",
            rows=overdue.urgency_order(),
            empty_text=_("Nobody's follow-ups are overdue."),
            more_url=f"{reverse('followups:list')}?{urlencode({'due': 'overdue'})}",
            more_label=_("All overdue (%(count)s)"),
            prefetch=("source",),
        )
    ]
