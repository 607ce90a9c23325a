"""The complaints app's headline figures (crm/headlines.py; registered in apps.py)."""

from datetime import datetime

from django.utils.translation import gettext as _

from complaints import remedy_reports, reports
from complaints.models import Complaint
from crm.headlines import Headline
from crm.reporting import Period, Scope, percent_text


def complaint_headlines(period: Period, now: datetime) -> list[Headline]:
    """Return first responses within SLA, open breaches, remedies granted and satisfaction."""
    window = {"start": period.start, "end": period.end}
    first = reports.first_responses_within_sla(period, Scope(), now=now)
    routes = remedy_reports.grant_routes(**window)
    answers = remedy_reports.satisfaction(**window)
    granted = routes.within_authority_count + routes.after_approval_count
    money = routes.within_authority_amount + routes.after_approval_amount
    # As on My day's breach section: a breaching complaint's nearest deadline has passed.
    breaches = Complaint.objects.breaching(now=now).filter(next_deadline__lt=now).count()
    return [
        Headline(
            "first_response",
            _("First responses within SLA"),
            percent_text(first.part, first.whole),
            "responsiveness",
        ),
        Headline(
            "open_breaches", _("Complaints past a deadline now"), str(breaches), "complaints"
        ),
        Headline(
            "remedies_granted",
            _("Remedies granted"),
            _("%(count)d (%(amount)s)") % {"count": granted, "amount": money},
            "remedies",
        ),
        Headline(
            "satisfied",
            _("Satisfied at the check-in"),
            percent_text(answers.satisfied, answers.check_ins),
            "satisfaction",
        ),
    ]
