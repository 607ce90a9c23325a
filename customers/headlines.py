"""The customers app's headline figure (crm/headlines.py; registered in apps.py)."""

from datetime import datetime

from django.utils.translation import gettext as _

from crm.headlines import Headline
from crm.reporting import Period, Scope, percent_text
from customers import reports


def promise_headlines(period: Period, now: datetime) -> list[Headline]:
    """Return the promises kept on time in the period."""
    kept = reports.promises_kept(period, Scope(), now=now)
    return [
        Headline(
            "promises_kept",
            _("Promises kept on time"),
            percent_text(kept.part, kept.whole),
            "promises",
        )
    ]
