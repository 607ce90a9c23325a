"""Synthetic customers in bulk, for benchmarks on a realistically large data set.

``manage.py seed_scale`` builds the data set in batches. For each batch it runs every app's
``ScaleStep`` in turn: this module's step creates the customers with their contacts,
interactions and follow-ups; the steps of the apps above `customers` (complaints, onboarding)
add their rows for the same customers. Every row is built by its service's builder
(``build_follow_up``…), so it holds what the service would store; rows go in without history,
through ``crm.bulk.insert_rows`` (COPY on PostgreSQL) where nothing points at them and
``bulk_create`` where later rows need their keys: the point is volume, fast.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from crm import roles
from crm.bulk import insert_rows
from customers.models import (
    Channel,
    Contact,
    Customer,
    FollowUp,
    FollowUpReschedule,
    Interaction,
)
from customers.services import build_follow_up, build_interaction, mark_done

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SCALE_EMAIL_DOMAIN = "scale.tend.example"  # reserved for examples (RFC 2606)
SCALE_STAFF_PREFIX = "scale-staff-"
SCALE_STAFF_COUNT = 10
DAY_SECONDS = 24 * 60 * 60
# Contacts' phone numbers come from a range of their own, so each number belongs to one person
# (as long as there are fewer than ten million customers).
CONTACT_PHONES_FROM = 10_000_000


@dataclass
class ScaleBatch:
    """One batch of the synthetic data set, handed to every step in turn.

    The customers step fills ``customers`` and ``contacts``; later steps read them.
    """

    first: int  # the number of the batch's first customer; numbers are unique in the data set
    size: int
    now: datetime
    rng: random.Random
    staff: list["User"]
    customers: list[Customer] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)

    def numbers(self) -> range:
        """Return the numbers of the batch's customers, in order."""
        return range(self.first, self.first + self.size)


@dataclass(frozen=True)
class ScaleStep:
    """One app's share of the data set: add its rows for a batch, and remove all of them.

    Both return the number of rows per kind of row, e.g. ``{"contacts": 4012}``.
    """

    name: str
    seed: Callable[[ScaleBatch], dict[str, int]]
    clear: Callable[[], dict[str, int]]


def ensure_scale_staff(count: int = SCALE_STAFF_COUNT) -> list["User"]:
    """Return the front-line staff who own the synthetic work, creating those missing."""
    user_model = get_user_model()
    usernames = [f"{SCALE_STAFF_PREFIX}{number}" for number in range(1, count + 1)]
    existing = set(user_model.objects.filter(username__in=usernames).values_list("username"))
    missing = []
    for username in usernames:
        if (username,) in existing:
            continue
        user = user_model(
            username=username,
            first_name="Scale",
            last_name=f"Staff {username.removeprefix(SCALE_STAFF_PREFIX)}",
            email=f"{username}@{SCALE_EMAIL_DOMAIN}",
        )
        # Nobody signs in as them, and hashing ten passwords would cost seconds.
        user.set_unusable_password()
        missing.append(user)
    if missing:
        user_model.objects.bulk_create(missing)
        # Read back: not every database returns the new keys from a bulk insert.
        created = user_model.objects.filter(username__in=[user.username for user in missing])
        Group.objects.get(name=roles.FRONT_LINE_STAFF).user_set.add(*created)
    return list(user_model.objects.filter(username__in=usernames).order_by("pk"))


# --- The customers step --------------------------------------------------------------------------

