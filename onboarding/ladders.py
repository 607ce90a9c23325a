"""The onboarding clocks on the deadline ladder (crm/ladder.py), registered in OnboardingConfig.

- An unanswered handoff reminds its receiver ONBOARDING_HANDOFF_REMIND_MINUTES business
  minutes after the offer, and goes to the supervisors ONBOARDING_HANDOFF_ESCALATION_MINUTES
  later. Answered handoffs, and those of finished or cancelled onboardings, are not due.
- A stalled onboarding (no progress for ONBOARDING_STALL_DAYS business days) tells its owner,
  then the supervisors ONBOARDING_STALL_ESCALATION_MINUTES later. Progress clears the marks
  (onboarding.services), so a new stall is told afresh.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from crm.handoffs import unanswered_ladder
from crm.ladder import Ladder, when
from crm.text import person_name
from onboarding.models import Handoff, Onboarding
from onboarding.services import stalled_since


def unanswered_handoffs(now):
    """Return the handoffs still waiting for an answer on a running onboarding."""
    return Handoff.objects.pending().filter(onboarding__status=Onboarding.Status.ACTIVE)


def describe_handoff(handoff: Handoff) -> str:
    return _("%(customer)s: offered by %(sender)s on %(offered)s") % {
        "customer": handoff.onboarding.customer.name,
        "sender": person_name(handoff.from_user),
        "offered": when(handoff.created_at),
    }


def stalled(now):
    """Return the active onboardings without progress for ONBOARDING_STALL_DAYS business days."""
    return Onboarding.objects.stalled(since=stalled_since(now))


def describe_stall(onboarding: Onboarding) -> str:
    return _("%(name)s: no progress since %(since)s") % {
        "name": onboarding.name,
        "since": when(onboarding.last_progress_at),
    }


HANDOFFS_UNANSWERED = unanswered_ladder(
    name="onboarding_handoff_unanswered",
    wait_setting="ONBOARDING_HANDOFF_REMIND_MINUTES",
    grace_setting="ONBOARDING_HANDOFF_ESCALATION_MINUTES",
    label=gettext_lazy("Onboarding handoffs waiting for your answer"),
    counted=ngettext_lazy(
        "%(count)s onboarding handoff unanswered",
        "%(count)s onboarding handoffs unanswered",
        "count",
    ),
    due=unanswered_handoffs,
    describe=describe_handoff,
    related=("onboarding__customer", "from_user"),
)

STALLED = Ladder(
    name="onboarding_stalled",
    label=gettext_lazy("Stalled onboardings"),
    counted=ngettext_lazy(
        "%(count)s stalled onboarding", "%(count)s stalled onboardings", "count"
    ),
    due=stalled,
    notified_field="stall_notified_at",
    escalated_field="stall_escalated_at",
    grace_setting="ONBOARDING_STALL_ESCALATION_MINUTES",
    describe=describe_stall,
    link=lambda: reverse("onboarding:list") + "?stalled=true",
)
