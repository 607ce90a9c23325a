"""The complaints' clocks on the deadline ladder (crm/ladder.py), registered in ComplaintsConfig.

Three SLA clocks (the first response until acknowledged, the customer update, the resolution)
tell the owner once and the supervisors once COMPLAINT_ESCALATION_MINUTES business minutes
later. Resolved, closed and paused complaints are not due: while the customer is waited on the
clock stands still, and when it resumes the services move the deadlines later and clear the
marks. A new customer update, or a reopening, clears the marks of the clocks it restarts.

A remedy left waiting for approval reminds everyone who may approve it (their authority covers
it, the proposer excepted) REMEDY_APPROVAL_REMIND_MINUTES business minutes after it was
proposed, and goes to the Owners group REMEDY_APPROVAL_ESCALATION_MINUTES later: supervisors'
limits may not cover it, and owners can decide any remedy. A decision ends the clock.

A complaint offered to someone and left unanswered reminds the receiver
COMPLAINT_HANDOFF_REMIND_MINUTES business minutes after the offer, and goes to the supervisors
COMPLAINT_HANDOFF_ESCALATION_MINUTES later; until the receiver accepts, the sender owns it.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from complaints.authority import approvers_by_remedy
from complaints.models import Complaint, ComplaintHandoff, Remedy
from crm.handoffs import unanswered_ladder
from crm.ladder import Ladder, when
from crm.people import owners
from crm.text import person_name


def _sla_clock(name: str, due_field: str, still_owed: Q):
    """Return due(now) for one SLA clock: active, unpaused complaints past this deadline."""

    def due(now):
        return (
            Complaint.objects.active()
            .filter(paused_at=None)
            .filter(still_owed, **{f"{due_field}__lt": now})
        )

    due.__name__ = f"{name}_due"
    return due


def _describer(late: Promise, due_field: str):
    def describe(complaint: Complaint) -> str:
        return _("%(reference)s, %(customer)s (%(severity)s): %(late)s") % {
            "reference": str(complaint),
            "customer": complaint.customer.name,
            "severity": complaint.get_severity_display(),
            "late": late % {"due": when(getattr(complaint, due_field))},
        }

    return describe


def _breaching_list() -> str:
    return reverse("complaints:list") + "?breaching=true"


def _sla_ladder(name, label, counted, due_field, late, still_owed: Q | None = None) -> Ladder:
    return Ladder(
        name=name,
        label=label,
        counted=counted,
        due=_sla_clock(name, due_field, still_owed or Q()),
        notified_field=f"{name.removeprefix('complaint_')}_notified_at",
        escalated_field=f"{name.removeprefix('complaint_')}_escalated_at",
        grace_setting="COMPLAINT_ESCALATION_MINUTES",
        describe=_describer(late, due_field),
        link=_breaching_list,
        related=("customer",),
    )


FIRST_RESPONSE = _sla_ladder(
    "complaint_first_response",
    gettext_lazy("Complaints past first response"),
    ngettext_lazy(
        "%(count)s complaint past first response",
        "%(count)s complaints past first response",
        "count",
    ),
    "first_response_due",
    gettext_lazy("first response was due %(due)s"),
    still_owed=Q(acknowledged_at=None),
)
CUSTOMER_UPDATE = _sla_ladder(
    "complaint_update",
    gettext_lazy("Complaints past a customer update"),
    ngettext_lazy(
        "%(count)s complaint past a customer update",
        "%(count)s complaints past a customer update",
        "count",
    ),
    "next_update_due",
    gettext_lazy("the customer was due an update %(due)s"),
)
RESOLUTION = _sla_ladder(
    "complaint_resolution",
    gettext_lazy("Complaints past resolution"),
    ngettext_lazy(
        "%(count)s complaint past resolution", "%(count)s complaints past resolution", "count"
    ),
    "resolution_due",
    gettext_lazy("it was due to be resolved %(due)s"),
)

SLA_LADDERS = (FIRST_RESPONSE, CUSTOMER_UPDATE, RESOLUTION)


def waiting_remedies(now):
    """Return the remedies still waiting for a decision on a complaint being worked on."""
    return Remedy.objects.awaiting_approval().filter(complaint__in=Complaint.objects.active())


def remedy_approvers(remedies: list[Remedy]) -> dict[int, list[int]]:
    """Return {remedy pk: ids of the people who may approve it}, for a whole batch."""
    return {
        pk: [person.pk for person in people]
        for pk, people in approvers_by_remedy(remedies).items()
    }


def describe_remedy(remedy: Remedy) -> str:
    return _("%(reference)s, %(customer)s: %(remedy)s proposed by %(proposer)s on %(when)s") % {
        "reference": str(remedy.complaint),
        "customer": remedy.complaint.customer.name,
        "remedy": str(remedy),
        "proposer": person_name(remedy.proposed_by),
        "when": when(remedy.proposed_at),
    }


REMEDIES_WAITING = Ladder(
    name="remedy_awaiting_approval",
    label=gettext_lazy("Remedies waiting for approval"),
    counted=ngettext_lazy(
        "%(count)s remedy waiting for approval", "%(count)s remedies waiting for approval", "count"
    ),
    due=waiting_remedies,
    notified_field="reminded_at",
    escalated_field="escalated_at",
    start_field="proposed_at",
    wait_setting="REMEDY_APPROVAL_REMIND_MINUTES",
    grace_setting="REMEDY_APPROVAL_ESCALATION_MINUTES",
    # The proposer is the one the remedy belongs to: never asked to approve their own.
    owner_field="proposed_by_id",
    recipients=remedy_approvers,
    escalate_to=owners,
    describe=describe_remedy,
    link=lambda: reverse("complaints:approvals"),
    related=("complaint__customer", "proposed_by"),
)


def unanswered_handoffs(now):
    """Return the offers still waiting for an answer on a complaint not yet closed."""
    return ComplaintHandoff.objects.pending().filter(complaint__in=Complaint.objects.open())


def describe_handoff(handoff: ComplaintHandoff) -> str:
    return _("%(reference)s, %(customer)s: offered by %(sender)s on %(offered)s") % {
        "reference": str(handoff.complaint),
        "customer": handoff.complaint.customer.name,
        "sender": person_name(handoff.from_user),
        "offered": when(handoff.created_at),
    }


HANDOFFS_UNANSWERED = unanswered_ladder(
    name="complaint_handoff_unanswered",
    wait_setting="COMPLAINT_HANDOFF_REMIND_MINUTES",
    grace_setting="COMPLAINT_HANDOFF_ESCALATION_MINUTES",
    label=gettext_lazy("Complaint handoffs waiting for your answer"),
    counted=ngettext_lazy(
        "%(count)s complaint handoff unanswered",
        "%(count)s complaint handoffs unanswered",
        "count",
    ),
    due=unanswered_handoffs,
    describe=describe_handoff,
    related=("complaint__customer", "from_user"),
)

# Registered in ComplaintsConfig.ready(), in this order.
LADDERS = (*SLA_LADDERS, REMEDIES_WAITING, HANDOFFS_UNANSWERED)
