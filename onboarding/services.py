"""Running onboardings: start from a template, complete steps, hand off between teams, finish.

Every service checks the actor (views check too; a forged post reaches the service), runs in
one transaction and returns the main object. Refusals raise OnboardingError or PermissionDenied.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from crm import handoffs
from crm.calendar import BusinessCalendar
from crm.handoffs import HandoffKind
from crm.notices import notify
from crm.people import require
from customers import services as customer_services
from customers.models import Customer, FollowUp
from customers.text import person_name
from onboarding.models import (
    ChecklistTemplate,
    Handoff,
    Onboarding,
    OnboardingStep,
    TemplateStep,
)

MANAGE_ANY_ONBOARDING = "onboarding.manage_any_onboarding"
PREFERENCE_FIELDS = (
    "preferred_channel",
    "contact_days",
    "contact_from",
    "contact_until",
    "interests",
)


class OnboardingError(Exception):
    """The onboarding cannot take this change, for a reason the person can act on."""


def may_manage(user, onboarding: Onboarding) -> bool:
    """Tell whether the user may steer the onboarding: its owner or a supervisor."""
    return user.is_active and (
        onboarding.owner_id == user.pk or user.has_perm(MANAGE_ANY_ONBOARDING)
    )


def may_complete(user, step: OnboardingStep) -> bool:
    """Tell whether the user may complete the step: its assignee, or whoever steers it."""
    return user.is_active and (step.assignee_id == user.pk or may_manage(user, step.onboarding))


def in_group(user, group) -> bool:
    return user.groups.filter(pk=group.pk).exists()


# --- Starting ---------------------------------------------------------------------------------


@transaction.atomic
def start_onboarding(
    *,
    actor,
    customer: Customer,
    template: ChecklistTemplate,
    owner,
    assignees: Mapping[int, object] | None = None,
    now: datetime | None = None,
) -> Onboarding:
    """Start welcoming the customer by the template; its steps are copied as they are now.

    ``assignees`` maps a group's pk to the person doing that group's steps; a group without
    one falls to the owner.
    """
    require(actor.has_perm("onboarding.add_onboarding"), _("You may not start onboardings."))
    if not template.is_active:
        raise OnboardingError(
            _("The template “%(name)s” is no longer in use.") % {"name": template}
        )
    steps = list(template.steps.select_related("group").order_by("position", "pk"))
    if not steps:
        raise OnboardingError(_("The template “%(name)s” has no steps.") % {"name": template})
    if not owner.is_active:
        raise OnboardingError(
            _("%(name)s cannot own an onboarding.") % {"name": person_name(owner)}
        )
    assignees = assignees or {}
    groups = {step.group_id: step.group for step in steps}
    for group_id, person in assignees.items():
        if group_id in groups and not (person.is_active and in_group(person, groups[group_id])):
            raise OnboardingError(
                _("%(name)s is not in %(group)s.")
                % {"name": person_name(person), "group": groups[group_id].name}
            )
    onboarding, copies = build_onboarding(
        customer=customer,
        template=template,
        steps=steps,
        owner=owner,
        actor=actor,
        assignees=assignees,
        now=now or timezone.now(),
        calendar=BusinessCalendar.load(),
    )
    try:
        with transaction.atomic():
            onboarding.save()
    except IntegrityError:
        raise OnboardingError(
            _("%(customer)s is being onboarded already.") % {"customer": customer}
        ) from None
    bulk_create_with_history(copies, OnboardingStep, default_user=actor)
    if customer.status == Customer.Status.PROSPECT:
        _set_customer_status(customer, Customer.Status.ONBOARDING)
    for person in {copy.assignee for copy in copies} - {actor}:
        notify(
            user=person,
            subject=_("Onboarding %(customer)s: you have steps") % {"customer": customer},
            body=_("%(actor)s started onboarding %(customer)s and gave you steps in it.")
            % {"actor": person_name(actor), "customer": customer},
            path=onboarding.get_absolute_url(),
        )
    return onboarding


def build_onboarding(
    *,
    customer: Customer,
    template: ChecklistTemplate,
    steps: Sequence[TemplateStep],
    owner,
    actor,
    now: datetime,
    calendar: BusinessCalendar,
    assignees: Mapping[int, object] | None = None,
) -> tuple[Onboarding, list[OnboardingStep]]:
    """Return the unsaved onboarding start_onboarding saves, with its copies of the steps.

    ``steps`` are the template's, in order. Each copy is due its business days after the start
    and falls to the person named for its group, else to the owner. Demo and scale data build
    theirs here too, so the snapshot is taken the same way for them.
    """
    assignees = assignees or {}
    onboarding = Onboarding(
        customer=customer,
        template=template,
        name=f"{template.name}: {customer.name}"[:200],
        owner=owner,
        started_at=now,
        last_progress_at=now,
        started_by=actor,
    )
    copies = [
        OnboardingStep(
            onboarding=onboarding,
            position=index,
            title=step.title,
            instructions=step.instructions,
            group_id=step.group_id,
            due_after_days=step.due_after_days,
            is_required=step.is_required,
            is_handoff_point=step.is_handoff_point,
            captures_preferences=step.captures_preferences,
            assignee=assignees.get(step.group_id) or owner,
            due_at=calendar.add_business_days(now, step.due_after_days),
        )
        for index, step in enumerate(steps, start=1)
    ]
    onboarding.target_at = max(copy.due_at for copy in copies)
    return onboarding, copies


def _set_customer_status(customer: Customer, status: str, **fields) -> None:
    customer.status = status
    for field, value in fields.items():
        setattr(customer, field, value)
    customer.version += 1
    customer.save(update_fields=["status", "version", *fields])


def _stop_steps(onboarding: Onboarding) -> None:
    """Mark the steps of an onboarding that ended, so no one's My day walks its open ones."""
    onboarding.steps.filter(onboarding_running=True).update(onboarding_running=False)


