"""What the complaint page shows, and which action forms it offers in the current status."""

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from complaints import forms
from complaints.authority import authority_of
from complaints.intake import TYPICAL_MIN_CASES, TYPICAL_WINDOW, sla_minutes
from complaints.models import FREE_REMEDIES, Complaint, ExpectedBasis, Remedy, RemedyKind
from complaints.services import COMPLAINT_HANDOFFS, may_act_on
from crm.business_time import format_business_minutes
from crm.handoffs import shown_on_page

UPDATES_SHOWN = 200

# action name: (form class or None, the status-flow step it needs or None for any active status;
# BEYOND_ACTIVE lists the actions offered in more statuses than the active ones)
ACTION_FORMS = {
    "acknowledge": (forms.OptionalNoteForm, "acknowledge"),
    "investigate": (None, "investigate"),
    "wait": (forms.ReasonForm, "wait_on_customer"),
    "customer_update": (forms.CustomerUpdateForm, None),
    "promise": (forms.PromiseForm, None),
    "note": (forms.NoteForm, None),
    "remedy": (forms.RemedyForm, "propose_remedy"),
    "resolve": (forms.ResolveForm, "resolve"),
    "check_in": (forms.CheckInForm, "close"),
    "close": (forms.CloseForm, "close"),
    "reopen": (forms.ReasonForm, "reopen"),
    "handoff": (forms.HandoffForm, None),
}
# The action that stops each SLA clock (Complaint.running_clocks): the step to take next.
CLOCK_STEPS = {
    "first_response": "acknowledge",
    "customer_update": "customer_update",
    "resolution": "resolve",
}
BEYOND_ACTIVE = {
    # A note may be added to a finished complaint's record.
    "note": lambda complaint: True,
    # The rule the service applies: a resolved complaint's check-in still needs an owner.
    "handoff": lambda complaint: complaint.can_change_hands,
}


def available_actions(user, complaint: Complaint) -> list[str]:
    """Return the actions the user may take on the complaint in its current status."""
    if not may_act_on(user, complaint):
        return ["note"] if user.has_perm("complaints.add_complaintupdate") else []
    actions = []
    for name, (_form_class, step) in ACTION_FORMS.items():
        if name in BEYOND_ACTIVE:
            if BEYOND_ACTIVE[name](complaint):
                actions.append(name)
            continue
        if step is None and not complaint.is_active:
            continue
        if step is not None and not complaint.can(step):
            continue
        actions.append(name)
    return actions


def next_step(complaint: Complaint, actions: list[str]) -> dict | None:
    """Return the step the nearest running clock waits for, among the actions offered.

    As ``{"action": name, "due": time}``; None when no clock runs or the person may take
    none of the steps that would stop one (e.g. resolving while a remedy awaits approval).
    """
    for clock, due in complaint.running_clocks():
        if CLOCK_STEPS[clock] in actions:
            return {"action": CLOCK_STEPS[clock], "due": due}
    return None


def expectation_note(complaint: Complaint) -> str:
    """Say which rule gave the complaint's expected time, so staff know what it rests on."""
    if complaint.expected_by is None:
        return ""
    severity = complaint.get_severity_display().lower()
    match complaint.expected_by_basis:
        case ExpectedBasis.NEEDS:
            return _("The customer said when they need it.")
        case ExpectedBasis.MEDIAN:
            return _(
                "No need stated, so the usual time: half of the last %(days)d days' "
                "%(cases)d closed %(severity)s complaints about %(category)s were resolved "
                "within %(median)s."
            ) % {
                "days": TYPICAL_WINDOW.days,
                "cases": complaint.expected_by_cases or 0,
                "severity": severity,
                "category": complaint.category or _("no category"),
                "median": timesince(complaint.received_at, complaint.expected_by),
            }
        case ExpectedBasis.TARGET:
            return _(
                "No need stated and fewer than %(least)d %(severity)s complaints like it closed "
                "lately, so the resolution target: %(target)s of business time."
            ) % {
                "least": TYPICAL_MIN_CASES,
                "severity": severity,
                "target": format_business_minutes(sla_minutes(complaint.severity)[2], days=False),
            }
    return _("From the customer's past complaints (worked out before today's rules).")


def detail_context(request, complaint: Complaint, **bound_forms) -> dict:
    """Build the complaint page's context; bound_forms replace blank ones (to show errors)."""
    user = request.user
    authority = authority_of(user)
    actions = available_actions(user, complaint)
    action_forms = {}
    for name in actions:
        form_class = ACTION_FORMS[name][0]
        if name in bound_forms:
            action_forms[name] = bound_forms[name]
        elif form_class is not None:
            action_forms[name] = form_class(prefix=name, initial=_initial(name, complaint))
        else:
            action_forms[name] = None
    step = next_step(complaint, actions)
    if step is not None:
        # The step the clock runs on comes first, open; the others stay folded below it.
        action_forms = {
            step["action"]: action_forms.pop(step["action"]),
            **action_forms,
        }
    remedies = list(
        complaint.remedies.select_related("proposed_by", "decided_by").order_by("-proposed_at")
    )
    for remedy in remedies:
        # What the approval queue's rows carry by annotation (awaiting_approval_by).
        remedy.approver_limit = authority.limit_for(remedy.kind)
    return {
        "complaint": complaint,
        "now": timezone.now(),
        "four_times": [
            (_("Needs it by"), complaint.needs_by),
            (_("Expects it by"), complaint.expected_by),
            (_("Promised by"), complaint.promised_by),
            (_("Satisfied at"), complaint.satisfied_at),
        ],
        "expectation_note": expectation_note(complaint),
        "deadlines": complaint.deadlines(),
        "updates": list(
            complaint.updates.select_related("author", "message").order_by("-created_at", "-pk")[
                :UPDATES_SHOWN
            ]
        ),
        "remedies": remedies,
        "decidable": [
            remedy
            for remedy in remedies
            if remedy.decision == Remedy.Decision.PROPOSED
            and remedy.proposed_by_id != user.pk
            and authority.covers(remedy.kind, remedy.amount)
        ],
        "deliverable": [
            remedy for remedy in remedies if remedy.decision == Remedy.Decision.APPROVED
        ]
        if may_act_on(user, complaint)
        else [],
        "handoff": shown_on_page(COMPLAINT_HANDOFFS, complaint),
        "action_forms": action_forms,
        "next_step": step,
        "authority_rows": [
            (label, authority.limit_for(kind), kind in authority.limits, kind in FREE_REMEDIES)
            for kind, label in RemedyKind.choices
        ],
        "remedy_preview": bound_forms.get("remedy_preview"),
    }


def _initial(name: str, complaint: Complaint) -> dict:
    if name == "customer_update":
        return {"channel": complaint.channel}
    if name == "check_in" or name == "close":
        return {"root_cause": complaint.root_cause, "corrective_note": complaint.corrective_note}
    return {}
