"""Notices read in the app: the person's inbox, its unread count and its part of My day.

crm.notices writes every notice and emails it; this module is the other way a notice reaches
its person, for staff who do not read email. A notice is read once its recipient opens it
from /notices/ or marks all read; email never changes that.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db.models import Count, Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Notice
from crm.my_day import COUNT_LIMIT, Section
from crm.paging import KeysetPage, keyset_page

# Notices per page of /notices/.
PAGE_SIZE = 25


@dataclass
class InboxPage:
    page: KeysetPage
    unread: int
    # The newest unread notice: "mark all read" stops there, so one that arrives after the
    # page was drawn stays unread. None when everything is read (the button is not shown).
    newest_id: int | None


def page_of_notices(request: HttpRequest) -> InboxPage:
    """Return the signed-in person's page of notices, newest first, with their unread count.

    Three queries at most: the unread figures (their count and the newest's id, from the unread
    index: most notices get read), the page's rows and, past one page, their capped count.
    Keyset pages, as every long list: a person's notices grow with every day they work, and
    numbered pages read everything before the page (20,000 notices: the last page cost 1.8
    times the first) and counted them all on every page.
    """
    mine = Notice.objects.addressed_to(request.user)
    figures = mine.unread().aggregate(unread=Count("pk"), newest=Max("pk"))
    page = keyset_page(request, mine.newest_first(), size=PAGE_SIZE)
    return InboxPage(page, figures["unread"], figures["newest"])


def mark_all_read(*, user, up_to: int, now: datetime | None = None) -> int:
    """Mark the person's unread notices read, up to the newest they were shown; return how many.

    ``up_to`` is the id of the newest notice on the page the button was on: one that arrived
    since stays unread, as the person has not seen it. One statement, whatever the count.
    """
    now = now or timezone.now()
    return Notice.objects.addressed_to(user).unread().filter(pk__lte=up_to).update(read_at=now)


def unread_notice_sections(user, now: datetime) -> list[Section]:
    """Return My day's "Unread notices": the newest few and their count, left out when none.

    Its keys are read with the other sections' (crm.my_day): nothing is queried for it alone
    when nothing is unread, which is most people most days.
    """
    return [
        Section(
            "unread_notices",
            _("Unread notices"),
            "crm/rows/notice.html",
            # The bodies can be long and My day shows only the subjects.
            rows=Notice.objects.addressed_to(user)
            .unread()
            .newest_first()
            .only("pk", "subject", "created_at", "path", "read_at"),
            more_url=reverse("crm:notices"),
            # The section's figure is the count, not the rows shown; the link leads to the rest.
            more_label=_("All notices (%(count)s unread)"),
            hide_when_empty=True,
        )
    ]


def unread_total(sections: list[Section]) -> int | None:
    """Return the unread count My day's sections already hold (0 when they have no notices),
    or None when they stopped counting at COUNT_LIMIT.

    My day passes a count to the navigation's badge, which then needs no query of its own; a
    count that stopped is left for the badge to count in full.
    """
    total = next((s.total for s in sections if s.key == "unread_notices"), 0)
    return total if total <= COUNT_LIMIT else None


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
