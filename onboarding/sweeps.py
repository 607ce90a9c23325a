"""The onboarding part of the deadline sweep: unanswered handoffs remind, then escalate.

OnboardingConfig.ready() registers sweep_unanswered_handoffs with
customers.sweeps.register_deadline_sweep, so the periodic deadline task runs it beside the other
sweeps, at the same moment. It is idempotent: each notice is claimed with a conditional update of
its timestamp before anything is sent, so a retry, an overlapping run or a second worker sends
nothing twice.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.batches import in_batches
from crm.calendar import BusinessCalendar
from crm.notices import notify
from crm.people import supervisors
from customers.sweeps import SweepResult
from customers.text import person_name
from onboarding.models import Handoff, Onboarding

logger = logging.getLogger(__name__)


def sweep_unanswered_handoffs(*, now: datetime | None = None) -> SweepResult:
    """Remind the receiver of an unanswered handoff once; escalate to supervisors once.

    The reminder goes ONBOARDING_HANDOFF_REMIND_MINUTES business minutes after the offer, the
    escalation ONBOARDING_HANDOFF_ESCALATION_MINUTES business minutes after the reminder.
    Accepted and declined handoffs, and those of finished or cancelled onboardings, are left alone.
    """
    now = now or timezone.now()
    calendar = BusinessCalendar.load()
    # Escalating first: a reminder claimed in this run cannot also be escalated in it.
    escalated = _escalate(now, calendar)
    notified = _remind_receivers(now, calendar)
    return SweepResult(notified=notified, escalated=escalated)


def _unanswered() -> QuerySet[Handoff]:
    """Return the handoffs still waiting for an answer on a running onboarding."""
    return Handoff.objects.pending().filter(onboarding__status=Onboarding.Status.ACTIVE)


def _remind_receivers(now: datetime, calendar: BusinessCalendar) -> int:
    wait = settings.ONBOARDING_HANDOFF_REMIND_MINUTES
    waiting = (
        _unanswered()
        .filter(reminded_at=None)
        # Open time never runs faster than the clock, so handoffs offered less than the wait
        # ago in plain minutes cannot be due yet: the database drops them before the exact check.
        .filter(created_at__lte=now - timedelta(minutes=wait))
        .select_related("onboarding__customer", "from_user", "to_user")
    )
    reminded = 0
    for handoff in in_batches(waiting):
        if calendar.add_business_minutes(handoff.created_at, wait) > now:
            continue
        # The claim re-checks the row: since it was read it may have been answered, its
        # onboarding cancelled, or another worker may have claimed it.
        claimed = _unanswered().filter(pk=handoff.pk, reminded_at=None).update(reminded_at=now)
        if not claimed:
            continue
        customer = handoff.onboarding.customer
        notify(
            user=handoff.to_user,
            subject=_("Waiting for your answer: onboarding %(customer)s") % {"customer": customer},
            body=_(
                "%(sender)s offered you the onboarding of %(customer)s on %(offered)s and is "
                "waiting for you to accept or decline it."
            )
            % {
                "sender": person_name(handoff.from_user),
                "customer": customer,
                "offered": _when(handoff.created_at),
            }
            + "\n\n"
            + handoff.note,
            path=handoff.onboarding.get_absolute_url(),
        )
        reminded += 1
    return reminded


def _escalate(now: datetime, calendar: BusinessCalendar) -> int:
    grace = settings.ONBOARDING_HANDOFF_ESCALATION_MINUTES
    waiting = (
        _unanswered()
        .filter(reminded_at__isnull=False, escalated_at=None)
        # As above: reminders sent less than the grace ago in plain minutes are not due yet.
        .filter(reminded_at__lte=now - timedelta(minutes=grace))
        .select_related("onboarding__customer", "from_user", "to_user")
    )
    recipients = None
    escalated = 0
    for handoff in in_batches(waiting):
        if calendar.add_business_minutes(handoff.reminded_at, grace) > now:
            continue
        claimed = (
            _unanswered()
            .filter(pk=handoff.pk, escalated_at=None, reminded_at=handoff.reminded_at)
            .update(escalated_at=now)
        )
        if not claimed:
            continue
        if recipients is None:
            # Read once per sweep, and only when something is escalated.
            recipients = list(supervisors())
            if not recipients:
                logger.warning("Unanswered handoffs are escalated but nobody supervises.")
        customer = handoff.onboarding.customer
        receiver = person_name(handoff.to_user)
        subject = _("Escalated: handoff of onboarding %(customer)s unanswered") % {
            "customer": customer
        }
        body = _(
            "%(sender)s handed the onboarding of %(customer)s to %(receiver)s on %(offered)s. "
            "%(receiver)s was reminded %(reminded)s and has not answered yet; until they accept, "
            "%(sender)s stays accountable."
        ) % {
            "sender": person_name(handoff.from_user),
            "customer": customer,
            "receiver": receiver,
            "offered": _when(handoff.created_at),
            "reminded": _when(handoff.reminded_at),
        }
        path = handoff.onboarding.get_absolute_url()
        for person in recipients:
            # A receiver who supervises already had the reminder.
            if person.pk != handoff.to_user_id:
                notify(user=person, subject=subject, body=body, path=path)
        escalated += 1
    return escalated


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%a %d %b %H:%M}"
