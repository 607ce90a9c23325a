"""The follow-ups' clock on the deadline ladder (crm/ladder.py), registered in CustomersConfig.

An open follow-up past its due time reminds its owner once; FOLLOW_UP_ESCALATION_MINUTES
business minutes later, still open, it goes to the supervisors once. Rescheduling or
reassigning it clears both marks (customers.services), so a missed new time starts again.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from crm.ladder import Ladder, when
from customers.models import FollowUp


def describe_follow_up(follow_up: FollowUp) -> str:
    """Return one line about an overdue follow-up: customer, subject, due time, promise."""
    line = _("%(customer)s: %(subject)s, due %(due)s") % {
        "customer": follow_up.customer.name,
        "subject": follow_up.subject,
        "due": when(follow_up.due_at),
    }
    if follow_up.promised_to_customer:
        line += " " + _("(the customer was promised this time)")
    return line


FOLLOW_UPS_OVERDUE = Ladder(
    name="followup_overdue",
    label=gettext_lazy("Overdue follow-ups"),
    counted=ngettext_lazy("%(count)s overdue follow-up", "%(count)s overdue follow-ups", "count"),
    due=lambda now: FollowUp.objects.overdue(now=now),
    notified_field="overdue_notified_at",
    escalated_field="escalated_at",
    grace_setting="FOLLOW_UP_ESCALATION_MINUTES",
    describe=describe_follow_up,
    link=lambda: reverse("followups:list") + "?due=overdue",
    related=("customer",),
)