def _locked(onboarding: Onboarding) -> Onboarding:
    locked = (
        Onboarding.objects.select_for_update().select_related("customer").get(pk=onboarding.pk)
    )
    if not locked.is_active:
        raise OnboardingError(
            _("This onboarding is %(status)s.") % {"status": locked.get_status_display().lower()}
        )
    return locked


# --- Steps --------------------------------------------------------------------------------------


@transaction.atomic
def complete_step(
    *,
    actor,
    step: OnboardingStep,
    note: str = "",
    preferences: Mapping[str, object] | None = None,
) -> OnboardingStep:
    """Mark the step done; a preferences step also saves what the customer told us."""
    onboarding = _locked(step.onboarding)
    step = OnboardingStep.objects.select_for_update().get(pk=step.pk)
    step.onboarding = onboarding
    require(may_complete(actor, step), _("This step is someone else's."))
    if step.is_done:
        raise OnboardingError(_("This step is done already."))
    if step.is_handoff_point:
        raise OnboardingError(_("This step is done by handing the onboarding over."))
    if step.captures_preferences:
        _save_preferences(onboarding.customer, preferences or {})
    now = timezone.now()
    step.done_at = now
    step.done_by = actor
    step.note = note
    step.save(update_fields=["done_at", "done_by", "note"])
    _progress(onboarding, actor=actor, now=now)
    return step


