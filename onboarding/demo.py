"""Demo onboardings for a first look at Tend: Bright Bean Roasters welcoming its new customers.

Sam and Sue sell (the Sales team) and Alex looks after customers once they are settled in (the
Support team). The stories show every stage of the "New customer" checklist: just started,
welcomed with the customer's preferences taken, a handoff from Sam waiting for Alex's answer, one
handed over after a first decline, one stalled for weeks, two completed (one with its
after-onboarding check-in still ahead) and one cancelled with its reason.

As with the demo complaints, the stories are played directly into rows: the services notify
people and stamp the current time, which demo data must not do. Everything is placed relative
to the moment of seeding, so two runs at the same moment build the same onboardings.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from crm.calendar import BusinessCalendar
from customers.demo_data import DEMO_CUSTOMERS, DEMO_EMAIL_DOMAIN
from customers.models import Channel, Customer, FollowUp
from customers.services import mark_done
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep, TemplateStep
from onboarding.services import (
    build_check_in,
    build_handoff,
    build_onboarding,
    stalled_since,
    take_over,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The teams onboarding work moves between (onboarding's 0002 migration creates them).
SALES_TEAM = "Sales"
SUPPORT_TEAM = "Support"
TEMPLATE_NAME = "New customer"
# Who in the demo business takes over from Sales.
SUPPORT_PERSON = "alex"

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


class Reached:
    """How far along the template's steps a story is, named by the step that matters."""

    NOTHING = "nothing"  # no step done
    FIRST = "first"  # the first step done
    BEFORE_PREFERENCES = "before_preferences"  # everything before the welcome call
    PREFERENCES = "preferences"  # up to and including the welcome call
    BEFORE_HANDOFF = "before_handoff"  # everything before the handoff step
    HANDOFF = "handoff"  # up to and including the handoff step (accepted)
    ALL = "all"


@dataclass(frozen=True)
class Offer:
    """A handoff offered to Alex: answered some time after it was offered, or still waiting."""

    ago: timedelta
    note: str
    answered_after: timedelta | None = None  # None: still waiting for an answer
    declined: str = ""  # the reason, when Alex said no


@dataclass(frozen=True)
class Story:
    customer: str  # a key of customers.demo_data.DEMO_CUSTOMERS
    owner: str  # the demo username of the salesperson who started it
    started_ago: timedelta
    reached: str
    # When the last done step was done; None when nothing is done (progress = the start).
    last_progress_ago: timedelta | None = None
    stalled: bool = False  # the last progress lies before the stall line, whatever the settings
    offers: tuple[Offer, ...] = ()
    cancelled: tuple[timedelta, str] | None = None  # (how long ago, why)


STORIES = [
    # Just started: Sam set it up this morning; the written confirmation is due tomorrow.
    Story("renee", "sam", 2 * HOUR, Reached.NOTHING),
    # Mid-way: Sue has had the welcome call; the kickoff is running a day late.
    Story("brightside", "sue", 8 * DAY, Reached.PREFERENCES, last_progress_ago=20 * HOUR),
    # Waiting for Alex: Sam offered Sunrise to Support an hour and a half ago.
    Story(
        "sunrise", "sam", 17 * DAY, Reached.BEFORE_HANDOFF, last_progress_ago=2 * DAY,
        offers=(
            Offer(90 * MINUTE,
                  "Promised Anika retail bags for the front desk by the 1st and a decaf "
                  "display after that. She expects a call about reorders in the first week "
                  "of the month; texts are best, never during classes."),
        ),
    ),
    # Handed over: Alex declined the first offer (out on the road), took the second; the
    # 30-day check-in is his now.
    Story(
        "atlas", "sam", 17 * DAY, Reached.HANDOFF, last_progress_ago=4 * DAY,
        offers=(
            Offer(3 * DAY,
                  "Atlas expect a pour-over demo for the partners and a standing order of "
                  "4 kg a fortnight.",
                  answered_after=2 * HOUR,
                  declined="On deliveries all week; offer it again on Monday and I'll take it."),
            Offer(DAY + 3 * HOUR,
                  "Atlas expect a pour-over demo for the partners (promised for next "
                  "Thursday) and a standing order of 4 kg a fortnight. Tomás orders; Kate "
                  "decides.",
                  answered_after=3 * HOUR),
        ),
    ),
    # Stalled: nobody has reached Oleksandr for the welcome call in over a week.
    Story("oleksandr", "sam", 15 * DAY, Reached.BEFORE_PREFERENCES, stalled=True),
    # Cancelled: Fjord put the switch on hold; Sue keeps them as a prospect.
    Story(
        "fjord", "sue", 30 * DAY, Reached.FIRST, last_progress_ago=29 * DAY,
        cancelled=(26 * DAY, "Their budget is frozen until the new studio opens in spring. "
                             "Back to a prospect; Sue calls them in March."),
    ),
    # Completed a week ago: the after-onboarding check-in is still ahead.
    Story(
        "grace", "sue", 50 * DAY, Reached.ALL, last_progress_ago=8 * DAY,
        offers=(
            Offer(34 * DAY,
                  "Grace has the cafetière grind sorted and wants gift boxes before "
                  "Christmas; mornings only.",
                  answered_after=4 * HOUR),
        ),
    ),
    # Completed months ago, check-in kept.
    Story(
        "deli", "sam", 130 * DAY, Reached.ALL, last_progress_ago=88 * DAY,
        offers=(
            Offer(114 * DAY,
                  "Vince wants the oat-milk blend tested with his new milk; promised a "
                  "barista visit in the first month.",
                  answered_after=HOUR),
        ),
    ),
]  # fmt: skip

