"""Synthetic complaints in bulk, the complaints app's step of ``manage.py seed_scale``.

About one complaint per customer of the batch, in every status, with about three timeline
entries and half a remedy each, and the after-resolution check-in of each resolved complaint.
Most are closed, as in a business that has run for a while; the open ones are recent, some
past their SLA deadlines. Rows go in with ``bulk_create`` and no history, like the customers'.
"""

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, LPad

from complaints.authority import Authority, authority_of
from complaints.models import (
    Category,
    Complaint,
    ComplaintHandoff,
    ComplaintUpdate,
    Remedy,
    RemedyKind,
    RootCause,
    Severity,
    SLATarget,
)
from crm.calendar import BusinessCalendar
from customers.models import Channel, Customer, FollowUp, FollowUpReschedule
from customers.scale import INSERT_ROWS, ScaleBatch, ScaleStep

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
REPEAT_WINDOW = timedelta(days=90)
MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)
CHECK_IN = timedelta(days=settings.COMPLAINT_CHECK_IN_DAYS)
# Used when an owner deleted a severity's targets: (first response, update, resolution).
FALLBACK_TARGET_MINUTES = (240, 480, 2400)
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

    categories: list[int]
    root_causes: list[int]
    targets: dict[str, tuple[int, int, int]]
    calendar: BusinessCalendar
    authority: Authority  # the scale staff's: all of them are front-line staff

    @classmethod
    def load(cls, batch: ScaleBatch) -> "_Setting":
        return cls(
            categories=list(
                Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)
            ),
            root_causes=list(RootCause.objects.values_list("pk", flat=True)),
            targets={
                target.severity: (
                    target.first_response_minutes,
                    target.update_interval_minutes,
                    target.resolution_minutes,
                )
                for target in SLATarget.objects.all()
            },
            calendar=BusinessCalendar.load(),
            authority=authority_of(batch.staff[0]),
        )


def seed_complaints(batch: ScaleBatch) -> dict[str, int]:
    """Create about one complaint per customer of the batch, with updates and remedies."""
    rng, now = batch.rng, batch.now
    setting = _Setting.load(batch)
    drafts: list[_Draft] = []
    for customer in batch.customers:
        count = rng.choices(COMPLAINTS_PER_CUSTOMER, COMPLAINTS_WEIGHTS)[0]
        own = sorted(
            (_draft(customer, rng, now, setting, batch.staff) for _number in range(count)),
            key=lambda draft: draft.complaint.received_at,
        )
        for earlier, later in itertools.pairwise(own):
            gap = later.complaint.received_at - earlier.complaint.received_at
            later.complaint.is_repeat = timedelta(0) < gap <= REPEAT_WINDOW
        drafts += own
    complaints = Complaint.objects.bulk_create(
        [draft.complaint for draft in drafts], batch_size=INSERT_ROWS
    )
    _set_references(complaints)
    updates, remedies = [], []
    for draft in drafts:
        for row in draft.updates:
            row.complaint_id = draft.complaint.pk
            updates.append(row)
        for row in draft.remedies:
            row.complaint_id = draft.complaint.pk
            remedies.append(row)
    ComplaintUpdate.objects.bulk_create(updates, batch_size=INSERT_ROWS)
    Remedy.objects.bulk_create(remedies, batch_size=INSERT_ROWS)
    check_ins = _check_ins(complaints)
    FollowUp.objects.bulk_create(check_ins, batch_size=INSERT_ROWS)
    return {
        "complaints": len(complaints),
        "complaint updates": len(updates),
        "remedies": len(remedies),
        "complaint check-ins": len(check_ins),
    }


def _set_references(complaints: list[Complaint]) -> None:
    """Give the new complaints their references as logging does, from their keys: C-000123.

    One UPDATE computed by the database: updating row by row took a quarter of the step.
    """
    if not complaints:
        return
    keys = [complaint.pk for complaint in complaints]
    digits = Cast("pk", output_field=CharField())
    # Six digits at least, as f"C-{pk:06d}" gives: LPAD would cut a longer number short.
    padded = Case(When(pk__lt=1_000_000, then=LPad(digits, 6, Value("0"))), default=digits)
    Complaint.objects.filter(pk__gte=min(keys), pk__lte=max(keys), reference=None).update(
        reference=Concat(Value("C-"), padded, output_field=CharField())
    )
    for complaint in complaints:
        complaint.reference = f"C-{complaint.pk:06d}"


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


