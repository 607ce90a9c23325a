"""The complaints' part of a customer's page: timeline, health, open work, and a button."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.models import Complaint
from customers.extensions import CustomerAction, HealthFact, TimelineEntry

STATUS_TONE = {"resolved": "success", "closed": "secondary"}


def complaint_entries(customer, limit: int) -> list[TimelineEntry]:
    complaints = (
        Complaint.objects.filter(customer=customer)
        .select_related("owner", "category__parent")
        .order_by("-received_at")[:limit]
    )
    return [
        TimelineEntry(
            when=complaint.received_at,
            kind="complaint",
            title=_("Complaint %(reference)s") % {"reference": complaint.reference},
            detail=" · ".join(
                part
                for part in (
                    str(complaint.category or ""),
                    complaint.get_severity_display(),
                    complaint.customer_words[:200],
                )
                if part
            ),
            url=complaint.get_absolute_url(),
            badge=complaint.get_status_display(),
            tone=STATUS_TONE.get(complaint.status, "danger"),
        )
        for complaint in complaints
    ]


def complaint_health(customer) -> list[HealthFact]:
    open_count = Complaint.objects.open().filter(customer=customer).count()
    return [
        HealthFact(
            _("Open complaints"),
            open_count,
            tone="danger" if open_count else "success",
        )
    ]


def has_open_complaints() -> Q:
    return Q(Exists(Complaint.objects.open().filter(customer=OuterRef("pk"))))


def log_complaint_action(customer, user) -> list[CustomerAction]:
    if not user.has_perm("complaints.add_complaint"):
        return []
    url = f"{reverse('complaints:create')}?customer={customer.pk}"
    return [CustomerAction(_("Log a complaint"), url, "outline-danger")]
