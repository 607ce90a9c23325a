"""Notices read in the app: the person's inbox, its unread count and its part of My day.

crm.notices writes every notice and emails it; this module is the other way a notice reaches
its person, for staff who do not read email. A notice is read once its recipient opens it
from /notices/ or marks all read; email never changes that.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Notice
from crm.my_day import Section

# Notices per page of /notices/.
PAGE_SIZE = 25
# Unread notices listed on My day; the rest are behind "All notices (N)".
MY_DAY_SHOWN = 5


@dataclass
class InboxPage:
    page: Page
    unread: int
    newest_id: int | None


def page_of_notices(*, user, number) -> InboxPage:
    """Return a page of the person's notices, newest first, with their unread count.

    Two queries: one for the figures (the paginator's total, the unread count, the newest id
    that "mark all read" stops at) and one for the page's rows. A page number that is no
    number or out of range gives the first or the last page.
    """
    mine = Notice.objects.addressed_to(user)
    figures = mine.aggregate(
        total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)), newest=Max("pk")
    )
    paginator = Paginator(mine.newest_first(), PAGE_SIZE)
    paginator.count = figures["total"]  # counted above: no second count query
    return InboxPage(paginator.get_page(number), figures["unread"], figures["newest"])


def mark_all_read(*, user, up_to: int, now: datetime | None = None) -> int:
    """Mark the person's unread notices read, up to the newest they were shown; return how many.

    ``up_to`` is the id of the newest notice on the page the button was on: one that arrived
    since stays unread, as the person has not seen it. One statement, whatever the count.
    """
    now = now or timezone.now()
    return Notice.objects.addressed_to(user).unread().filter(pk__lte=up_to).update(read_at=now)


def unread_notice_sections(user, now: datetime) -> list[Section]:
    """Return My day's "Unread notices": the newest few and the count; nothing when none."""
    # One query whatever the number: the window counts every unread row before the slice.
    newest = list(
        Notice.objects.addressed_to(user)
        .unread()
        .newest_first()
        .annotate(unread_total=Window(Count("pk")))
        # The bodies can be long and My day shows only the subjects.
        .only("pk", "subject", "created_at", "path", "read_at")[:MY_DAY_SHOWN]
    )
    if not newest:
        return []
    total = newest[0].unread_total
    return [
        Section(
            "unread_notices",
            _("Unread notices"),
            "crm/rows/notice.html",
            items=newest,
            # The section's figure is the count, not the rows shown; the link leads to the rest.
            total=total,
            more_url=reverse("crm:notices"),
            more_label=_("All notices (%(count)s unread)"),
        )
    ]


def unread_total(sections: list[Section]) -> int:
    """Return the unread count My day's sections already hold (0 when they have no notices).

    My day passes it to the navigation's badge, which then needs no query of its own.
    """
    return next((s.total for s in sections if s.key == "unread_notices"), 0)


def unread_notice_count(request) -> dict:
    """Context processor: ``unread_notice_count``, the signed-in person's unread notices.

    A callable, so the count query runs only on pages that show it (the navigation of
    base.html), once per page however often the template asks; a view that already knows the
    count may pass ``unread_notice_count`` itself and spare the query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notice_count": 0}

    @cache
    def count() -> int:
        return Notice.objects.addressed_to(user).unread().count()

    return {"unread_notice_count": count}