PLACES = [
    "Harbour", "Maple", "Northgate", "Riverside", "Oakwood", "Summit", "Willow", "Granite",
    "Cedar", "Brookside", "Hillcrest", "Lakeview", "Meadow", "Pioneer", "Silverline", "Élan",
    "Fjord", "Sunrise", "Copper", "Ironbridge",
]  # fmt: skip
TRADES = [
    "Bakery", "Café", "Dental Practice", "Florist", "Coworking", "Hotel", "Print Shop",
    "Bistro", "Fitness Studio", "Bookshop", "Architects", "Veterinary Clinic", "Deli",
    "Garage", "Salon", "Accounting", "Brewery", "Pharmacy", "Gallery", "Law Office",
]  # fmt: skip
FIRST_NAMES = [
    "Zoë", "José", "Priya", "Tom", "Aoife", "Renée", "Marcus", "Hannah", "Kenji", "François",
    "Amara", "Lucía", "Oleksandr", "Grace", "Björn", "Nadia", "Sipho", "Emily", "Mateo",
    "Chloé", "Liam", "Mei", "Omar", "Sofia", "Noah", "Ingrid", "Ravi", "Ana", "Jonas", "Leila",
]  # fmt: skip
LAST_NAMES = [
    "Müller", "Álvarez", "Natarajan", "Becker", "Ní Bhriain", "Dubois", "Johnson", "Schmidt",
    "Watanabe", "Lefèvre", "Nwosu", "Fernández", "Kovalenko", "O'Connell", "Andersson",
    "Haddad", "Dlamini", "Carter", "Rossi", "Martin", "Smith", "Chen", "Okafor", "García",
    "Nowak", "Silva", "Khan", "Jensen", "Moreau", "Park",
]  # fmt: skip
ROLES = ["Owner", "Manager", "Office manager", "Finance", "Head of operations", "Partner"]
AREA_CODES = ["212", "312", "415", "503", "617", "702", "808", "919"]
# The ways people write the same number; lookups must find every one.
PHONE_FORMS = [
    "({area}) {exchange}-{line}",
    "{area}-{exchange}-{line}",
    "+1 {area} {exchange} {line}",
    "{area}.{exchange}.{line}",
    "+1{area}{exchange}{line}",
]
STATUSES = [
    Customer.Status.ACTIVE,
    Customer.Status.PROSPECT,
    Customer.Status.ONBOARDING,
    Customer.Status.FORMER,
]
STATUS_WEIGHTS = [60, 15, 10, 15]
LOST_REASONS = [reason for reason, _label in Customer.LostReason.choices]
CHANNELS = [channel for channel, _label in Channel.choices]
# (days, from, until): about a third of customers say when they like to hear from us.
WINDOWS = [
    ("", None, None),
    ("", None, None),
    ("", None, None),
    ("", None, None),
    ("01234", time(9, 0), time(17, 0)),
    ("56", time(10, 0), time(16, 0)),
    ("123", time(13, 0), time(16, 30)),
]
INTERESTS = ["espresso", "filter coffee", "decaf", "office coffee", "gifts", "subscription"]
SUMMARIES = [
    ("Placed a repeat order", ""),
    ("Asked about delivery times", "They need deliveries before the morning opening."),
    ("Invoice question", "The invoice showed an old price; they want it corrected."),
    ("Checked in", "Happy with the product and the service."),
    ("Complained about a late delivery", "Ran out of stock; deliveries must arrive by Friday."),
    ("Asked for a recommendation", "Want something new to offer their own customers."),
    ("Updated their contact details", ""),
]
OPEN_KINDS = [FollowUp.Kind.CALLBACK, FollowUp.Kind.PROMISE, FollowUp.Kind.CHECK_IN]
DONE_KINDS = [*OPEN_KINDS, FollowUp.Kind.KEEP_IN_TOUCH, FollowUp.Kind.OTHER]


def seed_customers(batch: ScaleBatch) -> dict[str, int]:
    """Create the batch's customers, with about 2 contacts, 10 interactions, 5 follow-ups each."""
    rng, now = batch.rng, batch.now
    customers = [_customer(number, rng, now, batch.staff) for number in batch.numbers()]
    insert_rows(Customer, customers, keys=True)
    contacts = [
        contact
        for number, customer in zip(batch.numbers(), customers, strict=True)
        for contact in _contacts(number, customer, rng)
    ]
    insert_rows(Contact, contacts, keys=True)
    contacts_of: dict[int, list[Contact]] = {}
    for contact in contacts:
        contacts_of.setdefault(contact.customer_id, []).append(contact)
    interactions = [
        interaction
        for customer in customers
        for interaction in _interactions(customer, contacts_of[customer.pk], rng, now)
    ]
    insert_rows(Interaction, interactions)
    follow_ups = [
        follow_up
        for customer in customers
        for follow_up in _follow_ups(customer, rng, now, batch.staff)
    ]
    insert_rows(FollowUp, follow_ups)
    batch.customers, batch.contacts = customers, contacts
    return {
        "customers": len(customers),
        "contacts": len(contacts),
        "interactions": len(interactions),
        "follow-ups": len(follow_ups),
    }


def clear_customers() -> dict[str, int]:
    """Delete every customer and all that hangs off them, including their history.

    Raw deletes, children first: the ORM's delete would load every row to send signals
    (simple-history listens), which takes longer than creating them did.
    """
    querysets = {
        "follow-up reschedules": FollowUpReschedule.objects.all(),
        "follow-ups": FollowUp.objects.all(),
        "follow-up history": FollowUp.history.model.objects.all(),
        "interactions": Interaction.objects.all(),
        "interaction history": Interaction.history.model.objects.all(),
        "contacts": Contact.objects.all(),
        "contact history": Contact.history.model.objects.all(),
        "customers": Customer.objects.all(),
        "customer history": Customer.history.model.objects.all(),
    }
    return {label: queryset._raw_delete(queryset.db) for label, queryset in querysets.items()}


CUSTOMERS_STEP = ScaleStep("customers", seed_customers, clear_customers)