# What the person wrote when completing each step, by the step's position in the template.
STEP_NOTES = {
    1: "Order confirmed by email; they replied the same day.",
    2: "Walked them through roast, pack and courier days; they know whom to call if late.",
    4: "Delivery day agreed, grinder set a notch finer, first-week expectations set.",
    5: "First delivery on time and in good shape; they liked the house blend.",
    7: "A month in: happy with the coffee and the delivery day; keep in touch quarterly.",
}
CHECK_IN_OUTCOME = "Still happy a month on; ordering a little more each week."


def has_demo_onboardings() -> bool:
    """Tell whether the demo onboardings were seeded already."""
    return Onboarding.objects.filter(customer__email__iendswith=DEMO_EMAIL_DOMAIN).exists()


@transaction.atomic
def seed_demo_onboardings(*, staff: Mapping[str, "User"], now: datetime | None = None) -> int:
    """Create the demo onboardings once, on the demo customers; return how many were made.

    ``staff`` maps the demo usernames (sam, alex, sue) to their users. Nothing is created when
    demo onboardings exist already, or when the demo customers or the "New customer" template
    (with a handoff step) do not.
    """
    if has_demo_onboardings():
        return 0
    template = ChecklistTemplate.objects.filter(name=TEMPLATE_NAME).first()
    steps = (
        list(template.steps.select_related("group").order_by("position", "pk")) if template else []
    )
    if not any(step.is_handoff_point for step in steps[:-1]):
        return 0
    names = {spec.key: spec.name for spec in DEMO_CUSTOMERS}
    customers = {
        customer.name: customer
        for customer in Customer.objects.filter(
            email__iendswith=DEMO_EMAIL_DOMAIN,
            name__in=[names[story.customer] for story in STORIES],
        )
    }
    if len(customers) < len(STORIES):
        return 0
    by_key = {key: customers[name] for key, name in names.items() if name in customers}
    return _DemoBuilder(staff, by_key, template, steps, now or timezone.now()).build()


