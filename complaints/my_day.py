"""The complaints app's part of My day (registered in apps.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintHandoff, Remedy
from crm.my_day import RETURNED_DAYS, Section, count_text, first_rows
from crm.reporting import may_see_everyone


def approval_sections(user, now) -> list[Section]:
    """Return the first remedies awaiting the person's decision: at the top of My day, as a
    customer waits on each of them."""
    remedies, remedies_total = first_rows(Remedy.objects.awaiting_approval_by(user))
    approvals = reverse("complaints:approvals")
    return [
        Section(
            "approvals",
            _("Awaiting your approval"),
            remedies,
            "complaints/_remedy_decision.html",
            _("Nothing waits for your decision."),
            total=remedies_total,
            more_url=approvals,
            more_label=gettext("All awaiting your approval (%(count)s)")
            % {"count": count_text(remedies_total)},
        ),
    ]


def team_breach_sections(user, now) -> list[Section]:
    """Return, for supervisors, the first complaints of anyone past an SLA deadline.

    Supervisors manage anyone's work (crm/people.py): Tend has no team narrower than everyone.
    """
    if not may_see_everyone(user):
        return []
    # A breaching complaint's nearest deadline has passed: the range of complaint_next_deadline_idx
    # before now finds them, where breaching()'s OR of three clocks alone reads every complaint.
    breaching = Complaint.objects.breaching(now=now).filter(next_deadline__lt=now)
    rows, total = first_rows(breaching.with_related().nearest_deadline_first())
    return [
        Section(
            "team_breaches",
            _("Team complaints past an SLA deadline"),
            rows,
            "complaints/_complaint_item.html",
            _("No complaint is past a deadline."),
            total=total,
            more_url=f"{reverse('complaints:list')}?{urlencode({'breaching': 'true'})}",
            more_label=gettext("All past a deadline (%(count)s)") % {"count": count_text(total)},
        )
    ]


def complaint_sections(user, now) -> list[Section]:
    """Return the first complaints the person owns, offers to them and their own offers
    declined."""
    # One query each: the first rows and the count of all of them (capped, crm/my_day.py).
    owned, owned_total = first_rows(
        Complaint.objects.active().owned_by(user).with_related().nearest_deadline_first()
    )
    handoffs, handoffs_total = first_rows(ComplaintHandoff.objects.offered_to(user))
    returned, returned_total = first_rows(
        ComplaintHandoff.objects.returned_to(user, since=now - timedelta(days=RETURNED_DAYS))
    )
    approvals = reverse("complaints:approvals")
    return [
        Section(
            "complaints",
            _("Complaints you own"),
            owned,
            "complaints/_complaint_item.html",
            _("No open complaints are yours."),
            total=owned_total,
            # The list has every complaint of the owner, the finished ones after the rest.
            more_url=f"{reverse('complaints:list')}?{urlencode({'owner': user.pk})}",
            more_label=gettext("All your complaints"),
        ),
        Section(
            "complaint_handoffs",
            _("Complaints offered to you"),
            handoffs,
            "crm/_handoff_offer.html",
            _("Nobody is handing you a complaint."),
            total=handoffs_total,
            # The approval queue lists the offers too, below the remedies.
            more_url=approvals,
            more_label=gettext("All complaints offered to you (%(count)s)")
            % {"count": count_text(handoffs_total)},
        ),
        Section(
            "complaint_handoffs_declined",
            _("Complaint handoffs declined"),
            returned,
            "crm/_handoff_returned.html",
            total=returned_total,
            # Your complaints list has them all; each row's page says why it came back.
            more_url=f"{reverse('complaints:list')}?{urlencode({'owner': user.pk})}",
            more_label=gettext("All your complaints"),
            hide_when_empty=True,
        ),
    ]
