"""The customers app's part of My day: the person's follow-ups (registered in apps.py)."""

from datetime import timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.calendar import today_bounds
from crm.my_day import Section
from customers.models import FollowUp

RECENTLY_ASSIGNED_DAYS = 7


def follow_up_sections(user, now) -> list[Section]:
    """Return the overdue, due-today and recently-given follow-ups of the person."""
    _start, tomorrow = today_bounds()
    since = now - timedelta(days=RECENTLY_ASSIGNED_DAYS)
    # One query (and one per kind of source) for all three lists, split here in Python.
    mine = list(
        FollowUp.objects.open()
        .owned_by(user)
        .with_related()
        .filter(Q(due_at__lt=tomorrow) | (Q(assigned_at__gte=since) & ~Q(created_by=user)))
        .order_by("due_at")
    )
    overdue = [item for item in mine if item.due_at < now]
    due_today = [item for item in mine if now <= item.due_at < tomorrow]
    recently_assigned = sorted(
        (item for item in mine if item.assigned_at >= since and item.created_by_id != user.pk),
        key=lambda item: item.assigned_at,
        reverse=True,
    )[:20]
    template = "customers/_followup_item.html"
    return [
        Section("overdue", _("Overdue"), overdue, template, _("Nothing overdue.")),
        Section("due_today", _("Due today"), due_today, template, _("Nothing else due today.")),
        Section(
            "recently_assigned",
            _("Recently given to you"),
            recently_assigned,
            template,
            _("Nobody has passed you work this week."),
        ),
    ]
