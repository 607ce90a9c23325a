"""Demo complaints for a first look at Tend: a dozen stories about Bright Bean Roasters' customers.

Together they show every status of the flow, with timelines, remedies within the proposer's
authority and above it (one approved by Sue, one rejected, two waiting in the approval queue), a
repeat complainant, a handoff, the four times and SLA deadlines some of which have passed. Sam
owns several, so that his My day has complaints to work on.

The stories are written as scripts of events ("two hours ago Sam proposed a refund of 120") and
played here directly into rows: the services notify people and check permissions, which demo
data must not do. Everything is placed relative to the moment of seeding, with a fixed random
seed, so two runs at the same moment build the same complaints.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from complaints.authority import authority_of
from complaints.intake import (
    TYPICAL_WINDOW,
    EarlierComplaints,
    IntakeRules,
    TypicalResolution,
    build_complaint,
    reference_for,
)
from complaints.models import (
    Category,
    Complaint,
    ComplaintHandoff,
    ComplaintUpdate,
    Remedy,
    RootCause,
)
from complaints.services import (
    build_check_in,
    build_handoff,
    build_remedy,
    resolution_minutes,
)
from customers.demo_data import DEMO_CUSTOMERS, DEMO_EMAIL_DOMAIN, DEMO_SEED
from customers.models import Channel, Customer, FollowUp
from customers.services import mark_done

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = Complaint.Status
Kind = ComplaintUpdate.Kind
PHONE, EMAIL, SMS, IN_PERSON = Channel.PHONE, Channel.EMAIL, Channel.SMS, Channel.IN_PERSON
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


# --- The script of a story -------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """The customer was told where things stand (resets the customer-update clock)."""

    ago: timedelta
    by: str
    channel: str
    text: str


@dataclass(frozen=True)
class Note:
    ago: timedelta
    by: str
    text: str


@dataclass(frozen=True)
class Move:
    """A step in the status flow."""

    ago: timedelta
    by: str
    to: str
    text: str = ""


@dataclass(frozen=True)
class Propose:
    """A remedy offered: approved at once within the proposer's authority, else sent up."""

    ago: timedelta
    by: str
    kind: str
    amount: Decimal | None
    description: str


@dataclass(frozen=True)
class Decide:
    """The latest remedy sent for approval is approved or rejected."""

    ago: timedelta
    by: str
    approve: bool
    note: str


@dataclass(frozen=True)
class Deliver:
    """The latest approved remedy reached the customer."""

    ago: timedelta
    by: str


@dataclass(frozen=True)
class Handoff:
    ago: timedelta
    to: str
    note: str
    accepted_ago: timedelta


@dataclass(frozen=True)
class CheckIn:
    """The after-resolution check-in: the customer is satisfied, the complaint closes."""

    ago: timedelta
    rating: int
    note: str


type Event = Said | Note | Move | Propose | Decide | Deliver | Handoff | CheckIn


@dataclass(frozen=True)
class Story:
    customer: str  # a key of customers.demo_data.DEMO_CUSTOMERS
    logged_by: str  # a demo username; the first owner
    received_ago: timedelta
    severity: str
    category: tuple[str, str]  # (parent, child)
    channel: str
    words: str
    heard: str = ""
    confirmed: bool = False
    asked: tuple[str, Decimal | None, str] = ("", None, "")  # kind, amount, words
    needs_within: timedelta | None = None  # after it was received
    promised_within: timedelta | None = None  # after it was received
    root_cause: str = ""
    corrective: str = ""
    events: tuple[Event, ...] = ()


