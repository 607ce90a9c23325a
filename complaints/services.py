"""State changes of complaints: intake, the status flow, remedies within authority, follow-through.

Every service checks that the actor may act (views check too, but a forged post reaches the
service), runs in one transaction on the locked complaint row and records what happened on the
complaint's timeline. Refusals raise ComplaintError, IllegalTransition or PermissionDenied.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import messages
from complaints.authority import Authority, approvers_for, authority_of
from complaints.intake import (
    EarlierComplaints,
    IntakeRules,
    build_complaint,
    reference_for,
    sla_minutes,
)
from complaints.models import (
    FREE_REMEDIES,
    MAX_REMEDY_AMOUNT,
    MONEY_REMEDIES,
    Category,
    Complaint,
    ComplaintHandoff,
    ComplaintUpdate,
    IllegalTransition,
    Remedy,
    RemedyKind,
    RootCause,
    is_remedy_amount,
)
from crm import handoffs
from crm.background import enqueue_after_commit
from crm.calendar import BusinessCalendar
from crm.handoffs import HandoffKind
from crm.notices import notify
from crm.people import require, supervisors
from customers import services as customer_services
from customers.models import Contact, Customer, FollowUp
from customers.text import person_name

MANAGE_ANY_COMPLAINT = "complaints.manage_any_complaint"

Status = Complaint.Status


class ComplaintError(Exception):
    """The complaint cannot take this change, for a reason the person can act on."""


class StaleComplaintError(ComplaintError):
    """Someone changed the complaint after the actor opened it."""


def may_act_on(user, complaint: Complaint) -> bool:
    """Tell whether the user may move the complaint along: its owner or a supervisor."""
    return user.is_active and (
        complaint.owner_id == user.pk or user.has_perm(MANAGE_ANY_COMPLAINT)
    )


def _record(
    complaint,
    *,
    actor,
    kind,
    text="",
    channel="",
    from_status="",
    to_status="",
    on_time=None,
    message=None,
):
    return ComplaintUpdate.objects.create(
        complaint=complaint,
        kind=kind,
        author=actor,
        text=text,
        channel=channel,
        from_status=from_status,
        to_status=to_status,
        on_time=on_time,
        message=message,
    )


def _move(complaint: Complaint, step: str, *, actor, text: str = "") -> None:
    """Take the step in the status flow and record it; the caller saves the complaint."""
    target = complaint.check_can(step)
    if target != complaint.status:
        _record(
            complaint,
            actor=actor,
            kind=ComplaintUpdate.Kind.STATUS,
            text=text,
            from_status=complaint.status,
            to_status=target,
        )
        complaint.status = target


def _locked(complaint: Complaint, *, actor, expected_version: int | None, must_act=True):
    """Lock the complaint's row, check the actor and that nobody changed it meanwhile."""
    locked = (
        Complaint.objects.select_for_update()
        .select_related("customer", "owner")
        .get(pk=complaint.pk)
    )
    if must_act:
        require(may_act_on(actor, locked), _("Only the complaint's owner or a supervisor may."))
    if expected_version is not None and locked.version != expected_version:
        raise StaleComplaintError(
            _("Someone changed this complaint after you opened it. Look at it again, then retry.")
        )
    locked.version += 1
    return locked


# --- Intake ----------------------------------------------------------------------------------


