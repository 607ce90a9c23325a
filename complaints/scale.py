"""Synthetic complaints in bulk, the complaints app's step of ``manage.py seed_scale``.

About one complaint per customer of the batch, in every status, with about three timeline
entries and half a remedy each, and the after-resolution check-in of each resolved complaint.
Most are closed, as in a business that has run for a while; the open ones are recent, some
past their SLA deadlines. Rows are built and go in like the customers' (see customers.scale).
"""

import random
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from complaints.authority import Authority, authority_of
from complaints.intake import (
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
    RemedyKind,
    RootCause,
    Severity,
)
from complaints.services import build_check_in, build_remedy
from crm.bulk import insert_rows, number_rows
from customers.models import Channel, Customer, FollowUp, FollowUpReschedule
from customers.scale import ScaleBatch, ScaleStep

Status = Complaint.Status
Kind = ComplaintUpdate.Kind

# How many complaints a customer has: about one on average.
COMPLAINTS_PER_CUSTOMER = [0, 1, 2]
COMPLAINTS_WEIGHTS = [25, 50, 25]
STATUSES = [
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.WAITING_ON_CUSTOMER,
    Status.AWAITING_APPROVAL,
    Status.RESOLVED,
    Status.CLOSED,
]
STATUS_WEIGHTS = [8, 7, 15, 7, 8, 10, 45]
SEVERITIES = [Severity.LOW, Severity.NORMAL, Severity.HIGH, Severity.CRITICAL]
SEVERITY_WEIGHTS = [20, 55, 20, 5]
CHANNELS = [channel for channel, _label in Channel.choices]
MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)
CHECK_IN = timedelta(days=settings.COMPLAINT_CHECK_IN_DAYS)
WORDS = [
    ("The delivery came two days late and we ran out.", "Late delivery; they ran out of stock."),
    ("Half the bags arrived split open.", "Damaged in transit."),
    ("You sent decaf instead of the house blend.", "Wrong item sent."),
    ("The grinder stopped working a week after the service.", "Faulty after a service visit."),
    ("Nobody called me back as promised.", "A promised call back did not happen."),
    ("We were charged twice this month.", "Double charge on the invoice."),
    ("The refund you promised never arrived.", "Refund not received."),
    ("The beans taste nothing like the description.", "Product not as described."),
]
CUSTOMER_UPDATES = [
    "Apologised and explained what happens next.",
    "Told them where things stand and when they will hear from us.",
    "Shared the courier's tracking and a new delivery time.",
]
CORRECTIVE_NOTES = [
    "Added a check to the packing list.",
    "Briefed the team on the call-back promise.",
    "Changed courier for this area.",
    "Fixed the price list used for invoices.",
]
# (kind, smallest, largest amount); amounts are drawn in whole units.
MONEY_REMEDIES = [
    (RemedyKind.REFUND, 5, 150),
    (RemedyKind.STORE_CREDIT, 10, 200),
    (RemedyKind.REPLACEMENT, 20, 400),
    (RemedyKind.DISCOUNT, 5, 60),
]


@dataclass(frozen=True)
class _Setting:
    """What every complaint of a batch is drawn against, read once per batch."""

    categories: list[Category]
    root_causes: list[int]
    rules: IntakeRules
    authority: Authority  # the scale staff's: all of them are front-line staff

    @classmethod
    def load(cls, batch: ScaleBatch) -> "_Setting":
        return cls(
            categories=list(Category.objects.filter(parent__isnull=False).order_by("pk")),
            root_causes=list(RootCause.objects.values_list("pk", flat=True)),
            rules=IntakeRules.load(),
            authority=authority_of(batch.staff[0]),
        )


# Closures kept per (category, severity) for the usual time to resolve: recent enough to be
# current, few enough to stay cheap at any size.
ALIKE_KEPT = 500


def seed_complaints(batch: ScaleBatch) -> dict[str, int]:
    """Create about one complaint per customer of the batch, with updates and remedies."""
    rng, now = batch.rng, batch.now
    setting = _Setting.load(batch)
    # The recent closures per (category, severity), for the usual time to resolve.
    alike: defaultdict[tuple, deque[timedelta]] = defaultdict(lambda: deque(maxlen=ALIKE_KEPT))
    drafts: list[_Draft] = []
    for customer in batch.customers:
        count = rng.choices(COMPLAINTS_PER_CUSTOMER, COMPLAINTS_WEIGHTS)[0]
        # When each came in first, so that each is logged knowing the ones before it.
        starts = sorted(
            (_start(customer, rng, now) for _number in range(count)), key=lambda s: s[1]
        )
        own: list[Complaint] = []
        for status, received in starts:
            received_before = [complaint.received_at for complaint in own]
            draft = _draft(
                customer, status, received, received_before, alike, rng, now, setting, batch.staff
            )
            own.append(draft.complaint)
            done = draft.complaint
            if done.closed_at and done.resolved_at:
                alike[done.category_id, done.severity].append(done.resolved_at - done.received_at)
            drafts.append(draft)
    complaints = [draft.complaint for draft in drafts]
    insert_rows(Complaint, _numbered(complaints), keys=True)
    updates, remedies = [], []
    for draft in drafts:
        for row in draft.updates:
            row.complaint = draft.complaint
            updates.append(row)
        remedies += draft.remedies
    insert_rows(ComplaintUpdate, updates)
    insert_rows(Remedy, remedies)
    check_ins = [
        build_check_in(
            complaint=complaint, actor=complaint.owner, resolved_at=complaint.resolved_at
        )
        for complaint in complaints
        if complaint.status == Status.RESOLVED
    ]
    insert_rows(FollowUp, check_ins)
    return {
        "complaints": len(complaints),
        "complaint updates": len(updates),
        "remedies": len(remedies),
        "complaint check-ins": len(check_ins),
    }


