"""The complaints app's part of My day (registered in apps.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from complaints.authority import authority_of
from complaints.models import Complaint, ComplaintHandoff, Remedy
from crm.my_day import RETURNED_DAYS, Section
from crm.reporting import may_see_everyone


def approval_sections(user, now) -> list[Section]:
    """Return the remedies awaiting the person's decision: at the top of My day, as a customer
    waits on each of them."""
    authority = authority_of(user)
    return [
        Section(
            "approvals",
            _("Awaiting your approval"),
            "complaints/rows/remedy_decision.html",
            rows=lambda: Remedy.objects.awaiting_approval_by(user, authority).for_my_day(),
            keys=Remedy.objects.keys_awaiting_approval_by(user, authority),
            empty_text=_("Nothing waits for your decision."),
            more_url=reverse("complaints:approvals"),
            more_label=_("All awaiting your approval (%(count)s)"),
        ),
    ]


def team_breach_sections(user, now) -> list[Section]:
    """Return, for supervisors, the complaints of anyone past an SLA deadline.

    Supervisors manage anyone's work (crm/people.py): Tend has no team narrower than everyone.
    """
    if not may_see_everyone(user):
        return []
    # A breaching complaint's nearest deadline has passed: the range of complaint_next_deadline_idx
    # before now finds them, where breaching()'s OR of three clocks alone reads every complaint.
    breaching = Complaint.objects.breaching(now=now).filter(next_deadline__lt=now)
    return [
        Section(
            "team_breaches",
            _("Team complaints past an SLA deadline"),
            "complaints/rows/complaint.html",
            rows=breaching.for_rows().nearest_deadline_first(),
            empty_text=_("No complaint is past a deadline."),
            more_url=f"{reverse('complaints:list')}?{urlencode({'breaching': 'true'})}",
            more_label=_("All past a deadline (%(count)s)"),
        )
    ]


def complaint_sections(user, now) -> list[Section]:
    """Return the complaints the person owns, offers to them and their own offers declined."""
    # The list has every complaint of the owner, the finished ones after the rest.
    mine = f"{reverse('complaints:list')}?{urlencode({'owner': user.pk})}"
    return [
        Section(
            "complaints",
            _("Complaints you own"),
            "complaints/rows/complaint.html",
            rows=Complaint.objects.active().owned_by(user).for_rows().nearest_deadline_first(),
            empty_text=_("No open complaints are yours."),
            more_url=mine,
            more_label=_("All your complaints"),
        ),
        Section(
            "complaint_handoffs",
            _("Complaints offered to you"),
            "crm/rows/handoff_offer.html",
            rows=ComplaintHandoff.objects.offered_to(user),
            empty_text=_("Nobody is handing you a complaint."),
            # The approval queue lists the offers too, below the remedies.
            more_url=reverse("complaints:approvals"),
            more_label=_("All complaints offered to you (%(count)s)"),
        ),
        Section(
            "complaint_handoffs_declined",
            _("Complaint handoffs declined"),
            "crm/rows/handoff_returned.html",
            rows=ComplaintHandoff.objects.returned_to(
                user, since=now - timedelta(days=RETURNED_DAYS)
            ),
            # Your complaints list has them all; each row's page says why it came back.
            more_url=mine,
            more_label=_("All your complaints"),
            hide_when_empty=True,
        ),
    ]