@transaction.atomic
def log_complaint(
    *,
    actor,
    customer: Customer | None,
    customer_words: str,
    channel: str,
    new_customer: Customer | None = None,
    severity: str = "normal",
    category: Category | None = None,
    what_we_heard: str = "",
    heard_confirmed: bool = False,
    asked_remedy_kind: str = "",
    asked_amount: Decimal | None = None,
    asked_words: str = "",
    needs_by: datetime | None = None,
    contact: Contact | None = None,
    received_at: datetime | None = None,
) -> Complaint:
    """Log a complaint owned by the person who took it, with its SLA clock running.

    ``new_customer`` (unsaved) is created in the same transaction when the customer is new.
    """
    require(actor.has_perm("complaints.add_complaint"), _("You may not log complaints."))
    check_asked_remedy(asked_remedy_kind, asked_amount)
    if customer is None:
        customer = customer_services.create_customer(actor=actor, customer=new_customer)
    received_at = received_at or timezone.now()
    complaint = build_complaint(
        rules=IntakeRules.load(severity=severity),
        earlier=EarlierComplaints.of(customer, received_at, category=category, severity=severity),
        customer=customer,
        logged_by=actor,
        received_at=received_at,
        customer_words=customer_words,
        channel=channel,
        severity=severity,
        category=category,
        what_we_heard=what_we_heard,
        heard_confirmed=heard_confirmed,
        asked_remedy_kind=asked_remedy_kind,
        asked_amount=asked_amount,
        asked_words=asked_words,
        needs_by=needs_by,
        contact=contact,
    )
    complaint.save()
    complaint.reference = reference_for(complaint.pk)
    complaint.save(update_fields=["reference"])
    _record(complaint, actor=actor, kind=ComplaintUpdate.Kind.NOTE, text=_("Complaint logged."))
    messages.tell_complaint_logged(complaint)
    # After commit, and robustly: a broker that is down must not lose the complaint; the
    # deadline sweep runs any intake that did not happen (see process_pending_intakes).
    from complaints.tasks import process_complaint_intake

    enqueue_after_commit(process_complaint_intake, complaint.pk)
    return complaint


def check_asked_remedy(kind: str, amount: Decimal | None) -> None:
    """Refuse a remedy asked for that no remedy could be: the same figures as check_remedy.

    What the customer asks for may leave the amount unsaid, even for money.
    """
    if kind and kind not in RemedyKind.values:
        raise ComplaintError(_("Choose a remedy from the list."))
    if amount is None:
        return
    if kind in FREE_REMEDIES:
        raise ComplaintError(
            _("An apology carries no amount; a gesture that costs money is “other”.")
        )
    check_amount(amount)


def process_intake(*, complaint_id: int, now: datetime | None = None) -> bool:
    """Do a new complaint's background work once: alert supervisors to serious ones."""
    now = now or timezone.now()
    claimed = Complaint.objects.filter(pk=complaint_id, intake_done_at=None).update(
        intake_done_at=now
    )
    if not claimed:
        return False
    complaint = Complaint.objects.select_related("customer", "owner").get(pk=complaint_id)
    if complaint.severity in {"high", "critical"}:
        for person in supervisors().exclude(pk=complaint.owner_id):
            notify(
                user=person,
                subject=_("%(severity)s complaint %(reference)s from %(customer)s")
                % {
                    "severity": complaint.get_severity_display(),
                    "reference": complaint.reference,
                    "customer": complaint.customer,
                },
                body=complaint.customer_words,
                path=complaint.get_absolute_url(),
            )
    return True


def process_pending_intakes(*, now: datetime | None = None) -> int:
    """Run the intake of complaints whose task never ran (the broker was down); return how many."""
    now = now or timezone.now()
    pending = Complaint.objects.filter(
        intake_done_at=None, created_at__lt=now - timedelta(minutes=1)
    ).values_list("pk", flat=True)
    return sum(process_intake(complaint_id=pk, now=now) for pk in list(pending[:500]))


# --- The status flow ---------------------------------------------------------------------------


@transaction.atomic
def acknowledge(*, actor, complaint: Complaint, expected_version=None, note="") -> Complaint:
    """Record the first response to the customer: the first-response clock stops."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    _move(complaint, "acknowledge", actor=actor, text=note)
    complaint.acknowledged_at = timezone.now()
    complaint.save()
    return complaint


@transaction.atomic
def start_investigating(*, actor, complaint: Complaint, expected_version=None) -> Complaint:
    """Move an acknowledged complaint, or one the customer answered, to investigating."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    was_paused = complaint.is_paused
    _move(complaint, "investigate", actor=actor)
    if was_paused:
        _resume_clock(complaint)
    complaint.save()
    return complaint


