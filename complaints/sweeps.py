"""The complaints' part of the deadline sweep: SLA breaches tell the owner, then supervisors.

ComplaintsConfig.ready() registers sweep_complaint_deadlines with
customers.sweeps.register_deadline_sweep, so the periodic deadline task runs it beside the
follow-up sweep, at the same moment. Like that sweep it is idempotent: each notice is claimed
with a conditional update of its timestamp before anything is sent, so a retry, an overlapping
run or a second worker sends nothing twice.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint
from crm.batches import in_batches
from crm.calendar import BusinessCalendar
from crm.notices import notify
from crm.people import supervisors
from customers.sweeps import SweepResult
from customers.text import person_name

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SLAClock:
    """One SLA deadline of a complaint and the two marks that make its notices go out once."""

    name: str  # prefix of the marks: <name>_notified_at, <name>_escalated_at
    due_field: str
    title: Promise  # "First response overdue"
    late: Promise  # what is late, with %(due)s
    # What must still hold for the deadline to count, beside being past it.
    still_owed: Q = field(default_factory=Q)

    @property
    def notified_field(self) -> str:
        return f"{self.name}_notified_at"

    @property
    def escalated_field(self) -> str:
        return f"{self.name}_escalated_at"

    def breaching(self, now: datetime) -> QuerySet[Complaint]:
        """Return the complaints past this deadline at now, their clock running."""
        # Paused complaints wait on the customer: when the clock resumes, the services move
        # the deadlines later by the pause, so until then there is nothing to judge.
        return (
            Complaint.objects.active()
            .filter(paused_at=None)
            .filter(self.still_owed, **{f"{self.due_field}__lt": now})
        )


CLOCKS = (
    SLAClock(
        name="first_response",
        due_field="first_response_due",
        title=gettext_lazy("First response overdue"),
        late=gettext_lazy("the first response to the customer was due %(due)s"),
        still_owed=Q(acknowledged_at=None),
    ),
    # The services clear this clock's marks whenever the customer is updated and the next
    # update falls due: each interval is notified and escalated on its own.
    SLAClock(
        name="update",
        due_field="next_update_due",
        title=gettext_lazy("Customer update overdue"),
        late=gettext_lazy("the customer was due an update %(due)s"),
    ),
    SLAClock(
        name="resolution",
        due_field="resolution_due",
        title=gettext_lazy("Resolution overdue"),
        late=gettext_lazy("it was due to be resolved %(due)s"),
    ),
)


def sweep_complaint_deadlines(*, now: datetime | None = None) -> SweepResult:
    """Tell owners of each SLA breach once; escalate to supervisors once after the grace.

    The three clocks are the first response (until acknowledged), the customer update and the
    resolution. The grace is COMPLAINT_ESCALATION_MINUTES business minutes from the owner's
    notice. Resolved, closed and paused complaints are left alone.
    """
    now = now or timezone.now()
    calendar = BusinessCalendar.load()

    @cache
    def escalation_recipients() -> list:
        # Read once per sweep, and only when something is escalated.
        people = list(supervisors())
        if not people:
            logger.warning("Complaint SLA breaches are escalated but nobody supervises.")
        return people

    total = SweepResult()
    for clock in CLOCKS:
        # Escalating first: a notice claimed in this run cannot also be escalated in it.
        escalated = _escalate(clock, now, calendar, escalation_recipients)
        notified = _notify_owners(clock, now)
        total += SweepResult(notified=notified, escalated=escalated)
    return total


def _notify_owners(clock: SLAClock, now: datetime) -> int:
    # Built once: each claim below adds only the row's own conditions to it.
    breaching = clock.breaching(now)
    waiting = breaching.filter(**{clock.notified_field: None}).select_related("customer", "owner")
    notified = 0
    for complaint in in_batches(waiting):
        # The claim re-checks the row: since it was read it may have been acknowledged,
        # updated, paused, resolved or claimed by another worker, and then the notice is not
        # ours to send.
        claimed = breaching.filter(pk=complaint.pk, **{clock.notified_field: None}).update(
            **{clock.notified_field: now}
        )
        if not claimed:
            continue
        notify(
            user=complaint.owner,
            subject=_subject(clock.title, complaint),
            body=_("Your complaint %(reference)s from %(customer)s is late: %(late)s.")
            % {**_facts(complaint), "late": _late(clock, complaint)}
            + _severity_line(complaint),
            path=complaint.get_absolute_url(),
        )
        notified += 1
    return notified


def _escalate(
    clock: SLAClock,
    now: datetime,
    calendar: BusinessCalendar,
    escalation_recipients: Callable[[], list],
) -> int:
    grace = settings.COMPLAINT_ESCALATION_MINUTES
    breaching = clock.breaching(now)
    waiting = (
        breaching.filter(**{clock.escalated_field: None})
        # Open time never runs faster than the clock, so notices sent less than the grace ago
        # in plain minutes cannot be due yet: the database drops them before the exact check.
        .filter(**{f"{clock.notified_field}__lte": now - timedelta(minutes=grace)})
        .select_related("customer", "owner")
    )
    escalated = 0
    for complaint in in_batches(waiting):
        notified_at = getattr(complaint, clock.notified_field)
        if calendar.add_business_minutes(notified_at, grace) > now:
            continue
        claimed = breaching.filter(
            pk=complaint.pk,
            # A fresh notice since the read (the update marks were cleared and the new
            # interval missed too) restarts the grace.
            **{clock.escalated_field: None, clock.notified_field: notified_at},
        ).update(**{clock.escalated_field: now})
        if not claimed:
            continue
        facts = {
            **_facts(complaint),
            "owner": person_name(complaint.owner),
            "late": _late(clock, complaint),
            "told": _when(notified_at),
        }
        subject = _("Escalated: %(subject)s") % {"subject": _subject(clock.title, complaint)}
        body = _(
            "%(owner)s's complaint %(reference)s from %(customer)s is still late: "
            "%(late)s. %(owner)s was told %(told)s."
        ) % facts + _severity_line(complaint)
        path = complaint.get_absolute_url()
        for person in escalation_recipients():
            # An owner who supervises already had the notice.
            if person.pk != complaint.owner_id:
                notify(user=person, subject=subject, body=body, path=path)
        escalated += 1
    return escalated


def _subject(title: Promise, complaint: Complaint) -> str:
    return _("%(title)s: %(reference)s, %(customer)s") % {"title": title, **_facts(complaint)}


def _facts(complaint: Complaint) -> dict[str, str]:
    return {"reference": str(complaint), "customer": complaint.customer.name}


def _late(clock: SLAClock, complaint: Complaint) -> str:
    return clock.late % {"due": _when(getattr(complaint, clock.due_field))}


def _severity_line(complaint: Complaint) -> str:
    return "\n" + _("Severity: %(severity)s") % {"severity": complaint.get_severity_display()}


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%a %d %b %H:%M}"
