"""Synthetic onboardings in bulk, the onboarding app's step of ``manage.py seed_scale``.

About one customer in ten gets an onboarding with the steps of the "New customer" template
copied into it. Which kind follows the customer's lifecycle: customers being onboarded have a
running one (some waiting on a handoff, some stalled), active customers a completed one with its
after-onboarding check-in, prospects and former customers a cancelled one. Rows are built and
go in like the customers' (see customers.scale).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from crm.bulk import insert_rows
from crm.calendar import BusinessCalendar
from customers.models import Customer, FollowUp, FollowUpReschedule
from customers.scale import ScaleBatch, ScaleStep
from customers.services import mark_done
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep, TemplateStep
from onboarding.services import (
    build_check_in,
    build_handoff,
    build_onboarding,
    stalled_since,
    take_over,
)

Status = Onboarding.Status
TEMPLATE_NAME = "New customer"
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
# The chance that a customer has an onboarding, by lifecycle status. Weighted by how many
# customers the customers step puts in each status, about one in ten overall: half of those
# being onboarded, a few of the rest.
CHANCE = {
    Customer.Status.ONBOARDING: 0.5,
    Customer.Status.ACTIVE: 0.06,
    Customer.Status.PROSPECT: 0.045,
    Customer.Status.FORMER: 0.045,
}
STALLED_SHARE = 0.2  # of the running onboardings
PENDING_SHARE = 0.5  # of the running ones that reached the handoff step
HANDOFF_NOTES = [
    "Promised a call about reorders in the first week of the month.",
    "They expect the standing order to start next Tuesday; invoice to the office manager.",
    "Keen on barista training; said we would book it in the first month.",
]
CANCEL_REASONS = [
    "They changed their mind before the first delivery.",
    "Budget frozen until next quarter; kept as a prospect.",
    "Went with another supplier after the tasting.",
]
STEP_NOTE = "Done as agreed."
CHECK_IN_OUTCOME = "Happy a month on."


@dataclass(frozen=True)
class _Setting:
    """What every onboarding of a batch is copied from, read once per batch."""

    template: ChecklistTemplate
    steps: list[TemplateStep]
    handoff_index: int | None
    calendar: BusinessCalendar

    @classmethod
    def load(cls) -> "_Setting | None":
        template = (
            ChecklistTemplate.objects.filter(name=TEMPLATE_NAME).first()
            or ChecklistTemplate.objects.filter(is_active=True, steps__isnull=False).first()
        )
        steps = list(template.steps.order_by("position", "pk")) if template else []
        if not steps:
            return None
        handoffs = [i for i, step in enumerate(steps[:-1]) if step.is_handoff_point]
        return cls(template, steps, handoffs[0] if handoffs else None, BusinessCalendar.load())

    def receiving_groups(self, receiver) -> dict[int, object]:
        """Map the groups of the steps after the handoff step to the person taking over."""
        if self.handoff_index is None:
            return {}
        return {step.group_id: receiver for step in self.steps[self.handoff_index + 1 :]}


@dataclass
class _Draft:
    onboarding: Onboarding
    steps: list[OnboardingStep]
    handoffs: list[Handoff]


def seed_onboardings(batch: ScaleBatch) -> dict[str, int]:
    """Give about one customer of the batch in ten an onboarding, with its steps and handoffs."""
    setting = _Setting.load()
    if setting is None:
        return {"onboardings": 0}
    rng, now = batch.rng, batch.now
    stall_line = stalled_since(now, setting.calendar)
    drafts = [
        _draft(customer, rng, now, stall_line, setting, batch.staff)
        for customer in batch.customers
        if rng.random() < CHANCE.get(customer.status, 0)
    ]
    onboardings = [draft.onboarding for draft in drafts]
    insert_rows(Onboarding, onboardings, keys=True)
    # The steps and handoffs point at their onboarding (and step) objects, saved by now.
    steps = [step for draft in drafts for step in draft.steps]
    insert_rows(OnboardingStep, steps, keys=True)
    handoffs = [handoff for draft in drafts for handoff in draft.handoffs]
    insert_rows(Handoff, handoffs)
    check_ins = _check_ins(onboardings, now)
    insert_rows(FollowUp, check_ins)
    return {
        "onboardings": len(onboardings),
        "onboarding steps": len(steps),
        "handoffs": len(handoffs),
        "onboarding check-ins": len(check_ins),
    }


def _draft(
    customer: Customer,
    rng: random.Random,
    now: datetime,
    stall_line: datetime,
    setting: _Setting,
    staff: list,
) -> _Draft:
    owner = customer.account_owner or rng.choice(staff)
    # Someone else takes over at the handoff: the next of the scale staff.
    receiver = staff[(_index_of(staff, owner.pk) + 1) % len(staff)]
    if customer.status == Customer.Status.ONBOARDING:
        status = Status.ACTIVE
        started = now - timedelta(seconds=rng.randrange(30 * 24 * 3600))
    else:
        status = (
            Status.COMPLETED if customer.status == Customer.Status.ACTIVE else Status.CANCELLED
        )
        started = now - timedelta(days=rng.randint(45, 720))
    # Never before the customer was on our books.
    started = min(max(started, customer.created_at + HOUR), now - HOUR)
    onboarding, steps = build_onboarding(
        customer=customer,
        template=setting.template,
        steps=setting.steps,
        owner=owner,
        actor=owner,
        # The groups of the steps after the handoff are the receiver's.
        assignees=setting.receiving_groups(receiver),
        now=started,
        calendar=setting.calendar,
    )
    onboarding.status = status
    for step in steps:
        step.onboarding_running = status == Status.ACTIVE
    # How many steps are done, in order, and when the last of them was: lately for a running
    # one (long ago for a stalled one), some weeks after the start for the others.
    done = len(steps) if status == Status.COMPLETED else rng.randint(0, len(steps) - 1)
    if status == Status.ACTIVE:
        stalled = rng.random() < STALLED_SHARE and started < stall_line - DAY
        end = stall_line - DAY if stalled else now - MINUTE * rng.randint(1, 600)
    else:
        end = started + timedelta(days=rng.randint(20, 44))
    end = min(max(end, started), now - MINUTE)
    handoffs: list[Handoff] = []
    for index, step in enumerate(steps[:done]):
        at = started + (end - started) * (index + 1) / done
        if step.is_handoff_point:
            handoff = build_handoff(
                onboarding=onboarding,
                step=step,
                to_user=receiver,
                note=rng.choice(HANDOFF_NOTES),
                at=at - HOUR,
            )
            take_over(handoff, at=at)
            handoffs.append(handoff)
        else:
            step.done_at, step.done_by, step.note = at, step.assignee, STEP_NOTE
    onboarding.last_progress_at = steps[done - 1].done_at if done else started
    if status == Status.ACTIVE and setting.handoff_index == done and rng.random() < PENDING_SHARE:
        handoffs.append(
            build_handoff(
                onboarding=onboarding,
                step=steps[done],
                to_user=receiver,
                note=rng.choice(HANDOFF_NOTES),
                at=min(now - MINUTE, onboarding.last_progress_at + HOUR),
            )
        )
    if status == Status.COMPLETED:
        onboarding.completed_at = onboarding.last_progress_at
    elif status == Status.CANCELLED:
        onboarding.cancelled_at = min(
            onboarding.last_progress_at + timedelta(days=rng.randint(1, 5)), now - MINUTE
        )
        onboarding.cancel_reason = rng.choice(CANCEL_REASONS)
    return _Draft(onboarding, steps, handoffs)


def _index_of(staff: list, pk: int) -> int:
    return next((i for i, person in enumerate(staff) if person.pk == pk), 0)


def _check_ins(onboardings: list[Onboarding], now: datetime) -> list[FollowUp]:
    """The after-onboarding check-in of each completed onboarding; kept when it is past."""
    rows = []
    for onboarding in onboardings:
        if onboarding.status != Status.COMPLETED:
            continue
        follow_up = build_check_in(onboarding=onboarding, actor=onboarding.owner)
        if follow_up.due_at < now:
            mark_done(
                follow_up, by=onboarding.owner, at=follow_up.due_at, outcome=CHECK_IN_OUTCOME
            )
        rows.append(follow_up)
    return rows


def clear_onboardings() -> dict[str, int]:
    """Delete every onboarding and all that hangs off them, including their check-ins.

    Raw deletes, children first, as in clear_customers: the ORM's delete would load every row.
    """
    onboarding_type = ContentType.objects.get_for_model(Onboarding)
    querysets: dict[str, QuerySet] = {
        "onboarding check-in reschedules": FollowUpReschedule.objects.filter(
            follow_up__source_type=onboarding_type
        ),
        "onboarding check-ins": FollowUp.objects.filter(source_type=onboarding_type),
        "onboarding check-in history": FollowUp.history.model.objects.filter(
            source_type=onboarding_type
        ),
        "handoffs": Handoff.objects.all(),
        "handoff history": Handoff.history.model.objects.all(),
        "onboarding steps": OnboardingStep.objects.all(),
        "onboarding step history": OnboardingStep.history.model.objects.all(),
        "onboardings": Onboarding.objects.all(),
        "onboarding history": Onboarding.history.model.objects.all(),
    }
    return {label: queryset._raw_delete(queryset.db) for label, queryset in querysets.items()}


ONBOARDING_STEP = ScaleStep("onboarding", seed_onboardings, clear_onboardings)