@transaction.atomic
def wait_on_customer(*, actor, complaint: Complaint, reason: str, expected_version=None):
    """Wait for the customer (information, a visit…): the SLA clock stops until they answer."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    _move(complaint, "wait_on_customer", actor=actor, text=reason)
    complaint.paused_at = timezone.now()
    complaint.save()
    return complaint


def _resume_clock(complaint: Complaint) -> None:
    """Push every deadline later by the business time spent waiting on the customer."""
    calendar = BusinessCalendar.load()
    paused = calendar.business_minutes_between(complaint.paused_at, timezone.now())
    for field in ("first_response_due", "next_update_due", "resolution_due"):
        due = getattr(complaint, field)
        if due is not None:
            setattr(complaint, field, calendar.add_business_minutes(due, paused))
    if paused:
        # The deadlines moved: like any new due time, they restart the ladder's clocks.
        for clock in ("first_response", "update", "resolution"):
            setattr(complaint, f"{clock}_notified_at", None)
            setattr(complaint, f"{clock}_escalated_at", None)
    complaint.paused_minutes += paused
    complaint.paused_at = None


@transaction.atomic
def add_note(*, actor, complaint: Complaint, text: str) -> ComplaintUpdate:
    """Add an internal note to the timeline; anyone who works complaints may."""
    require(actor.has_perm("complaints.add_complaintupdate"), _("You may not add notes."))
    return _record(complaint, actor=actor, kind=ComplaintUpdate.Kind.NOTE, text=text)


@transaction.atomic
def record_customer_update(
    *, actor, complaint: Complaint, channel: str, text: str, expected_version=None
) -> Complaint:
    """Record that the customer was told where things stand; the update clock starts again."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    if not complaint.is_active:
        raise IllegalTransition(_("The complaint is resolved: use the check-in instead."))
    now = timezone.now()
    # Judged before a pause ends: an update while the clock is paused (the customer answered)
    # is on time whatever the clock said before the pause.
    due = complaint.next_update_due
    _record(
        complaint,
        actor=actor,
        kind=ComplaintUpdate.Kind.CUSTOMER_UPDATE,
        text=text,
        channel=channel,
        on_time=complaint.is_paused or due is None or now <= due,
    )
    if complaint.status == Status.NEW:
        _move(complaint, "acknowledge", actor=actor)
        complaint.acknowledged_at = now
    if complaint.is_paused:
        # The customer answered: waiting is over.
        _move(complaint, "investigate", actor=actor)
        _resume_clock(complaint)
    interval = sla_minutes(complaint.severity)[1]
    complaint.next_update_due = BusinessCalendar.load().add_business_minutes(now, interval)
    complaint.update_notified_at = None
    complaint.update_escalated_at = None
    complaint.save()
    return complaint


