"""The owners' weekly report: last week's headline figures by email, once per owner and week.

Sent by a Celery beat task (crm/tasks.py) on WEEKLY_REPORT_DAY at WEEKLY_REPORT_HOUR in the
business's time zone, to every active Owner with an email address. The figures are
crm.headlines', the same the tiles and /reports/ show for the week; the link opens /reports/
on that week.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.headlines import Headline, headlines_for, report_url
from crm.models import WeeklyReportLog
from crm.people import owners
from crm.reporting import Period, business_zone


def last_week(now: datetime) -> Period:
    """Return the last whole week (Monday to Sunday) before now's week, in the business's zone."""
    today = timezone.localtime(now, business_zone()).date()
    monday = today - timedelta(days=today.weekday() + 7)
    return Period.between(monday, monday + timedelta(days=6))


def report_subject(period: Period) -> str:
    return _("Tend: the week of %(day)s") % {"day": period.first_day.isoformat()}


def report_body(period: Period, headlines: list[Headline]) -> str:
    """Return the email's text: one line per headline, then the link to the week's report."""
    lines = [
        _("How the business did from %(first)s to %(last)s:")
        % {"first": period.first_day.isoformat(), "last": period.last_day.isoformat()},
        "",
        *(f"- {headline.label}: {headline.value}" for headline in headlines),
        "",
        _("The full report, with every figure's rows:"),
        f"{settings.SITE_URL.rstrip('/')}{report_url(period)}",
    ]
    return "\n".join(lines)


def send_weekly_report(*, now: datetime | None = None) -> int:
    """Email last week's headlines to every active owner not sent them yet; return how many.

    Idempotent: each owner's week is claimed by a WeeklyReportLog row (unique per owner and
    week) in the same transaction as the sending, so a retried or doubled task sends once, and
    a failed sending leaves the claim undone for the retry.
    """
    now = now or timezone.now()
    period = last_week(now)
    recipients = owners().exclude(email="")
    pending = recipients.exclude(
        pk__in=WeeklyReportLog.objects.filter(week=period.first_day).values("user_id")
    )
    if not pending.exists():
        return 0
    headlines = headlines_for(period, now)
    subject, body = report_subject(period), report_body(period, headlines)
    sent = 0
    for owner in pending:
        try:
            with transaction.atomic():
                WeeklyReportLog.objects.create(user=owner, week=period.first_day, sent_at=now)
                send_mail(subject, body, None, [owner.email])
        except IntegrityError:
            # Another run claimed this owner's week first; it sends.
            continue
        sent += 1
    return sent