def _draft(
    customer: Customer, rng: random.Random, now: datetime, setting: _Setting, staff: list
) -> _Draft:
    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
    received = _received(status, customer, rng, now)
    # A customer too new for a complaint closed after its check-in has it still resolved.
    if status == Status.CLOSED and now - received < CHECK_IN + DAY:
        status = Status.RESOLVED
    severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
    first_response, update_interval, resolution = setting.targets.get(
        severity, FALLBACK_TARGET_MINUTES
    )
    owner_id = customer.account_owner_id if rng.random() < 0.8 else rng.choice(staff).pk
    words, heard = rng.choice(WORDS)
    add = setting.calendar.add_business_minutes
    complaint = Complaint(
        customer_id=customer.pk,
        channel=rng.choice(CHANNELS),
        received_at=received,
        logged_by_id=owner_id,
        owner_id=owner_id,
        category_id=rng.choice(setting.categories) if setting.categories else None,
        severity=severity,
        customer_words=words,
        what_we_heard=heard,
        heard_confirmed=rng.random() < 0.6,
        expected_by=received + timedelta(days=rng.uniform(2, 12)),
        first_response_due=add(received, first_response),
        next_update_due=add(received, update_interval),
        resolution_due=add(received, resolution),
        status=status,
        created_at=received,
        # Seeded complaints need no intake alerts: the sweep must not send thousands.
        intake_done_at=received,
    )
    if rng.random() < 0.3:
        complaint.needs_by = received + timedelta(days=rng.randint(1, 7))
    updates = [_update(Kind.NOTE, received, owner_id, text="Complaint logged.")]
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
            owner_id,
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
        updates.append(_status(Status.ACKNOWLEDGED, status, resolved, owner_id))
        if status == Status.WAITING_ON_CUSTOMER:
            complaint.paused_at = resolved
        elif rng.random() < 0.3:
            remedies.append(_remedy(rng, setting, owner_id, resolved, within=True))
    elif status == Status.AWAITING_APPROVAL:
        remedies.append(_remedy(rng, setting, owner_id, resolved, within=False))
        updates.append(_status(Status.ACKNOWLEDGED, status, resolved, owner_id))
    elif status in {Status.RESOLVED, Status.CLOSED}:
        if rng.random() < 0.7:
            remedies.append(_remedy(rng, setting, owner_id, resolved, within=True))
            remedies[-1].decision = Remedy.Decision.DELIVERED
            remedies[-1].delivered_at = resolved
        complaint.resolved_at = resolved
        updates.append(_status(Status.ACKNOWLEDGED, Status.RESOLVED, resolved, owner_id))
    if closed:
        complaint.closed_at = complaint.satisfied_at = closed
        complaint.outcome_satisfied = True
        complaint.handling_rating = rng.choices([1, 2, 3, 4, 5], [3, 7, 20, 35, 35])[0]
        complaint.root_cause_id = rng.choice(setting.root_causes) if setting.root_causes else None
        complaint.corrective_note = rng.choice(CORRECTIVE_NOTES)
        updates.append(_status(Status.RESOLVED, Status.CLOSED, closed, owner_id))
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


def _update(kind: str, at: datetime, author_id: int, *, text="", channel="") -> ComplaintUpdate:
    return ComplaintUpdate(
        kind=kind, created_at=at, author_id=author_id, text=text, channel=channel
    )


def _status(old: str, new: str, at: datetime, author_id: int) -> ComplaintUpdate:
    update = _update(Kind.STATUS, at, author_id)
    update.from_status, update.to_status = old, new
    return update


def _remedy(
    rng: random.Random, setting: _Setting, proposer_id: int, at: datetime, *, within: bool
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
    remedy = Remedy(
        kind=kind,
        amount=amount,
        proposed_by_id=proposer_id,
        proposed_at=at,
        decision=Remedy.Decision.APPROVED if within else Remedy.Decision.PROPOSED,
        auto_approved=within,
    )
    if within:
        remedy.decided_by_id, remedy.decided_at = proposer_id, at
    return remedy


def _check_ins(complaints: list[Complaint]) -> list[FollowUp]:
    """The open after-resolution check-in of each resolved (not yet closed) complaint."""
    complaint_type = ContentType.objects.get_for_model(Complaint)
    return [
        FollowUp(
            customer_id=complaint.customer_id,
            owner_id=complaint.owner_id,
            kind=FollowUp.Kind.AFTER_RESOLUTION,
            subject=f"Check-in on {complaint.reference}: did the fix hold?",
            due_at=complaint.resolved_at + timedelta(days=settings.COMPLAINT_CHECK_IN_DAYS),
            created_by_id=complaint.owner_id,
            created_at=complaint.resolved_at,
            assigned_at=complaint.resolved_at,
            source_type=complaint_type,
            source_id=complaint.pk,
        )
        for complaint in complaints
        if complaint.status == Status.RESOLVED
    ]