@transaction.atomic
def set_promised_time(
    *, actor, complaint: Complaint, promised_by: datetime, reason: str = "", expected_version=None
) -> Complaint:
    """Record the time promised to the customer; moving it needs a reason."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    if not complaint.is_active:
        raise IllegalTransition(_("The complaint is resolved; there is nothing left to promise."))
    if complaint.promised_by and not reason.strip():
        raise ComplaintError(_("Say why the promised time moves."))
    old = complaint.promised_by
    complaint.promised_by = promised_by
    text = _("Promised by %(new)s.") % {"new": f"{timezone.localtime(promised_by):%a %d %b %H:%M}"}
    if old:
        text = _("Promise moved from %(old)s to %(new)s: %(reason)s") % {
            "old": f"{timezone.localtime(old):%a %d %b %H:%M}",
            "new": f"{timezone.localtime(promised_by):%a %d %b %H:%M}",
            "reason": reason,
        }
    # The message that tells the customer is the record that they were told.
    told = messages.tell_promise(complaint, moved=old is not None, reason=reason)
    _record(complaint, actor=actor, kind=ComplaintUpdate.Kind.PROMISE, text=text, message=told)
    complaint.save()
    return complaint


# --- Remedies within authority ---------------------------------------------------------------


def check_remedy(kind: str, amount: Decimal | None) -> None:
    """Refuse a remedy whose amount does not fit its kind.

    Money kinds need an amount; an apology never has one (money never rides on a free kind);
    "other" may have one, then counted against the limit for "other". The form says the same,
    but a forged or buggy caller reaches this too, so every figure is checked here.
    """
    if kind not in RemedyKind.values:
        raise ComplaintError(_("Choose a remedy from the list."))
    if amount is None:
        if kind in MONEY_REMEDIES:
            raise ComplaintError(_("Say how much this remedy is worth."))
        return
    if kind in FREE_REMEDIES:
        raise ComplaintError(
            _("An apology carries no amount; a gesture that costs money is “other”.")
        )
    check_amount(amount)


def check_amount(amount) -> None:
    """Refuse an amount that is no sane figure for a remedy (see is_remedy_amount)."""
    if is_remedy_amount(amount):
        return
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise ComplaintError(_("The amount must be a number."))
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ComplaintError(_("The amount must be a number."))
    if amount <= 0:
        raise ComplaintError(_("The amount must be more than zero."))
    if amount > MAX_REMEDY_AMOUNT:
        raise ComplaintError(_("That amount is beyond any remedy; check the figure."))
    raise ComplaintError(_("Give the amount in whole cents (two decimal places at most)."))


def build_remedy(
    *,
    complaint: Complaint,
    kind: str,
    amount: Decimal | None,
    proposer,
    authority: Authority,
    at: datetime,
    description: str = "",
) -> Remedy:
    """Return the unsaved remedy propose_remedy saves: approved at once within the proposer's
    authority, else proposed for someone above it to decide."""
    within = authority.covers(kind, amount)
    return Remedy(
        complaint=complaint,
        kind=kind,
        amount=amount,
        description=description,
        proposed_by=proposer,
        proposed_at=at,
        decision=Remedy.Decision.APPROVED if within else Remedy.Decision.PROPOSED,
        auto_approved=within,
        decided_by=proposer if within else None,
        decided_at=at if within else None,
    )


@transaction.atomic
def propose_remedy(
    *,
    actor,
    complaint: Complaint,
    kind: str,
    amount: Decimal | None,
    description: str = "",
    expected_version=None,
) -> Remedy:
    """Offer a remedy: approved at once within the actor's authority, else sent for approval."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    check_remedy(kind, amount)
    now = timezone.now()
    remedy = build_remedy(
        complaint=complaint,
        kind=kind,
        amount=amount,
        description=description,
        proposer=actor,
        authority=authority_of(actor),
        at=now,
    )
    remedy.save()
    within = remedy.auto_approved
    if complaint.status == Status.NEW:
        complaint.acknowledged_at = now
    if within:
        _move(complaint, "propose_remedy", actor=actor)
        text = _("%(remedy)s approved within %(name)s's authority.")
    else:
        _move(complaint, "await_approval", actor=actor)
        text = _("%(remedy)s proposed by %(name)s; above their authority, sent for approval.")
    _record(
        complaint,
        actor=actor,
        kind=ComplaintUpdate.Kind.REMEDY,
        text=text % {"remedy": remedy, "name": person_name(actor)},
    )
    complaint.save()
    if not within:
        for person in approvers_for(remedy):
            notify(
                user=person,
                subject=_("Approval needed: %(remedy)s on %(reference)s")
                % {"remedy": remedy, "reference": complaint.reference},
                body=description or complaint.customer_words,
                path=complaint.get_absolute_url(),
            )
    return remedy