def _numbered(complaints: list[Complaint]) -> list[Complaint]:
    """Give the complaints their keys, then their references from them as logging does."""
    number_rows(Complaint, complaints)
    for complaint in complaints:
        complaint.reference = reference_for(complaint.pk)
    return complaints


def clear_complaints() -> dict[str, int]:
    """Delete every complaint and all that hangs off them, including their check-ins.

    Raw deletes, children first, as in clear_customers: the ORM's delete would load every row.
    """
    complaint_type = ContentType.objects.get_for_model(Complaint)
    querysets: dict[str, QuerySet] = {
        "complaint check-in reschedules": FollowUpReschedule.objects.filter(
            follow_up__source_type=complaint_type
        ),
        "complaint check-ins": FollowUp.objects.filter(source_type=complaint_type),
        "complaint check-in history": FollowUp.history.model.objects.filter(
            source_type=complaint_type
        ),
        "complaint handoffs": ComplaintHandoff.objects.all(),
        "complaint handoff history": ComplaintHandoff.history.model.objects.all(),
        "remedies": Remedy.objects.all(),
        "remedy history": Remedy.history.model.objects.all(),
        "complaint updates": ComplaintUpdate.objects.all(),
        "complaints": Complaint.objects.all(),
        "complaint history": Complaint.history.model.objects.all(),
    }
    return {label: queryset._raw_delete(queryset.db) for label, queryset in querysets.items()}


COMPLAINTS_STEP = ScaleStep("complaints", seed_complaints, clear_complaints)


@dataclass
class _Draft:
    complaint: Complaint
    updates: list[ComplaintUpdate]
    remedies: list[Remedy]


def _start(customer: Customer, rng: random.Random, now: datetime) -> tuple[str, datetime]:
    """Draw how far a complaint got and when it came in."""
    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
    received = _received(status, customer, rng, now)
    # A customer too new for a complaint closed after its check-in has it still resolved.
    if status == Status.CLOSED and now - received < CHECK_IN + DAY:
        status = Status.RESOLVED
    return status, received