STORIES = [
    # Closed, long ago: a late gift, a rejected refund, a credit instead. Kenji complains again.
    Story(
        "kenji", "sam", 62 * DAY, "normal", ("Delivery", "Late"), EMAIL,
        "The coffee gift box for my father's birthday arrived four days after the party.",
        heard="A birthday gift arrived four days late; he felt let down in front of family.",
        confirmed=True, asked=("refund", Decimal("300.00"), "Refund the whole order"),
        root_cause="Courier delay",
        corrective="Gift orders now ship two days earlier and carry the courier's "
        "guaranteed-date service.",
        events=(
            Said(62 * DAY - 50 * MINUTE, "sam", EMAIL,
                 "Apologised and promised an answer on the refund by Friday."),
            Move(62 * DAY - 55 * MINUTE, "sam", Status.INVESTIGATING),
            Propose(61 * DAY, "sam", "refund", Decimal("300.00"),
                    "Refund the whole order, as asked"),
            Decide(60 * DAY, "sue", False,
                   "The box cost 68. Offer a credit and a sincere apology instead."),
            Propose(60 * DAY - 2 * HOUR, "sam", "store_credit", Decimal("25.00"),
                    "Credit of 25 towards the next gift box"),
            Said(60 * DAY - 3 * HOUR, "sam", PHONE,
                 "Explained the full refund is not possible; he accepted the credit."),
            Deliver(59 * DAY, "sam"),
            Move(59 * DAY - HOUR, "sam", Status.RESOLVED, "Credit applied to his account."),
            CheckIn(45 * DAY, 3, "Fine now, though he still mentions the party."),
        ),
    ),
    # Closed: Alex proposed a replacement above his authority; Sue approved it.
    Story(
        "elan", "alex", 41 * DAY, "high", ("Product", "Faulty"), PHONE,
        "The decaf tasted burnt at our private dinner on Saturday. Guests noticed.",
        heard="The new decaf lot tasted burnt; it embarrassed Céline at a private dinner.",
        confirmed=True, asked=("replacement", None, "A decaf we can trust, before Thursday"),
        needs_within=4 * DAY, promised_within=3 * DAY, root_cause="Supplier fault",
        corrective="The green-bean supplier swapped lots without telling us; every new lot is "
        "now cupped before it is roasted.",
        events=(
            Said(41 * DAY - 30 * MINUTE, "alex", PHONE,
                 "Apologised; fresh decaf from another lot by Thursday."),
            Move(41 * DAY - 35 * MINUTE, "alex", Status.INVESTIGATING),
            Propose(41 * DAY - 2 * HOUR, "alex", "replacement", Decimal("220.00"),
                    "Replace the 10 kg of decaf from a different lot"),
            Decide(41 * DAY - 4 * HOUR, "sue", True,
                   "Yes: Bistro Élan is worth it, and the lot was ours to check."),
            Deliver(39 * DAY, "alex"),
            Move(39 * DAY - HOUR, "alex", Status.RESOLVED, "New decaf delivered and tasted."),
            CheckIn(25 * DAY, 4, "The new decaf went down well at their next dinner."),
        ),
    ),
    # Closed, a happy ending: a paused subscription kept shipping.
    Story(
        "zoe", "sam", 27 * DAY, "low", ("Service", "Waiting time"), EMAIL,
        "I paused my subscription for my trip and beans kept arriving. Nobody answers.",
        heard="Her pause was never applied; two bags went stale while she was away.",
        confirmed=True, asked=("store_credit", Decimal("15.00"), "Credit for the bags I missed"),
        root_cause="Process gap",
        corrective="Subscription pauses are now confirmed by email within one working day.",
        events=(
            Said(27 * DAY - 3 * HOUR, "sam", EMAIL, "Sorry, Zoë: pausing it now myself."),
            Propose(27 * DAY - 4 * HOUR, "sam", "store_credit", Decimal("15.00"),
                    "Credit for the two stale bags"),
            Deliver(27 * DAY - 5 * HOUR, "sam"),
            Move(27 * DAY - 6 * HOUR, "sam", Status.RESOLVED),
            CheckIn(6 * DAY, 5, "Loved the quick fix; the credit paid for her moka pot beans."),
        ),
    ),
    # Resolved: the check-in is still ahead.
    Story(
        "lindqvist", "alex", 6 * DAY, "normal", ("Delivery", "Late"), PHONE,
        "Flour and coffee both late on a Friday. We opened without filter coffee.",
        heard="The Friday delivery came at noon; they ran out of filter coffee for the morning.",
        confirmed=True, asked=("refund", Decimal("40.00"), "The delivery charge back"),
        needs_within=2 * DAY,
        events=(
            Said(6 * DAY - 45 * MINUTE, "alex", PHONE,
                 "Apologised to Erik; checking with the courier."),
            Move(6 * DAY - 50 * MINUTE, "alex", Status.INVESTIGATING),
            Note(5 * DAY, "alex", "The courier moved them to an afternoon round without asking."),
            Propose(5 * DAY - HOUR, "alex", "refund", Decimal("40.00"),
                    "Refund the delivery charge"),
            Deliver(4 * DAY, "alex"),
            Said(4 * DAY - HOUR, "alex", PHONE,
                 "Refund sent; their round is booked for mornings again."),
            Move(3 * DAY, "alex", Status.RESOLVED, "Morning delivery confirmed twice."),
        ),
    ),
    # Waiting on the customer (clock paused), after a handoff from Alex to Sue.
    Story(
        "pinecrest", "alex", 2 * DAY, "normal", ("Delivery", "Wrong item"), EMAIL,
        "We received espresso roast instead of the breakfast blend, again.",
        heard="Two sacks labelled breakfast blend contained espresso roast.",
        asked=("replacement", None, "The breakfast blend we ordered"),
        needs_within=3 * DAY,
        events=(
            Said(2 * DAY - HOUR, "alex", EMAIL,
                 "Sorry for the mix-up; finding out which sacks were mislabelled."),
            Handoff(2 * DAY - 2 * HOUR, "sue",
                    "Sue looks after Pinecrest: they expect a call from her today.",
                    accepted_ago=2 * DAY - 3 * HOUR),
            Move(2 * DAY - 4 * HOUR, "sue", Status.INVESTIGATING),
            Move(DAY, "sue", Status.WAITING_ON_CUSTOMER,
                 "Asked Ines for photos of the labels on both sacks."),
        ),
    ),
    # Awaiting approval: Sam's refund of 120 is above his limit of 50.
    Story(
        "riverside", "sam", 10 * HOUR, "high", ("Product", "Not as described"), PHONE,
        "The 'filter roast' for our tasting evening was an espresso roast. Thirty people, "
        "and we refunded tickets.",
        heard="The tasting evening's coffee was the wrong roast; Noor refunded six tickets.",
        confirmed=True, asked=("refund", Decimal("150.00"), "The bag and the refunded tickets"),
        needs_within=3 * DAY, promised_within=DAY,
        events=(
            Said(9 * HOUR, "sam", PHONE, "Apologised to Noor; looking into the roast labels."),
            Move(8 * HOUR, "sam", Status.INVESTIGATING),
            Note(5 * HOUR, "sam", "Roast log shows the labels were swapped at packing."),
            Propose(2 * HOUR, "sam", "refund", Decimal("120.00"),
                    "Refund the bag and the six refunded tickets"),
            Said(100 * MINUTE, "sam", PHONE,
                 "Told Noor the refund is with a supervisor for approval today."),
        ),
    ),
    # Awaiting approval: replacements are beyond front-line authority altogether.
    Story(
        "garcia", "alex", 20 * HOUR, "normal", ("Delivery", "Damaged"), IN_PERSON,
        "Two of the sacks split open in the van; beans all over the storeroom.",
        heard="Two 5 kg sacks split in transit; Diego threw the beans away.",
        asked=("replacement", None, "Two new sacks"), needs_within=2 * DAY,
        events=(
            Said(19 * HOUR, "alex", IN_PERSON, "Saw the damage with Diego; replacing both."),
            Propose(18 * HOUR, "alex", "replacement", Decimal("180.00"),
                    "Replace the two 5 kg sacks of the house blend"),
            Said(3 * HOUR, "alex", PHONE, "Replacement waiting for approval; due tomorrow."),
        ),
    ),
    # Investigating, within authority: a credit approved on the spot, not yet delivered.
    # Past its resolution deadline (three business days) whatever the weekday it is seeded on.
    Story(
        "copper", "sam", 6 * DAY, "high", ("Product", "Faulty"), PHONE,
        "The last two bags of the single origin taste flat and sour.",
        heard="Both bags of the guest espresso were three weeks past roasting.",
        confirmed=True, asked=("store_credit", Decimal("40.00"), "Credit for the two bags"),
        needs_within=2 * DAY,
        events=(
            Said(25 * HOUR, "sam", PHONE, "Asked Beth to keep both bags for us to taste."),
            Move(25 * HOUR - 5 * MINUTE, "sam", Status.INVESTIGATING),
            Note(22 * HOUR, "sam", "Roast dates confirm stock rotation slipped."),
            Propose(21 * HOUR, "sam", "store_credit", Decimal("40.00"),
                    "Credit for the two stale bags"),
            Said(3 * HOUR, "sam", PHONE, "Fresh bags roasting today; credit on the next invoice."),
        ),
    ),
    # Investigating: Kenji complains again within 90 days (a repeat).
    Story(
        "kenji", "sam", 6 * HOUR, "normal", ("Delivery", "Late"), EMAIL,
        "The gift subscription for my sister missed her birthday. Again.",
        heard="Second late gift in two months; he wants it made right for his sister.",
        asked=("gift", None, "Make it up to her"), promised_within=2 * DAY,
        events=(
            Said(5 * HOUR, "sam", EMAIL, "So sorry, Kenji. Tracking the parcel now."),
            Move(4 * HOUR, "sam", Status.INVESTIGATING),
            Note(3 * HOUR, "sam", "Courier tracking: sat at the depot for two days."),
            Propose(150 * MINUTE, "sam", "apology", None, "A handwritten card to his sister"),
            Deliver(2 * HOUR, "sam"),
        ),
    ),
    # Acknowledged: a billing question, answered within the update interval.
    Story(
        "northside", "sam", 20 * HOUR, "normal", ("Billing", "Overcharged"), EMAIL,
        "This month's invoice uses last year's prices, not our contract.",
        heard="The October invoice used the old price list; 64.50 too much.",
        confirmed=True, asked=("refund", Decimal("64.50"), "The difference"),
        promised_within=DAY,
        events=(
            Said(19 * HOUR, "sam", EMAIL,
                 "Thanks Dana, checking the invoice against your contract."),
            Said(3 * HOUR, "sam", EMAIL,
                 "Finance confirms the old price list was used; corrected invoice tomorrow."),
        ),
    ),
    # New, and past its first-response deadline.
    Story(
        "greenfield", "alex", 5 * HOUR, "high", ("Service", "No call back"), EMAIL,
        "Third email this week about the bean-to-cup machine. Is anyone there?",
        heard="Two emails about the machine went unanswered.",
        asked=("apology", None, "A call from someone who can fix it"),
    ),
    # New, just logged: Sam's first response is due within half an hour.
    Story(
        "harbour", "sam", 12 * MINUTE, "critical", ("Product", "Faulty"), PHONE,
        "The grinder you serviced on Tuesday is throwing grounds everywhere and the rush "
        "starts in an hour.",
        heard="Grinder fails before the Saturday rush; they need it working today.",
        confirmed=True, asked=("repair", None, "Someone here this morning"),
        needs_within=3 * HOUR,
    ),
]  # fmt: skip