@transaction.atomic
def decide_remedy(*, actor, remedy: Remedy, approve: bool, note: str = "") -> Remedy:
    """Approve or reject a remedy above its proposer's authority; the proposer is told."""
    # Lock the complaint before the remedy, in the same order as every other service.
    complaint = _locked(remedy.complaint, actor=actor, expected_version=None, must_act=False)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    require(remedy.proposed_by_id != actor.pk, _("Nobody approves their own proposal."))
    require(
        authority_of(actor).covers(remedy.kind, remedy.amount),
        _("This remedy is above your authority too."),
    )
    if remedy.decision != Remedy.Decision.PROPOSED:
        raise ComplaintError(_("This remedy was decided already."))
    _move(complaint, "decide_remedy", actor=actor)
    remedy.decision = Remedy.Decision.APPROVED if approve else Remedy.Decision.REJECTED
    remedy.decided_by = actor
    remedy.decided_at = timezone.now()
    remedy.decision_note = note
    remedy.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    verdict = _("approved") if approve else _("rejected")
    _record(
        complaint,
        actor=actor,
        kind=ComplaintUpdate.Kind.REMEDY,
        text=_("%(remedy)s %(verdict)s by %(name)s. %(note)s")
        % {"remedy": remedy, "verdict": verdict, "name": person_name(actor), "note": note},
    )
    complaint.save()
    notify(
        user=remedy.proposed_by,
        subject=_("%(remedy)s %(verdict)s on %(reference)s")
        % {"remedy": remedy, "verdict": verdict, "reference": complaint.reference},
        body=note,
        path=complaint.get_absolute_url(),
    )
    return remedy


@transaction.atomic
def deliver_remedy(*, actor, remedy: Remedy, expected_version=None) -> Remedy:
    """Record that an approved remedy reached the customer."""
    complaint = _locked(remedy.complaint, actor=actor, expected_version=expected_version)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.decision != Remedy.Decision.APPROVED:
        raise ComplaintError(_("Only an approved remedy can be delivered."))
    _move(complaint, "deliver_remedy", actor=actor)
    remedy.decision = Remedy.Decision.DELIVERED
    remedy.delivered_at = timezone.now()
    remedy.save(update_fields=["decision", "delivered_at"])
    _record(
        complaint,
        actor=actor,
        kind=ComplaintUpdate.Kind.REMEDY,
        text=_("%(remedy)s delivered.") % {"remedy": remedy},
    )
    complaint.save()
    messages.tell_remedy_delivered(complaint, remedy)
    return remedy


# --- Follow-through -----------------------------------------------------------------------------


@transaction.atomic
def resolve(
    *, actor, complaint: Complaint, note: str = "", no_remedy: bool = False, expected_version=None
) -> Complaint:
    """Resolve the complaint and schedule the check-in weeks later ("did the fix hold?")."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    remedies = complaint.remedies.all()
    if remedies.filter(decision=Remedy.Decision.APPROVED).exists():
        raise ComplaintError(_("Deliver the approved remedy before resolving."))
    if not no_remedy and not remedies.filter(decision=Remedy.Decision.DELIVERED).exists():
        raise ComplaintError(
            _("Resolving needs a delivered remedy, or say that no remedy is given.")
        )
    _move(complaint, "resolve", actor=actor, text=note)
    now = timezone.now()
    complaint.resolved_at = now
    complaint.resolution_minutes = resolution_minutes(complaint, resolved_at=now)
    complaint.save()
    customer_services.add_follow_up(
        actor=actor, follow_up=build_check_in(complaint=complaint, actor=actor, resolved_at=now)
    )
    messages.tell_resolved(complaint, note=note)
    return complaint


def resolution_minutes(complaint: Complaint, *, resolved_at: datetime, calendar=None) -> int:
    """Return the business minutes from receipt to resolution, less the time paused."""
    calendar = calendar or BusinessCalendar.load()
    spent = calendar.business_minutes_between(complaint.received_at, resolved_at)
    return max(spent - complaint.paused_minutes, 0)


def build_check_in(*, complaint: Complaint, actor, resolved_at: datetime) -> FollowUp:
    """Return the unsaved after-resolution check-in resolving schedules, owned by the owner."""
    return customer_services.build_follow_up(
        customer=complaint.customer,
        owner=complaint.owner,
        kind=FollowUp.Kind.AFTER_RESOLUTION,
        subject=_("Check-in on %(reference)s: did the fix hold?")
        % {"reference": complaint.reference},
        due_at=resolved_at + timedelta(days=settings.COMPLAINT_CHECK_IN_DAYS),
        created_by=actor,
        source=complaint,
        now=resolved_at,
    )


def _check_closure(root_cause: RootCause | None, corrective_note: str) -> None:
    if root_cause is None or not corrective_note.strip():
        raise ComplaintError(_("Closing needs a root cause and a corrective note."))


@transaction.atomic
def record_check_in(
    *,
    actor,
    complaint: Complaint,
    satisfied: bool,
    rating: int,
    note: str = "",
    root_cause: RootCause | None = None,
    corrective_note: str = "",
    expected_version=None,
) -> Complaint:
    """Record the after-resolution check-in: satisfied closes the complaint, unhappy reopens it."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    if complaint.status != Status.RESOLVED:
        raise IllegalTransition(_("Only a resolved complaint has a check-in."))
    if not 1 <= rating <= 5:
        raise ComplaintError(_("Rate the handling from 1 to 5."))
    if satisfied:
        _check_closure(
            root_cause or complaint.root_cause, corrective_note or complaint.corrective_note
        )
    complaint.outcome_satisfied = satisfied
    complaint.handling_rating = rating
    complaint.checked_in_at = timezone.now()
    outcome = _("Satisfied") if satisfied else _("Not satisfied")
    _complete_check_ins(complaint, actor=actor, outcome=f"{outcome}. {note}".strip())
    if satisfied:
        _close(complaint, actor=actor, root_cause=root_cause, corrective_note=corrective_note)
    else:
        _reopen(complaint, actor=actor, reason=note or _("Not satisfied at the check-in."))
    complaint.save()
    return complaint