def _save_preferences(customer: Customer, preferences: Mapping[str, object]) -> None:
    missing = [
        label
        for field, label in (
            ("preferred_channel", _("preferred channel")),
            ("contact_from", _("contact window start")),
            ("contact_until", _("contact window end")),
            ("interests", _("interests")),
        )
        if not preferences.get(field)
    ]
    if missing:
        raise OnboardingError(
            _("This step records the customer's preferences; fill in: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    if preferences["contact_until"] <= preferences["contact_from"]:
        raise OnboardingError(_("The contact window must end after it starts."))
    for field in PREFERENCE_FIELDS:
        if field in preferences:
            setattr(customer, field, preferences[field])
    customer.version += 1
    customer.save(update_fields=[*PREFERENCE_FIELDS, "version"])


def _progress(onboarding: Onboarding, *, actor, now: datetime) -> None:
    """Note progress; when every required step is done, complete the onboarding."""
    onboarding.last_progress_at = now
    # Progress restarts the stall clock: a later stall is told afresh.
    onboarding.stall_notified_at = None
    onboarding.stall_escalated_at = None
    marks = ["last_progress_at", "stall_notified_at", "stall_escalated_at", "owner"]
    if onboarding.steps.filter(is_required=True, done_at__isnull=True).exists():
        onboarding.save(update_fields=marks)
        return
    onboarding.status = Onboarding.Status.COMPLETED
    onboarding.completed_at = now
    onboarding.save(update_fields=[*marks, "status", "completed_at"])
    _stop_steps(onboarding)
    # An optional handoff step may still be on offer: nothing is left to take over.
    handoffs.withdraw_handoffs(
        ONBOARDING_HANDOFFS,
        onboarding,
        actor=actor,
        now=now,
        reason=_("The onboarding was completed."),
    )
    customer = onboarding.customer
    _set_customer_status(
        customer,
        Customer.Status.ACTIVE,
        became_customer_on=customer.became_customer_on or timezone.localdate(now),
    )
    customer_services.add_follow_up(
        actor=actor, follow_up=build_check_in(onboarding=onboarding, actor=actor)
    )


def build_check_in(*, onboarding: Onboarding, actor) -> FollowUp:
    """Return the unsaved after-onboarding check-in completing schedules, for the owner."""
    completed = onboarding.completed_at
    return customer_services.build_follow_up(
        customer=onboarding.customer,
        owner=onboarding.owner,
        kind=FollowUp.Kind.AFTER_ONBOARDING,
        subject=_("Check in with %(customer)s after onboarding")
        % {"customer": onboarding.customer},
        # Days on the local clock: across a daylight-saving change the check-in keeps its hour.
        due_at=timezone.localtime(completed) + timedelta(days=settings.ONBOARDING_CHECK_IN_DAYS),
        created_by=actor,
        source=onboarding,
        now=completed,
    )


@transaction.atomic
def cancel_onboarding(*, actor, onboarding: Onboarding, reason: str) -> Onboarding:
    """Stop the onboarding, saying why; a handoff waiting for an answer is withdrawn."""
    onboarding = _locked(onboarding)
    # Judged on the locked row: the caller's copy may predate an accepted handoff.
    require(may_manage(actor, onboarding), _("Only the owner or a supervisor may cancel."))
    if not reason.strip():
        raise OnboardingError(_("Say why the onboarding is cancelled."))
    now = timezone.now()
    onboarding.status = Onboarding.Status.CANCELLED
    onboarding.cancelled_at = now
    onboarding.cancel_reason = reason
    onboarding.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    _stop_steps(onboarding)
    handoffs.withdraw_handoffs(
        ONBOARDING_HANDOFFS,
        onboarding,
        actor=actor,
        now=now,
        reason=_("The onboarding was cancelled."),
    )
    return onboarding


# --- Handoffs ----------------------------------------------------------------------------------


def next_group(step: OnboardingStep):
    """Return the group that takes over after a handoff step: the next step's group."""
    following = (
        OnboardingStep.objects.filter(onboarding_id=step.onboarding_id, position__gt=step.position)
        .select_related("group")
        .order_by("position", "pk")
        .first()
    )
    return following.group if following else None


class OnboardingHandoffs(HandoffKind):
    """What the handoff flow (crm/handoffs.py) needs to know about onboardings."""

    model = Handoff
    error = OnboardingError
    accepted_text = gettext_lazy("Accepted: the onboarding is yours now.")

    def lock(self, subject, *, expected_version=None):
        return Onboarding.objects.select_for_update().select_related("customer").get(pk=subject.pk)

    def finished(self, subject) -> str:
        # A completed or cancelled onboarding has nobody to hand to.
        if subject.is_active:
            return ""
        return _("This onboarding is %(status)s.") % {
            "status": subject.get_status_display().lower()
        }

    def may_offer(self, actor, subject) -> bool:
        return may_manage(actor, subject)

    def check_offer(self, subject, *, to_user, fields) -> dict:
        step = OnboardingStep.objects.select_related("group").get(
            pk=fields["step"].pk, onboarding=subject
        )
        if not step.is_handoff_point or step.is_done:
            raise OnboardingError(_("Hand the onboarding over at an open handoff step."))
        group = next_group(step)
        if group is None or not (to_user.is_active and in_group(to_user, group)):
            raise OnboardingError(
                _("%(name)s is not in %(group)s, the team that takes over.")
                % {"name": person_name(to_user), "group": group or _("the next team")}
            )
        return {"step": step}

    def take_over(self, subject, handoff, *, actor, now) -> None:
        handoff.onboarding = subject
        handoff.step = OnboardingStep.objects.get(pk=handoff.step_id)
        step = take_over(handoff, at=now)
        step.save(update_fields=["done_at", "done_by", "note"])
        # Steps of the receiving team that nobody was named for now fall to the new owner.
        falling = list(
            subject.steps.filter(
                done_at__isnull=True, assignee=handoff.from_user, position__gt=step.position
            )
        )
        for later_step in falling:
            later_step.assignee = actor
        bulk_update_with_history(falling, OnboardingStep, ["assignee"], default_user=actor)
        _progress(subject, actor=actor, now=now)

    def offer_subject(self, subject) -> str:
        return _("Will you take over onboarding %(customer)s?") % {"customer": subject.customer}

    def decline_subject(self, handoff, *, actor) -> str:
        return _("%(name)s declined the onboarding of %(customer)s") % {
            "name": person_name(actor),
            "customer": handoff.onboarding.customer,
        }


ONBOARDING_HANDOFFS = OnboardingHandoffs()


def build_handoff(
    *, onboarding: Onboarding, step: OnboardingStep, to_user, note: str, at: datetime
) -> Handoff:
    """Return the unsaved offer offer_handoff saves: the owner offers it at the handoff step."""
    return handoffs.build_offer(
        ONBOARDING_HANDOFFS, subject=onboarding, to_user=to_user, note=note, at=at, step=step
    )


def take_over(handoff: Handoff, *, at: datetime) -> OnboardingStep:
    """Apply an accepted handoff to the unsaved rows: the receiver owns the onboarding and the
    handoff step is done by the sender, with the handoff's note; return that step."""
    handoff.accepted_at = at
    step = handoff.step
    step.done_at = at
    step.done_by = handoff.from_user
    step.note = handoff.note
    handoff.onboarding.owner = handoff.to_user
    return step


def offer_handoff(*, actor, step: OnboardingStep, to_user, note: str) -> Handoff:
    """Offer the onboarding to a person of the next group; the owner stays accountable."""
    return handoffs.offer_handoff(
        ONBOARDING_HANDOFFS,
        actor=actor,
        subject=step.onboarding,
        to_user=to_user,
        note=note,
        step=step,
    )


def accept_handoff(*, actor, handoff: Handoff) -> Onboarding:
    """Take the onboarding over: the receiver owns it and the handoff step is done."""
    return handoffs.accept_handoff(ONBOARDING_HANDOFFS, actor=actor, handoff=handoff)


def decline_handoff(*, actor, handoff: Handoff, reason: str) -> Handoff:
    """Decline the onboarding; it stays with the sender, who is told why."""
    return handoffs.decline_handoff(
        ONBOARDING_HANDOFFS, actor=actor, handoff=handoff, reason=reason
    )


# --- Stalls -------------------------------------------------------------------------------------


def stalled_since(now: datetime, calendar: BusinessCalendar | None = None) -> datetime:
    """Return the moment ONBOARDING_STALL_DAYS business days before now.

    An onboarding whose last progress is older than this has stalled.
    """
    calendar = calendar or BusinessCalendar.load()
    day: date = timezone.localtime(now).date()
    counted = 0
    # Walk back whole days; closed days do not count (a weekend is no stall).
    for _step in range(366 * 3):
        if counted >= settings.ONBOARDING_STALL_DAYS:
            break
        day -= timedelta(days=1)
        if calendar.always_open or calendar.is_business_day(day):
            counted += 1
    start = timezone.localtime(now)
    return start.replace(year=day.year, month=day.month, day=day.day)
