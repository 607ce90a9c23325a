"""My day: each app contributes sections of the signed-in person's work."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.views import awaiting_approval_by, handoffs_for
from crm import notices
from customers.filters import today_bounds
from customers.models import FollowUp
from onboarding.models import Handoff, Onboarding, OnboardingStep

RECENTLY_ASSIGNED_DAYS = 7


@dataclass
class Section:
    """One list on My day: a title, the rows, and the template that draws one row."""

    key: str
    title: str
    items: list
    item_template: str
    empty_text: str = ""
    context: dict = field(default_factory=dict)


def follow_up_sections(user, now) -> list[Section]:
    _start, tomorrow = today_bounds()
    since = now - timedelta(days=RECENTLY_ASSIGNED_DAYS)
    # One query (and one per kind of source) for all three lists, split here in Python.
    mine = list(
        FollowUp.objects.open()
        .owned_by(user)
        .with_related()
        .filter(Q(due_at__lt=tomorrow) | (Q(assigned_at__gte=since) & ~Q(created_by=user)))
        .order_by("due_at")
    )
    overdue = [item for item in mine if item.due_at < now]
    due_today = [item for item in mine if now <= item.due_at < tomorrow]
    recently_assigned = sorted(
        (item for item in mine if item.assigned_at >= since and item.created_by_id != user.pk),
        key=lambda item: item.assigned_at,
        reverse=True,
    )[:20]
    template = "customers/_followup_item.html"
    return [
        Section("overdue", _("Overdue"), overdue, template, _("Nothing overdue.")),
        Section("due_today", _("Due today"), due_today, template, _("Nothing else due today.")),
        Section(
            "recently_assigned",
            _("Recently given to you"),
            recently_assigned,
            template,
            _("Nobody has passed you work this week."),
        ),
    ]


def complaint_sections(user, now) -> list[Section]:
    owned = list(
        Complaint.objects.active()
        .owned_by(user)
        .with_related()
        .with_next_deadline()
        .order_by(F("next_deadline").asc(nulls_last=True))[:50]
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
            awaiting_approval_by(user),
            "complaints/_remedy_decision.html",
            _("Nothing waits for your decision."),
        ),
        Section(
            "complaint_handoffs",
            _("Complaints offered to you"),
            handoffs_for(user),
            "complaints/_handoff_offer.html",
            _("Nobody is handing you a complaint."),
        ),
    ]


def onboarding_sections(user, now) -> list[Section]:
    steps = list(
        OnboardingStep.objects.filter(
            assignee=user, done_at__isnull=True, onboarding__status=Onboarding.Status.ACTIVE
        )
        .select_related("onboarding__customer")
        .order_by("due_at")[:50]
    )
    handoffs = list(
        Handoff.objects.filter(to_user=user, accepted_at=None, declined_at=None)
        .select_related("onboarding__customer", "from_user", "step")
        .order_by("created_at")
    )
    return [
        Section(
            "onboarding_steps",
            _("Your onboarding steps"),
            steps,
            "onboarding/_step_item.html",
            _("No onboarding steps are yours."),
        ),
        Section(
            "onboarding_handoffs",
            _("Onboardings handed to you"),
            handoffs,
            "onboarding/_handoff_offer.html",
            _("Nobody is handing you an onboarding."),
        ),
    ]


SECTION_BUILDERS: list[Callable] = [follow_up_sections, complaint_sections, onboarding_sections]


def sections_for(user) -> list[Section]:
    """Return the signed-in person's My day sections, in display order."""
    now = timezone.now()
    return [section for build in SECTION_BUILDERS for section in build(user, now)]


def failed_notice_count(user) -> int:
    """Count the notices lately not emailed, for those who may read them (owners); else 0."""
    # Only the admin lists notices; checking is_staff first spares everyone else the two
    # permission queries.
    if not (user.is_staff and user.has_perm("crm.view_notice")):
        return 0
    return notices.failed_notice_count()