def _draft(
    customer: Customer,
    status: str,
    received: datetime,
    received_before: list[datetime],
    alike: "defaultdict[tuple, deque[timedelta]]",
    rng: random.Random,
    now: datetime,
    setting: _Setting,
    staff: list,
) -> _Draft:
    severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
    first_response, update_interval, _resolution = setting.rules.minutes(severity)
    owner = customer.account_owner if rng.random() < 0.8 else rng.choice(staff)
    words, heard = rng.choice(WORDS)
    add = setting.rules.calendar.add_business_minutes
    # Drawn in the order the arguments were always drawn, so a seed gives the same data.
    channel = rng.choice(CHANNELS)
    category = rng.choice(setting.categories) if setting.categories else None
    confirmed = rng.random() < 0.6
    needs_by = received + timedelta(days=rng.randint(1, 7)) if rng.random() < 0.3 else None
    # What logging would read: the customer's earlier complaints and, of the closures seen so
    # far, those alike (an approximation of the last 180 days: the closures kept per kind).
    typical = TypicalResolution.of(alike.get((category.pk if category else None, severity), ()))
    complaint = build_complaint(
        rules=setting.rules,
        earlier=EarlierComplaints(received=received_before, typical=typical),
        customer=customer,
        logged_by=owner,
        received_at=received,
        customer_words=words,
        channel=channel,
        severity=severity,
        category=category,
        what_we_heard=heard,
        heard_confirmed=confirmed,
        needs_by=needs_by,
    )
    complaint.status = status
    complaint.created_at = received
    # Seeded complaints need no intake alerts: the sweep must not send thousands.
    complaint.intake_done_at = received
    updates = [_update(Kind.NOTE, received, owner, text="Complaint logged.")]
    remedies: list[Remedy] = []
    if status == Status.NEW:
        return _Draft(complaint, updates, remedies)

    # Everything past new was acknowledged with a word to the customer.
    acknowledged = min(now, received + timedelta(minutes=rng.randint(5, 2 * first_response)))
    complaint.acknowledged_at = acknowledged
    complaint.next_update_due = add(acknowledged, update_interval)
    updates.append(
        _update(
            Kind.CUSTOMER_UPDATE,
            acknowledged,
            owner,
            text=rng.choice(CUSTOMER_UPDATES),
            channel=complaint.channel,
        )
    )
    if rng.random() < 0.4:
        complaint.promised_by = acknowledged + timedelta(days=rng.randint(1, 5))
    if status == Status.CLOSED:
        # Resolved at least a check-in's time ago, closed when the check-in found it held.
        resolved = _between(acknowledged, now - CHECK_IN, rng)
        closed = min(now, resolved + CHECK_IN + timedelta(hours=rng.randint(0, 48)))
    else:
        resolved, closed = _between(acknowledged, now, rng), None
    if status in {Status.INVESTIGATING, Status.WAITING_ON_CUSTOMER}:
        updates.append(_status(Status.ACKNOWLEDGED, status, resolved, owner))
        if status == Status.WAITING_ON_CUSTOMER:
            complaint.paused_at = resolved
        elif rng.random() < 0.3:
            remedies.append(_remedy(complaint, rng, setting, owner, resolved, within=True))
    elif status == Status.AWAITING_APPROVAL:
        remedies.append(_remedy(complaint, rng, setting, owner, resolved, within=False))
        updates.append(_status(Status.ACKNOWLEDGED, status, resolved, owner))
    elif status in {Status.RESOLVED, Status.CLOSED}:
        if rng.random() < 0.7:
            remedies.append(_remedy(complaint, rng, setting, owner, resolved, within=True))
            remedies[-1].decision = Remedy.Decision.DELIVERED
            remedies[-1].delivered_at = resolved
        complaint.resolved_at = resolved
        updates.append(_status(Status.ACKNOWLEDGED, Status.RESOLVED, resolved, owner))
    if closed:
        complaint.closed_at = complaint.satisfied_at = complaint.checked_in_at = closed
        complaint.outcome_satisfied = True
        complaint.handling_rating = rng.choices([1, 2, 3, 4, 5], [3, 7, 20, 35, 35])[0]
        complaint.root_cause_id = rng.choice(setting.root_causes) if setting.root_causes else None
        complaint.corrective_note = rng.choice(CORRECTIVE_NOTES)
        updates.append(_status(Status.RESOLVED, Status.CLOSED, closed, owner))
    return _Draft(complaint, updates, remedies)


def _received(status: str, customer: Customer, rng: random.Random, now: datetime) -> datetime:
    """When the complaint came in: open ones recently, closed ones over the past year."""
    if status == Status.CLOSED:
        # Long enough ago to have been resolved and checked in on since.
        newest, oldest = CHECK_IN + 2 * DAY, 365 * DAY
    elif status == Status.RESOLVED:
        # Recently enough that the check-in is still ahead.
        newest, oldest = DAY, CHECK_IN - DAY
    else:
        newest, oldest = MINUTE, 10 * DAY
    received = now - newest - (oldest - newest) * rng.random()
    # Never before the customer existed (and at various times after, for a new customer's two).
    floor = customer.created_at + MINUTE * rng.randint(1, 600)
    return min(max(received, floor), now - MINUTE)


def _between(start: datetime, end: datetime, rng: random.Random) -> datetime:
    """A moment from start to end; start itself when end is not after it."""
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def _update(kind: str, at: datetime, author, *, text="", channel="") -> ComplaintUpdate:
    return ComplaintUpdate(kind=kind, created_at=at, author=author, text=text, channel=channel)


def _status(old: str, new: str, at: datetime, author) -> ComplaintUpdate:
    update = _update(Kind.STATUS, at, author)
    update.from_status, update.to_status = old, new
    return update


def _remedy(
    complaint: Complaint,
    rng: random.Random,
    setting: _Setting,
    proposer,
    at: datetime,
    *,
    within: bool,
) -> Remedy:
    """A remedy within the proposer's authority (approved at once), or above it (proposed)."""
    authority = setting.authority
    if within:
        grantable = [
            (kind, smallest, largest)
            for kind, smallest, largest in MONEY_REMEDIES
            if authority.covers(kind, Decimal(smallest))
        ]
        if not grantable or rng.random() < 0.3:
            kind, amount = RemedyKind.APOLOGY, None
        else:
            kind, smallest, largest = rng.choice(grantable)
            limit = authority.limit_for(kind)
            top = largest if limit is None else min(largest, int(limit))
            amount = Decimal(rng.randint(smallest, top))
    else:
        # Above a limit the proposer has (none at all counts as zero).
        limited = [row for row in MONEY_REMEDIES if authority.limit_for(row[0]) is not None]
        kind, smallest, largest = rng.choice(limited)
        amount = authority.limit_for(kind) + Decimal(rng.randint(smallest, largest))
    return build_remedy(
        complaint=complaint,
        kind=kind,
        amount=amount,
        proposer=proposer,
        authority=authority,
        at=at,
    )
