"""The complaints app's part of My day (registered in apps.py)."""

from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintHandoff, Remedy
from crm.my_day import Section

MAX_OWNED = 50


def complaint_sections(user, now) -> list[Section]:
    """Return the complaints the person owns, remedies awaiting them, and offers to them."""
    owned = list(
        Complaint.objects.active()
        .owned_by(user)
        .with_related()
        .nearest_deadline_first()[:MAX_OWNED]
    )
    return [
        Section(
            "complaints",
            _("Complaints you own"),
            owned,
            "complaints/_complaint_item.html",
            _("No open complaints are yours."),
        ),
        Section(
            "approvals",
            _("Awaiting your approval"),
            list(Remedy.objects.awaiting_approval_by(user)),
            "complaints/_remedy_decision.html",
            _("Nothing waits for your decision."),
        ),
        Section(
            "complaint_handoffs",
            _("Complaints offered to you"),
            list(ComplaintHandoff.objects.offered_to(user)),
            "crm/_handoff_offer.html",
            _("Nobody is handing you a complaint."),
        ),
    ]