class _DemoBuilder:
    def __init__(
        self,
        staff: Mapping[str, "User"],
        customers: Mapping[str, Customer],
        template: ChecklistTemplate,
        steps: list[TemplateStep],
        now: datetime,
    ) -> None:
        self.staff = staff
        self.customers = customers
        self.template = template
        self.steps = steps
        self.now = now
        self.calendar = BusinessCalendar.load()
        self.stall_line = stalled_since(now, self.calendar)
        handoff = next(i for i, step in enumerate(steps) if step.is_handoff_point)
        preferences = next((i for i, s in enumerate(steps) if s.captures_preferences), handoff)
        # How many steps, in order, each stage has done.
        self.done_count = {
            Reached.NOTHING: 0,
            Reached.FIRST: 1,
            Reached.BEFORE_PREFERENCES: preferences,
            Reached.PREFERENCES: preferences + 1,
            Reached.BEFORE_HANDOFF: handoff,
            Reached.HANDOFF: handoff + 1,
            Reached.ALL: len(steps),
        }
        self.handoff_index = handoff
        # Support's steps fall to the demo's support person; the rest to the owner.
        self.assignees = {
            step.group_id: staff[SUPPORT_PERSON]
            for step in steps
            if step.group.name == SUPPORT_TEAM
        }

    def build(self) -> int:
        played = [self._play(story) for story in STORIES]
        onboardings = [onboarding for onboarding, _steps, _handoffs in played]
        Onboarding.objects.bulk_create(onboardings)
        Onboarding.history.bulk_history_create(onboardings)
        for onboarding, steps, _handoffs in played:
            for step in steps:
                step.onboarding = onboarding
        steps = [step for _o, steps, _h in played for step in steps]
        bulk_create_with_history(steps, OnboardingStep, default_date=self.now)
        for onboarding, _steps, handoffs in played:
            for handoff in handoffs:
                handoff.onboarding = onboarding
        handoffs = [handoff for _o, _s, handoffs in played for handoff in handoffs]
        bulk_create_with_history(handoffs, Handoff, default_date=self.now)
        self._complete_customers(onboardings)
        self._check_ins(onboardings)
        return len(onboardings)

    # --- playing a story ----------------------------------------------------------------

    def _play(self, story: Story) -> tuple[Onboarding, list[OnboardingStep], list[Handoff]]:
        customer = self.customers[story.customer]
        owner = self.staff[story.owner]
        # Never before the customer was on our books: every time below is clamped after it.
        started = max(self.now - story.started_ago, customer.created_at + HOUR)
        if story.stalled:
            # Before the stall line however many business days it lies back (weekends count
            # for nothing), so the onboarding has stalled whatever the settings.
            started = max(min(started, self.stall_line - 4 * DAY), customer.created_at + HOUR)
            last_progress = max(self.stall_line - 2 * DAY, started)
        elif story.last_progress_ago is not None:
            last_progress = max(self.now - story.last_progress_ago, started)
        else:
            last_progress = started
        onboarding, steps = build_onboarding(
            customer=customer,
            template=self.template,
            steps=self.steps,
            owner=owner,
            actor=owner,
            assignees=self.assignees,
            now=started,
            calendar=self.calendar,
        )
        onboarding.last_progress_at = last_progress
        onboarding._history_user = owner
        onboarding._history_date = started
        handoffs = self._offers(story, onboarding, steps, started)
        accepted = next((handoff for handoff in handoffs if handoff.accepted_at), None)
        self._do_steps(story, steps, customer, started, last_progress, handoffs, accepted)
        if accepted:
            onboarding.last_progress_at = max(last_progress, accepted.accepted_at)
        if all(step.is_done for step in steps):
            onboarding.status = Onboarding.Status.COMPLETED
            onboarding.completed_at = max(step.done_at for step in steps)
            onboarding.last_progress_at = onboarding.completed_at
        elif story.cancelled:
            ago, reason = story.cancelled
            onboarding.status = Onboarding.Status.CANCELLED
            onboarding.cancelled_at = max(self.now - ago, last_progress)
            onboarding.cancel_reason = reason
        for step in steps:
            step.onboarding_running = onboarding.is_active
        return onboarding, steps, handoffs

    def _do_steps(self, story, steps, customer, started, last_progress, handoffs, accepted):
        """Mark the story's steps done in order: those before the handoff until it was first
        offered, the handoff step when it was accepted, the rest from then to the last progress.
        """
        done = self.done_count[story.reached]
        before = list(range(min(done, self.handoff_index)))
        after = list(range(self.handoff_index + 1, done))
        until_offered = min([last_progress, *(handoff.created_at for handoff in handoffs)])
        for number, index in enumerate(before, start=1):
            step = steps[index]
            step.done_at = started + (until_offered - started) * number / len(before)
            step.done_by, step.note = step.assignee, self._note(step, customer)
        if done > self.handoff_index:
            # The handoff step was done when the handoff was accepted (see _offers).
            for number, index in enumerate(after, start=1):
                step = steps[index]
                step.done_at = accepted.accepted_at + (
                    last_progress - accepted.accepted_at
                ) * number / len(after)
                step.done_by, step.note = step.assignee, self._note(step, customer)

    def _offers(self, story, onboarding, steps, started) -> list[Handoff]:
        handoffs = []
        for offer in story.offers:
            offered = max(self.now - offer.ago, started)
            handoff = build_handoff(
                onboarding=onboarding,
                step=steps[self.handoff_index],
                to_user=self.staff[SUPPORT_PERSON],
                note=offer.note,
                at=offered,
            )
            if offer.answered_after is not None:
                answered = min(offered + offer.answered_after, self.now - MINUTE)
                if offer.declined:
                    handoff.declined_at, handoff.decline_reason = answered, offer.declined
                else:
                    # As accepting does: the receiver owns it, the step is done by the sender.
                    take_over(handoff, at=answered)
            handoffs.append(handoff)
        return handoffs

    def _note(self, step: OnboardingStep, customer: Customer) -> str:
        if step.captures_preferences:
            window = (
                f", between {customer.contact_from:%H:%M} and {customer.contact_until:%H:%M}"
                if customer.contact_from and customer.contact_until
                else ""
            )
            channel = Channel(customer.preferred_channel).label
            return (
                f"Welcome call done. Preferred channel: {channel}{window}. "
                f"Interested in: {customer.interests}."
            )
        return STEP_NOTES.get(step.position, "Done.")

    # --- what follows from the stories -------------------------------------------------------

    def _complete_customers(self, onboardings: list[Onboarding]) -> None:
        """Completed onboardings made their customers active customers on the day they ended."""
        for onboarding in onboardings:
            if onboarding.status != Onboarding.Status.COMPLETED:
                continue
            Customer.objects.filter(pk=onboarding.customer_id).update(
                status=Customer.Status.ACTIVE,
                became_customer_on=timezone.localdate(onboarding.completed_at),
            )

    def _check_ins(self, onboardings: list[Onboarding]) -> None:
        """The after-onboarding check-in of each completed onboarding; kept when it is past."""
        rows = []
        for onboarding in onboardings:
            if onboarding.status != Onboarding.Status.COMPLETED:
                continue
            follow_up = build_check_in(onboarding=onboarding, actor=onboarding.owner)
            if follow_up.due_at < self.now:
                mark_done(
                    follow_up, by=onboarding.owner, at=follow_up.due_at, outcome=CHECK_IN_OUTCOME
                )
            rows.append(follow_up)
        bulk_create_with_history(rows, FollowUp, default_date=self.now)