def _customer(number: int, rng: random.Random, now: datetime, staff: list) -> Customer:
    is_business = rng.random() < 0.4
    if is_business:
        name = f"{rng.choice(PLACES)} {rng.choice(TRADES)}"
        if rng.random() < 0.5:
            name = f"{rng.choice(LAST_NAMES)} {rng.choice(TRADES)}"
    else:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
    created_at = now - timedelta(seconds=rng.randrange(3 * 365 * DAY_SECONDS))
    contact_days, contact_from, contact_until = rng.choice(WINDOWS)
    customer = Customer(
        kind=Customer.Kind.BUSINESS if is_business else Customer.Kind.INDIVIDUAL,
        name=name,
        status=status,
        account_owner=staff[number % len(staff)],
        phone=_phone(number),
        email=f"customer{number}@{SCALE_EMAIL_DOMAIN}",
        preferred_channel=rng.choice(CHANNELS),
        contact_days=contact_days,
        contact_from=contact_from,
        contact_until=contact_until,
        do_not_contact=rng.random() < 0.03,
        interests=", ".join(rng.sample(INTERESTS, rng.randint(0, 3))),
        created_at=created_at,
    )
    if status != Customer.Status.PROSPECT:
        became = min(now, created_at + timedelta(days=rng.randint(0, 30)))
        customer.became_customer_on = became.date()
        if status == Customer.Status.FORMER:
            customer.lost_on = (became + (now - became) * rng.random()).date()
            customer.lost_reason = rng.choice(LOST_REASONS)
    customer.set_derived_fields()
    return customer


def _phone(number: int) -> str:
    """Return a distinct phone number for each number, written in one of several ways."""
    area = AREA_CODES[number % len(AREA_CODES)]
    local = number // len(AREA_CODES)
    exchange, line = 200 + local // 10_000, local % 10_000
    return PHONE_FORMS[number % len(PHONE_FORMS)].format(
        area=area, exchange=exchange, line=f"{line:04d}"
    )


def _contacts(number: int, customer: Customer, rng: random.Random) -> list[Contact]:
    contacts = []
    for position in range(rng.randint(1, 3)):
        contact = Contact(
            customer_id=customer.pk,
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            role=rng.choice(ROLES),
            email=f"contact{position}.{number}@{SCALE_EMAIL_DOMAIN}",
            phone=_phone(CONTACT_PHONES_FROM + 3 * number + position),
            is_primary=position == 0,
        )
        contact.set_derived_fields()
        contacts.append(contact)
    return contacts


def _interactions(
    customer: Customer, contacts: list[Contact], rng: random.Random, now: datetime
) -> list[Interaction]:
    interactions = []
    for _number in range(rng.randint(5, 15)):
        summary, heard = rng.choice(SUMMARIES)
        interactions.append(
            build_interaction(
                customer=customer,
                contact=rng.choice(contacts) if rng.random() < 0.7 else None,
                staff=customer.account_owner,
                channel=rng.choice(CHANNELS),
                direction=rng.choice(
                    [Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND]
                ),
                occurred_at=now - timedelta(seconds=rng.randrange(365 * DAY_SECONDS)),
                summary=summary,
                what_we_heard=heard,
                is_positive=rng.random() < 0.25,
            )
        )
    return interactions


def _follow_ups(
    customer: Customer, rng: random.Random, now: datetime, staff: list
) -> list[FollowUp]:
    follow_ups = []
    for _number in range(rng.randint(3, 7)):
        owner = customer.account_owner if rng.random() < 0.8 else rng.choice(staff)
        roll = rng.random()
        if roll < 0.6:  # kept
            kind = rng.choice(DONE_KINDS)
            due_at = now - timedelta(seconds=rng.randrange(1, 365 * DAY_SECONDS))
        elif roll < 0.75:  # cancelled, or overdue
            kind = rng.choice(OPEN_KINDS)
            ago = (1, 365 * DAY_SECONDS) if roll < 0.65 else (60, 14 * DAY_SECONDS)
            due_at = now - timedelta(seconds=rng.randrange(*ago))
        else:  # open: due in the next hours or weeks
            kind = rng.choice(OPEN_KINDS)
            due_at = now + timedelta(seconds=rng.randrange(60, 30 * DAY_SECONDS))
        subject = rng.choice(SUMMARIES)[0]
        promised = rng.random() < 0.3
        follow_up = build_follow_up(
            customer=customer,
            owner=owner,
            kind=kind,
            subject=subject,
            due_at=due_at,
            promised_to_customer=promised,
            created_by=owner,
            now=min(now, due_at) - timedelta(days=rng.randint(0, 5)),
        )
        if roll < 0.6:
            mark_done(
                follow_up,
                by=owner,
                at=due_at + timedelta(minutes=rng.randint(-240, 120)),
                outcome="Done as promised.",
            )
        elif roll < 0.65:
            follow_up.status, follow_up.outcome = FollowUp.Status.CANCELLED, "No longer needed."
        follow_ups.append(follow_up)
    return follow_ups