@transaction.atomic
def close(
    *,
    actor,
    complaint: Complaint,
    root_cause: RootCause,
    corrective_note: str,
    expected_version=None,
) -> Complaint:
    """Close a resolved complaint the customer is satisfied with, naming its root cause."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    complaint.check_can("close")
    _check_closure(root_cause, corrective_note)
    _complete_check_ins(complaint, actor=actor, outcome=_("Closed: the customer is satisfied."))
    _close(complaint, actor=actor, root_cause=root_cause, corrective_note=corrective_note)
    complaint.save()
    return complaint


def _close(complaint, *, actor, root_cause, corrective_note) -> None:
    _move(complaint, "close", actor=actor)
    handoffs.withdraw_handoffs(
        COMPLAINT_HANDOFFS, complaint, actor=actor, reason=_("The complaint was closed.")
    )
    now = timezone.now()
    complaint.root_cause = root_cause or complaint.root_cause
    complaint.corrective_note = corrective_note or complaint.corrective_note
    complaint.closed_at = now
    complaint.satisfied_at = now


@transaction.atomic
def reopen(*, actor, complaint: Complaint, reason: str, expected_version=None) -> Complaint:
    """Reopen a resolved or closed complaint: the customer is not satisfied after all."""
    complaint = _locked(complaint, actor=actor, expected_version=expected_version)
    if not reason.strip():
        raise ComplaintError(_("Say why the complaint is reopened."))
    _cancel_check_ins(complaint)
    _reopen(complaint, actor=actor, reason=reason)
    complaint.save()
    return complaint


def _reopen(complaint, *, actor, reason) -> None:
    _move(complaint, "reopen", actor=actor, text=reason)
    now = timezone.now()
    calendar = BusinessCalendar.load()
    _response, update, resolution = sla_minutes(complaint.severity)
    complaint.resolved_at = None
    complaint.resolution_minutes = None
    complaint.closed_at = None
    complaint.satisfied_at = None
    complaint.next_update_due = calendar.add_business_minutes(now, update)
    complaint.resolution_due = calendar.add_business_minutes(now, resolution)
    for field in ("update", "resolution"):
        setattr(complaint, f"{field}_notified_at", None)
        setattr(complaint, f"{field}_escalated_at", None)


def _check_ins(complaint):
    return FollowUp.objects.open().filter(
        kind=FollowUp.Kind.AFTER_RESOLUTION,
        source_type__app_label="complaints",
        source_type__model="complaint",
        source_id=complaint.pk,
    )


def _complete_check_ins(complaint, *, actor, outcome: str) -> None:
    _check_ins(complaint).update(
        status=FollowUp.Status.DONE,
        completed_at=timezone.now(),
        completed_by=actor,
        outcome=outcome,
    )


def _cancel_check_ins(complaint) -> None:
    _check_ins(complaint).update(status=FollowUp.Status.CANCELLED)


# --- Handoffs ------------------------------------------------------------------------------------


class ComplaintHandoffs(HandoffKind):
    """What the handoff flow (crm/handoffs.py) needs to know about complaints."""

    model = ComplaintHandoff
    error = ComplaintError
    accepted_text = gettext_lazy("Accepted: the complaint is yours now.")

    def lock(self, subject, *, expected_version=None):
        return _locked(subject, actor=None, expected_version=expected_version, must_act=False)

    def finished(self, subject) -> str:
        # Any status but closed may change hands. A resolved complaint still has its check-in
        # ahead, which needs an owner: the receiver takes it over with the complaint. A closed
        # one has nothing left to own; reopen it first if the customer came back.
        if subject.can_change_hands:
            return ""
        return _("Complaint %(reference)s is closed: there is nothing left to take over.") % {
            "reference": subject.reference
        }

    offer_forbidden = gettext_lazy("Only the complaint's owner or a supervisor may.")

    def may_offer(self, actor, subject) -> bool:
        return may_act_on(actor, subject)

    def check_offer(self, subject, *, to_user, fields) -> dict:
        if not (to_user.is_active and to_user.has_perm("complaints.change_complaint")):
            raise ComplaintError(
                _("%(name)s cannot take complaints.") % {"name": person_name(to_user)}
            )
        return {}

    def offered(self, subject, handoff, *, actor) -> None:
        subject.save()  # the version _locked moved: the page of anyone else is stale now

    def take_over(self, subject, handoff, *, actor, now) -> None:
        subject.owner = actor
        # The new owner hears afresh of a deadline already missed, as with a reassigned
        # follow-up: the ladder starts again for them.
        for clock in ("first_response", "update", "resolution"):
            setattr(subject, f"{clock}_notified_at", None)
            setattr(subject, f"{clock}_escalated_at", None)
        subject.save()
        # As with any reassignment, the new owner hears afresh of a check-in already overdue.
        _check_ins(subject).update(
            owner=actor, assigned_at=now, overdue_notified_at=None, escalated_at=None
        )

    def offer_subject(self, subject) -> str:
        return _("Will you take complaint %(reference)s?") % {"reference": subject.reference}

    def decline_subject(self, handoff, *, actor) -> str:
        return _("%(name)s declined complaint %(reference)s") % {
            "name": person_name(actor),
            "reference": handoff.complaint.reference,
        }

    def record(self, subject, *, actor, text: str) -> None:
        _record(subject, actor=actor, kind=ComplaintUpdate.Kind.REASSIGNMENT, text=text)


COMPLAINT_HANDOFFS = ComplaintHandoffs()


def build_handoff(*, complaint: Complaint, to_user, note: str, at: datetime) -> ComplaintHandoff:
    """Return the unsaved offer offer_handoff saves: from the owner now, to to_user."""
    return handoffs.build_offer(
        COMPLAINT_HANDOFFS, subject=complaint, to_user=to_user, note=note, at=at
    )


def offer_handoff(
    *, actor, complaint: Complaint, to_user, note: str, expected_version=None
) -> ComplaintHandoff:
    """Offer the complaint to someone else; the actor stays owner until they accept."""
    return handoffs.offer_handoff(
        COMPLAINT_HANDOFFS,
        actor=actor,
        subject=complaint,
        to_user=to_user,
        note=note,
        expected_version=expected_version,
    )


def accept_handoff(*, actor, handoff: ComplaintHandoff) -> Complaint:
    """Take the complaint over: from now on the receiver owns it (not once it is closed)."""
    return handoffs.accept_handoff(COMPLAINT_HANDOFFS, actor=actor, handoff=handoff)


def decline_handoff(*, actor, handoff: ComplaintHandoff, reason: str) -> ComplaintHandoff:
    """Decline the complaint; it stays with the sender, who is told why."""
    return handoffs.decline_handoff(
        COMPLAINT_HANDOFFS, actor=actor, handoff=handoff, reason=reason
    )
