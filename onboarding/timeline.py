"""The onboarding app's part of a customer's page: timeline, open work, and a button."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from customers.extensions import CustomerAction, TimelineEntry
from onboarding.models import Onboarding, OnboardingStep

STATUS_TONE = {"active": "primary", "completed": "success", "cancelled": "secondary"}


def onboarding_entries(customer, limit: int) -> list[TimelineEntry]:
    onboardings = Onboarding.objects.filter(customer=customer).order_by("-started_at")[:limit]
    entries = [
        TimelineEntry(
            when=onboarding.started_at,
            kind="onboarding",
            title=_("Onboarding started: %(name)s") % {"name": onboarding.name},
            detail=onboarding.cancel_reason,
            url=onboarding.get_absolute_url(),
            badge=onboarding.get_status_display(),
            tone=STATUS_TONE.get(onboarding.status, "secondary"),
        )
        for onboarding in onboardings
    ]
    steps = (
        OnboardingStep.objects.filter(onboarding__customer=customer, done_at__isnull=False)
        .select_related("done_by", "onboarding")
        .order_by("-done_at")[:limit]
    )
    entries += [
        TimelineEntry(
            when=step.done_at,
            kind="onboarding_step",
            title=step.title,
            detail=step.note,
            url=step.onboarding.get_absolute_url(),
            badge=_("Onboarding step"),
            tone="success",
        )
        for step in steps
    ]
    return entries


def has_active_onboarding() -> Q:
    return Q(Exists(Onboarding.objects.active().filter(customer=OuterRef("pk"))))


def start_onboarding_action(customer, user) -> list[CustomerAction]:
    if not user.has_perm("onboarding.add_onboarding"):
        return []
    if Onboarding.objects.active().filter(customer=customer).exists():
        return []
    url = reverse("onboarding:start", args=[customer.pk])
    return [CustomerAction(_("Start onboarding"), url, "outline-success")]