# --- Seeding -----------------------------------------------------------------------------


def has_demo_complaints() -> bool:
    """Tell whether the demo complaints were seeded already."""
    return Complaint.objects.filter(customer__email__iendswith=DEMO_EMAIL_DOMAIN).exists()


@transaction.atomic
def seed_demo_complaints(*, staff: Mapping[str, "User"], now: datetime | None = None) -> int:
    """Create the demo complaints once, on the demo customers; return how many were made.

    ``staff`` maps the demo usernames (sam, alex, sue) to their users. Nothing is created when
    demo complaints exist already, or when the demo customers do not.
    """
    if has_demo_complaints():
        return 0
    names = {spec.key: spec.name for spec in DEMO_CUSTOMERS}
    customers = {
        customer.name: customer
        for customer in Customer.objects.filter(
            email__iendswith=DEMO_EMAIL_DOMAIN,
            name__in=[names[story.customer] for story in STORIES],
        )
    }
    if len(customers) < len({story.customer for story in STORIES}):
        return 0
    by_key = {key: customers[name] for key, name in names.items() if name in customers}
    return _DemoBuilder(staff, by_key, now or timezone.now()).build()


@dataclass
class _Played:
    """One story played into unsaved rows."""

    complaint: Complaint
    updates: list[ComplaintUpdate] = field(default_factory=list)
    remedies: list[Remedy] = field(default_factory=list)
    handoffs: list[ComplaintHandoff] = field(default_factory=list)
    check_in_outcome: str = ""


