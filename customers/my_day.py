"""The customers app's part of My day: the person's follow-ups (registered in apps.py)."""

from datetime import timedelta

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.calendar import today_bounds
from crm.my_day import Section, count_text, first_rows
from crm.reporting import may_see_everyone
from customers.models import FollowUp

RECENTLY_ASSIGNED_DAYS = 7


def follow_up_sections(user, now) -> list[Section]:
    """Return the first overdue, due-today and recently-given follow-ups, with their totals."""
    _start, tomorrow = today_bounds()
    since = now - timedelta(days=RECENTLY_ASSIGNED_DAYS)
    # The sources are fetched once for the three lists below (one query per kind of source),
    # not once per list as with_related() would.
    mine = FollowUp.objects.open().owned_by(user).select_related("customer", "owner")
    # One query each: the first rows and the count of all of them (capped, crm/my_day.py).
    overdue, overdue_total = first_rows(mine.filter(due_at__lt=now).order_by("due_at", "pk"))
    due_today, due_today_total = first_rows(
        mine.filter(due_at__gte=now, due_at__lt=tomorrow).order_by("due_at", "pk")
    )
    recently_assigned, recently_assigned_total = first_rows(
        mine.given_by_others().filter(assigned_at__gte=since).order_by("-assigned_at", "-pk")
    )
    prefetch_related_objects([*overdue, *due_today, *recently_assigned], "source")
    template = "customers/_followup_item.html"
    follow_ups = reverse("followups:list")
    return [
        Section(
            "overdue",
            _("Overdue"),
            overdue,
            template,
            _("Nothing overdue."),
            total=overdue_total,
            more_url=f"{follow_ups}?{urlencode({'due': 'overdue'})}",
            more_label=gettext("All overdue (%(count)s)") % {"count": count_text(overdue_total)},
        ),
        Section(
            "due_today",
            _("Due today"),
            due_today,
            template,
            _("Nothing else due today."),
            total=due_today_total,
            more_url=f"{follow_ups}?{urlencode({'due': 'today'})}",
            more_label=gettext("All due today (%(count)s)")
            % {"count": count_text(due_today_total)},
        ),
        Section(
            "recently_assigned",
            _("Recently given to you"),
            recently_assigned,
            template,
            _("Nobody has passed you work this week."),
            total=recently_assigned_total,
            more_url=follow_ups,
            more_label=gettext("All your follow-ups"),
        ),
    ]


def team_overdue_sections(user, now) -> list[Section]:
    """Return, for supervisors, the first follow-ups of anyone past their due time."""
    if not may_see_everyone(user):
        return []
    # followup_open_due_id_idx serves it: open commitments by due time.
    overdue = FollowUp.objects.overdue(now=now).select_related("customer", "owner")
    rows, total = first_rows(overdue.urgency_order())
    prefetch_related_objects(rows, "source")
    return [
        Section(
            "team_overdue",
            _("Team follow-ups overdue"),
            rows,
            "customers/_followup_item.html",
            _("Nobody's follow-ups are overdue."),
            total=total,
            more_url=f"{reverse('followups:list')}?{urlencode({'due': 'overdue'})}",
            more_label=gettext("All overdue (%(count)s)") % {"count": count_text(total)},
        )
    ]
