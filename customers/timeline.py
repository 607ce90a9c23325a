"""The customers app's own part of a customer's timeline and health (see extensions.py)."""

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.extensions import HealthFact, TimelineEntry
from customers.models import FollowUp, Interaction

STATUS_TONE = {"open": "primary", "done": "success", "cancelled": "secondary"}


def interaction_entries(customer, limit: int) -> list[TimelineEntry]:
    interactions = (
        Interaction.objects.filter(customer=customer)
        .select_related("staff", "contact")
        .order_by("-occurred_at")[:limit]
    )
    return [
        TimelineEntry(
            when=interaction.occurred_at,
            kind="interaction",
            title=interaction.summary,
            detail=_interaction_detail(interaction),
            badge=interaction.get_channel_display(),
            tone="success" if interaction.is_positive else "secondary",
        )
        for interaction in interactions
    ]


def _interaction_detail(interaction: Interaction) -> str:
    who = interaction.staff.get_full_name() if interaction.staff else ""
    parts = [interaction.get_direction_display()]
    if interaction.contact:
        parts.append(interaction.contact.name)
    if who:
        parts.append(_("logged by %(who)s") % {"who": who})
    if interaction.what_we_heard:
        parts.append(_("We heard: %(heard)s") % {"heard": interaction.what_we_heard})
    return " · ".join(parts)


def follow_up_entries(customer, limit: int) -> list[TimelineEntry]:
    follow_ups = (
        FollowUp.objects.filter(customer=customer)
        .select_related("owner")
        .order_by("-created_at")[:limit]
    )
    entries = []
    for follow_up in follow_ups:
        due = timezone.localtime(follow_up.due_at)
        detail = _("%(kind)s for %(owner)s, due %(due)s") % {
            "kind": follow_up.get_kind_display(),
            "owner": follow_up.owner.get_full_name() or follow_up.owner.get_username(),
            "due": f"{due:%d %b %Y %H:%M}",
        }
        if follow_up.outcome:
            detail += " · " + _("Outcome: %(outcome)s") % {"outcome": follow_up.outcome}
        entries.append(
            TimelineEntry(
                when=follow_up.completed_at or follow_up.created_at,
                kind="follow_up",
                title=follow_up.subject,
                detail=detail,
                url=follow_up.get_absolute_url(),
                badge=follow_up.get_status_display(),
                tone=STATUS_TONE.get(follow_up.status, "secondary"),
            )
        )
    return entries


def follow_up_health(customer) -> list[HealthFact]:
    now = timezone.now()
    open_status = Q(status=FollowUp.Status.OPEN)
    counts = FollowUp.objects.filter(customer=customer).aggregate(
        open=Count("pk", filter=open_status),
        overdue=Count("pk", filter=open_status & Q(due_at__lt=now)),
    )
    last_positive = Interaction.objects.filter(customer=customer, is_positive=True).aggregate(
        last=Max("occurred_at")
    )["last"]
    days = (now - last_positive).days if last_positive else None
    cadence = customer.keep_in_touch_days
    return [
        HealthFact(_("Open follow-ups"), counts["open"]),
        HealthFact(
            _("Overdue commitments"),
            counts["overdue"],
            tone="danger" if counts["overdue"] else "success",
        ),
        HealthFact(
            _("Days since positive contact"),
            days if days is not None else _("never"),
            tone="warning" if cadence and (days is None or days > cadence) else "success",
        ),
    ]


def has_open_follow_ups() -> Q:
    return Q(Exists(FollowUp.objects.open().filter(customer=OuterRef("pk"))))