class _DemoBuilder:
    def __init__(
        self, staff: Mapping[str, "User"], customers: Mapping[str, Customer], now: datetime
    ) -> None:
        self.staff = staff
        self.customers = customers
        self.now = now
        self.rng = random.Random(DEMO_SEED)  # noqa: S311 - repeatable demo data, not secrets
        self.shift = timedelta()
        self.rules = IntakeRules.load()
        self.calendar = self.rules.calendar
        self.categories = {
            (category.parent.name, category.name): category
            for category in Category.objects.filter(parent__isnull=False).select_related("parent")
        }
        self.root_causes = {cause.name: cause for cause in RootCause.objects.all()}
        self.authority = {username: authority_of(user) for username, user in staff.items()}

    def build(self) -> int:
        # Each story a few minutes later than written, so that the times do not all end in
        # round numbers; the whole story moves, so its events keep their order.
        shifts = [timedelta(minutes=self.rng.randint(0, 9)) for _story in STORIES]
        # Played in the order they came in: each is logged knowing the ones before it.
        order = sorted(zip(STORIES, shifts, strict=True), key=lambda pair: self._received(*pair))
        played: list[_Played] = []
        for story, shift in order:
            self.shift = shift
            played.append(self._play(story, [earlier.complaint for earlier in played]))
        complaints = Complaint.objects.bulk_create([story.complaint for story in played])
        for complaint in complaints:
            # As logging does: the reference comes from the key the insert gave.
            complaint.reference = reference_for(complaint.pk)
        Complaint.objects.bulk_update(complaints, ["reference"])
        Complaint.history.bulk_history_create(complaints)
        for story in played:
            for row in [*story.updates, *story.remedies, *story.handoffs]:
                row.complaint = story.complaint
        ComplaintUpdate.objects.bulk_create(row for story in played for row in story.updates)
        remedies = [row for story in played for row in story.remedies]
        bulk_create_with_history(remedies, Remedy, default_date=self.now)
        handoffs = [row for story in played for row in story.handoffs]
        bulk_create_with_history(handoffs, ComplaintHandoff, default_date=self.now)
        self._check_ins(played)
        return len(complaints)

    # --- playing a story ----------------------------------------------------------------

    def _received(self, story: Story, shift: timedelta) -> datetime:
        return min(self.now - story.received_ago + shift, self.now - MINUTE)

    def _play(self, story: Story, earlier: list[Complaint]) -> _Played:
        received = self._ago(story.received_ago)
        update_interval = self.rules.minutes(story.severity)[1]
        ask_kind, ask_amount, ask_words = story.asked
        customer = self.customers[story.customer]
        complaint = build_complaint(
            rules=self.rules,
            earlier=_earlier(
                customer,
                received,
                earlier,
                category=self.categories.get(story.category),
                severity=story.severity,
            ),
            customer=customer,
            logged_by=self.staff[story.logged_by],
            received_at=received,
            customer_words=story.words,
            channel=story.channel,
            severity=story.severity,
            category=self.categories.get(story.category),
            what_we_heard=story.heard,
            heard_confirmed=story.confirmed,
            asked_remedy_kind=ask_kind,
            asked_amount=ask_amount,
            asked_words=ask_words,
            needs_by=received + story.needs_within if story.needs_within else None,
        )
        complaint.promised_by = received + story.promised_within if story.promised_within else None
        complaint.created_at = received
        # Demo complaints need no intake alerts: the sweep must not send them.
        complaint.intake_done_at = received
        complaint._history_user = complaint.logged_by
        complaint._history_date = received
        played = _Played(complaint)
        self._record(played, received, story.logged_by, Kind.NOTE, "Complaint logged.")
        for event in story.events:
            self._apply(played, story, event, update_interval)
        return played

    def _apply(self, played: _Played, story: Story, event: Event, update_interval: int) -> None:
        complaint = played.complaint
        at = self._ago(event.ago)
        match event:
            case Said(by=by, channel=channel, text=text):
                due = complaint.next_update_due
                on_time = due is None or at <= due
                self._record(
                    played, at, by, Kind.CUSTOMER_UPDATE, text, channel=channel, on_time=on_time
                )
                if complaint.status == Status.NEW:
                    self._move(played, at, by, Status.ACKNOWLEDGED)
                complaint.next_update_due = self.calendar.add_business_minutes(at, update_interval)
            case Note(by=by, text=text):
                self._record(played, at, by, Kind.NOTE, text)
            case Move(by=by, to=to, text=text):
                self._move(played, at, by, to, text)
            case Propose(by=by, kind=kind, amount=amount, description=description):
                self._propose(played, at, by, kind, amount, description)
            case Decide(by=by, approve=approve, note=note):
                remedy = next(r for r in reversed(played.remedies) if r.decision == "proposed")
                remedy.decision = Remedy.Decision.APPROVED if approve else Remedy.Decision.REJECTED
                remedy.decided_by, remedy.decided_at, remedy.decision_note = (
                    self.staff[by],
                    at,
                    note,
                )
                verdict = "approved" if approve else "rejected"
                self._record(played, at, by, Kind.REMEDY, f"{remedy} {verdict}. {note}")
                self._move(played, at, by, Status.INVESTIGATING)
            case Deliver(by=by):
                remedy = next(r for r in reversed(played.remedies) if r.decision == "approved")
                remedy.decision, remedy.delivered_at = Remedy.Decision.DELIVERED, at
                self._record(played, at, by, Kind.REMEDY, f"{remedy} delivered.")
            case Handoff(to=to, note=note, accepted_ago=accepted_ago):
                accepted = self._ago(accepted_ago)
                handoff = build_handoff(
                    complaint=complaint, to_user=self.staff[to], note=note, at=at
                )
                handoff.accepted_at = accepted
                played.handoffs.append(handoff)
                sender = complaint.owner.get_username()
                self._record(played, at, sender, Kind.REASSIGNMENT, f"Offered: {note}")
                self._record(played, accepted, to, Kind.REASSIGNMENT, "Took it over.")
                complaint.owner = self.staff[to]
            case CheckIn(rating=rating, note=note):
                complaint.outcome_satisfied, complaint.handling_rating = True, rating
                complaint.root_cause = self.root_causes.get(story.root_cause)
                complaint.corrective_note = story.corrective
                complaint.satisfied_at = complaint.checked_in_at = at
                played.check_in_outcome = f"Satisfied. {note}"
                self._move(played, at, complaint.owner.get_username(), Status.CLOSED)

    def _propose(self, played, at, by, kind, amount, description) -> None:
        remedy = build_remedy(
            complaint=played.complaint,
            kind=kind,
            amount=amount,
            description=description,
            proposer=self.staff[by],
            authority=self.authority[by],
            at=at,
        )
        played.remedies.append(remedy)
        if remedy.auto_approved:
            text = f"{remedy} approved within {self.staff[by].get_full_name()}'s authority."
            target = Status.INVESTIGATING
        else:
            text = f"{remedy} proposed; above the proposer's authority, sent for approval."
            target = Status.AWAITING_APPROVAL
        self._record(played, at, by, Kind.REMEDY, text)
        self._move(played, at, by, target)

    def _move(self, played: _Played, at: datetime, by: str, to: str, text: str = "") -> None:
        complaint = played.complaint
        if complaint.status == to:
            return
        self._record(played, at, by, Kind.STATUS, text, from_status=complaint.status, to=to)
        if complaint.status == Status.NEW:
            complaint.acknowledged_at = at
        complaint.status = to
        complaint.paused_at = at if to == Status.WAITING_ON_CUSTOMER else None
        if to == Status.RESOLVED:
            complaint.resolved_at = at
            complaint.resolution_minutes = resolution_minutes(
                complaint, resolved_at=at, calendar=self.calendar
            )
        elif to == Status.CLOSED:
            complaint.closed_at = at

    def _record(
        self, played, at, by, kind, text, *, channel="", from_status="", to="", on_time=None
    ) -> None:
        played.updates.append(
            ComplaintUpdate(
                kind=kind,
                author=self.staff[by],
                created_at=at,
                text=text,
                channel=channel,
                from_status=from_status,
                to_status=to,
                on_time=on_time,
            )
        )

    # --- what follows from the stories together ---------------------------------------------

    def _check_ins(self, played: list[_Played]) -> None:
        """Schedule the after-resolution check-in of each resolved complaint; done if closed."""
        rows = []
        for story in played:
            complaint = story.complaint
            if complaint.resolved_at is None:
                continue
            follow_up = build_check_in(
                complaint=complaint, actor=complaint.owner, resolved_at=complaint.resolved_at
            )
            if complaint.closed_at:
                mark_done(
                    follow_up,
                    by=complaint.owner,
                    at=complaint.closed_at,
                    outcome=story.check_in_outcome,
                )
            rows.append(follow_up)
        bulk_create_with_history(rows, FollowUp, default_date=self.now)

    def _ago(self, ago: timedelta) -> datetime:
        return min(self.now - ago + self.shift, self.now - MINUTE)


def _earlier(
    customer: Customer,
    received: datetime,
    played: list[Complaint],
    *,
    category: Category | None,
    severity: str,
) -> EarlierComplaints:
    """What logging would read of the complaints played before this one."""
    since = received - TYPICAL_WINDOW
    alike = [
        c.resolved_at - c.received_at
        for c in played
        if c.closed_at
        and since <= c.closed_at <= received
        and c.resolved_at
        and c.category_id == (category.pk if category else None)
        and c.severity == severity
    ]
    return EarlierComplaints(
        received=[c.received_at for c in played if c.customer_id == customer.pk],
        typical=TypicalResolution.of(alike),
    )
