"""Demo customers for a first look at Tend: a small coffee roaster and the people it serves.

Bright Bean Roasters sells wholesale to cafés, restaurants and offices, and coffee subscriptions
to households. The data tells the stories Tend is for: loyal regulars, newcomers being welcomed,
prospects to win and customers lost (with why), promises kept and promises running late.

Everything is placed relative to the moment of seeding, and every choice comes from a random
generator with a fixed seed, so two runs at the same moment build the same data.
"""

import random
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from crm.calendar import subtract_business_minutes
from customers.demo_data import (
    ACTIVE,
    BUSINESS,
    BUSINESS_TOUCHES,
    DEMO_CUSTOMERS,
    DEMO_EMAIL_DOMAIN,
    DEMO_SEED,
    INBOUND,
    INDIVIDUAL_TOUCHES,
    KEPT_PROMISES,
    LATER_WORK,
    ONBOARDING,
    ONBOARDING_TOUCHES,
    PROSPECT,
    PROSPECT_TOUCHES,
    SCENES,
    STREETS,
    DemoCustomer,
    Kind,
    Scene,
)
from customers.models import (
    Channel,
    Contact,
    Customer,
    FollowUp,
    FollowUpReschedule,
    Interaction,
)
from customers.services import build_follow_up, build_interaction, mark_done
from customers.text import search_key

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def has_demo_customers() -> bool:
    """Tell whether the demo customers were seeded already."""
    return Customer.objects.filter(email__iendswith=DEMO_EMAIL_DOMAIN).exists()


@transaction.atomic
def seed_demo_customers(*, staff: Mapping[str, "User"], now: datetime | None = None) -> int:
    """Create the demo customers and their history once; return how many customers were made.

    ``staff`` maps the demo usernames (sam, alex, sue) to their users. Nothing is created when
    the demo customers exist already.
    """
    if has_demo_customers():
        return 0
    return _DemoBuilder(staff, now or timezone.now()).build()


class _DemoBuilder:
    def __init__(self, staff: Mapping[str, "User"], now: datetime) -> None:
        self.staff = staff
        self.now = now
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localtime(now, self.tz).date()
        self.rng = random.Random(DEMO_SEED)  # noqa: S311 - repeatable demo data, not secrets
        self.customers: dict[str, Customer] = {}
        self.contacts: dict[int, list[Contact]] = {}

    def build(self) -> int:
        for number, spec in enumerate(DEMO_CUSTOMERS):
            self.customers[spec.key] = self._customer(number, spec)
        self._contacts()
        self._history()
        self._scenes()
        return len(self.customers)

    # --- who they are ---------------------------------------------------------------------

    def _customer(self, number: int, spec: DemoCustomer) -> Customer:
        days, contact_from, contact_until = spec.window
        became = self._became_on(spec.status)
        customer = Customer(
            kind=spec.kind,
            name=spec.name,
            status=spec.status,
            account_owner=self.staff[spec.owner],
            phone=_written_phone(number),
            email=_email(spec) if spec.has_email else "",
            address=self._address(),
            preferred_channel=spec.channel,
            contact_days=days,
            contact_from=contact_from,
            contact_until=contact_until,
            do_not_contact=spec.do_not_contact,
            interests=spec.interests,
            goals=spec.goals,
            referred_by=self.customers[spec.referred_by] if spec.referred_by else None,
            keep_in_touch_days=spec.keep_in_touch_days,
            became_customer_on=became,
            created_at=self._at(
                (self.today - became).days + self.rng.randint(5, 30)
                if became
                else self.rng.randint(5, 60)
            ),
        )
        if spec.lost:
            customer.lost_on = self.today - timedelta(days=self.rng.randint(20, 150))
            customer.lost_reason, customer.lost_note = spec.lost
        # One by one through save(): the derived fields are filled and history is recorded.
        customer.save()
        return customer

    def _became_on(self, status: str) -> date | None:
        if status == PROSPECT:
            return None
        if status == ONBOARDING:
            return self.today - timedelta(days=self.rng.randint(3, 20))
        if status == ACTIVE:
            return self.today - timedelta(days=self.rng.randint(120, 900))
        return self.today - timedelta(days=self.rng.randint(300, 900))

    def _address(self) -> str:
        number, street = self.rng.randint(10, 980), self.rng.choice(STREETS)
        return f"{number} {street}\nSan Francisco, CA 94{self.rng.randint(102, 134)}"

    def _contacts(self) -> None:
        rows = []
        # Numbers after the customers' own, so that every number belongs to one person.
        number = len(DEMO_CUSTOMERS)
        for spec in DEMO_CUSTOMERS:
            customer = self.customers[spec.key]
            for position, (name, role) in enumerate(spec.contacts):
                first_name = name.removeprefix("Dr. ").split()[0]
                contact = Contact(
                    customer=customer,
                    name=name,
                    role=role,
                    email=f"{_local_part(first_name)}@{_slug(spec.name)}.{DEMO_EMAIL_DOMAIN}",
                    phone=_written_phone(number),
                    preferred_channel=self.rng.choice(["", Channel.PHONE, Channel.EMAIL]),
                    is_primary=position == 0,
                    notes=self.rng.choice(
                        ["", "", "Prefers a quick call to an email.", "Back from leave in May."]
                    ),
                )
                contact.set_derived_fields()
                rows.append(contact)
                number += 1
        for contact in bulk_create_with_history(rows, Contact, default_date=self.now):
            self.contacts.setdefault(contact.customer_id, []).append(contact)

    # --- what happened --------------------------------------------------------------------

    def _history(self) -> None:
        """A few months of contact and kept (or cancelled) commitments for every customer."""
        interactions: list[Interaction] = []
        follow_ups: list[FollowUp] = []
        for spec in DEMO_CUSTOMERS:
            customer = self.customers[spec.key]
            interactions += self._interactions(spec, customer)
            follow_ups += self._kept_commitments(spec, customer)
        bulk_create_with_history(interactions, Interaction, default_date=self.now)
        bulk_create_with_history(follow_ups, FollowUp, default_date=self.now)

    def _interactions(self, spec: DemoCustomer, customer: Customer) -> list[Interaction]:
        if spec.status == PROSPECT:
            touches, count = PROSPECT_TOUCHES, self.rng.randint(1, 3)
        elif spec.status == ONBOARDING:
            touches, count = ONBOARDING_TOUCHES, self.rng.randint(2, 4)
        elif spec.kind == BUSINESS:
            touches, count = BUSINESS_TOUCHES, self.rng.randint(4, 8)
        else:
            touches, count = INDIVIDUAL_TOUCHES, self.rng.randint(3, 6)
        # Four months of contact, ending a day ago or when they left; none before they came.
        newest = (self.today - customer.lost_on).days + 1 if customer.lost_on else 1
        oldest = min(newest + 120, (self.now - customer.created_at).days - 1)
        rows = []
        for touch in self.rng.sample(touches, min(count, len(touches))):
            summary, heard, channel, direction, positive = touch
            rows.append(
                build_interaction(
                    customer=customer,
                    contact=self._some_contact(customer),
                    staff=self._some_staff(spec.owner),
                    channel=channel,
                    direction=direction,
                    occurred_at=self._at(self.rng.randint(newest, max(newest, oldest))),
                    summary=summary,
                    what_we_heard=heard,
                    is_positive=positive,
                )
            )
        if customer.lost_on:
            rows.append(
                build_interaction(
                    customer=customer,
                    contact=self._some_contact(customer),
                    staff=self.staff[spec.owner],
                    channel=Channel.PHONE,
                    direction=INBOUND,
                    occurred_at=self._at((self.today - customer.lost_on).days),
                    summary="Closed the account",
                    what_we_heard=customer.lost_note,
                )
            )
        return rows

    def _kept_commitments(self, spec: DemoCustomer, customer: Customer) -> list[FollowUp]:
        if spec.status == PROSPECT:
            return []
        newest = (self.today - customer.lost_on).days + 2 if customer.lost_on else 2
        oldest = max(newest, min(newest + 100, (self.now - customer.created_at).days - 2))
        kept = KEPT_PROMISES
        if spec.status == ONBOARDING:
            # Still being welcomed: no after-onboarding or keep-in-touch calls yet.
            kept = [
                row for row in kept if row[2] not in {Kind.AFTER_ONBOARDING, Kind.KEEP_IN_TOUCH}
            ]
        rows = []
        for subject, outcome, kind in self.rng.sample(kept, self.rng.randint(1, 3)):
            due_at = self._at(self.rng.randint(newest, oldest))
            # Most are kept early; one in four runs a little late, as in real life.
            lateness = timedelta(minutes=self.rng.choice([-90, -45, -20, -5, 40]))
            owner = self.staff[spec.owner]
            follow_up = build_follow_up(
                customer=customer,
                owner=owner,
                kind=kind,
                subject=subject,
                due_at=due_at,
                promised_to_customer=kind in {Kind.PROMISE, Kind.CALLBACK},
                channel=spec.channel,
                created_by=owner,
                # A callback is due within the response target of its request; other
                # commitments are made days ahead.
                now=subtract_business_minutes(due_at, settings.CALLBACK_RESPONSE_MINUTES)
                if kind == Kind.CALLBACK
                else due_at - timedelta(days=self.rng.randint(1, 4)),
            )
            mark_done(follow_up, by=owner, at=due_at + lateness, outcome=outcome)
            rows.append(follow_up)
        if spec.key == "emily":
            follow_up = build_follow_up(
                customer=customer,
                owner=self.staff[spec.owner],
                kind=Kind.OTHER,
                subject="Send the loyalty discount offer",
                due_at=self._at(newest),
                created_by=self.staff[spec.owner],
                now=self._at(newest + 5),
            )
            follow_up.status = FollowUp.Status.CANCELLED
            follow_up.outcome = "She left and asked not to be contacted."
            rows.append(follow_up)
        elif spec.status == ACTIVE and not spec.do_not_contact and self.rng.random() < 0.5:
            subject, kind = self.rng.choice(LATER_WORK)
            rows.append(
                build_follow_up(
                    customer=customer,
                    owner=self.staff[spec.owner],
                    kind=kind,
                    subject=subject,
                    due_at=self._ahead(self.rng.randint(3, 21)),
                    channel=spec.channel,
                    created_by=self.staff[spec.owner],
                    now=self._at(self.rng.randint(1, 10)),
                )
            )
        return rows

    def _scenes(self) -> None:
        """The open commitments people see first: overdue, due today, due soon."""
        requests = {
            scene: build_interaction(
                customer=self.customers[scene.customer],
                contact=self._some_contact(self.customers[scene.customer]),
                staff=self.staff[scene.owner],
                channel=Channel.PHONE,
                direction=INBOUND,
                # The request came in before the callback fell due, and never in the future.
                occurred_at=min(
                    self._due(scene) - timedelta(hours=1), self.now - timedelta(minutes=20)
                ),
                summary=scene.subject.removeprefix("Call back: ").capitalize(),
                what_we_heard=scene.heard,
            )
            for scene in SCENES
            if scene.heard
        }
        bulk_create_with_history(list(requests.values()), Interaction, default_date=self.now)
        rows = []
        for scene in SCENES:
            due_at = self._due(scene)
            owner = self.staff[scene.owner]
            if scene.assigned_by:
                created_by, assigned_at = self.staff[scene.assigned_by], self.now
            else:
                created_by, assigned_at = owner, min(self.now, due_at) - timedelta(days=1)
            rows.append(
                build_follow_up(
                    customer=self.customers[scene.customer],
                    owner=owner,
                    kind=scene.kind,
                    subject=scene.subject,
                    due_at=due_at,
                    promised_to_customer=scene.promised,
                    channel=self.customers[scene.customer].preferred_channel,
                    created_by=created_by,
                    source=requests.get(scene),
                    now=assigned_at,
                )
            )
        follow_ups = bulk_create_with_history(rows, FollowUp, default_date=self.now)
        FollowUpReschedule.objects.bulk_create(
            FollowUpReschedule(
                follow_up=follow_up,
                old_due_at=follow_up.due_at - timedelta(days=2),
                new_due_at=follow_up.due_at,
                reason="Samples were held up at the courier.",
                customer_told=True,
                changed_by=follow_up.owner,
                changed_at=self.now - timedelta(days=1),
            )
            for scene, follow_up in zip(SCENES, follow_ups, strict=True)
            if scene.rescheduled
        )

    # --- helpers ----------------------------------------------------------------------------

    def _due(self, scene: Scene) -> datetime:
        if scene.due == "overdue":
            return self.now - timedelta(hours=scene.amount)
        if scene.due == "today":
            # A share of what is left of today: late in the evening it is still today and ahead.
            midnight = datetime.combine(self.today + timedelta(days=1), time.min, self.tz)
            return self.now + (midnight - self.now) * scene.amount
        return self._ahead(int(scene.amount))

    def _at(self, days_ago: int) -> datetime:
        """A moment during working hours that many days ago (never in the future)."""
        moment = datetime.combine(
            self.today - timedelta(days=days_ago),
            time(self.rng.randint(8, 17), self.rng.choice([0, 10, 25, 40, 55])),
            self.tz,
        )
        return min(moment, self.now - timedelta(minutes=5))

    def _ahead(self, days: int) -> datetime:
        return datetime.combine(self.today + timedelta(days=days), time(10, 0), self.tz)

    def _some_contact(self, customer: Customer) -> Contact | None:
        contacts = self.contacts.get(customer.pk)
        return self.rng.choice(contacts) if contacts else None

    def _some_staff(self, owner: str):
        # The account owner handles most contact; colleagues cover now and then.
        if self.rng.random() < 0.75:
            return self.staff[owner]
        return self.staff[self.rng.choice(["sam", "alex", "sue"])]


# Written the many ways people write numbers, so that searching by any form can be tried.
PHONE_FORMS = [
    "({area}) 555-{line}",
    "{area}-555-{line}",
    "+1 {area} 555 {line}",
    "{area}.555.{line}",
    "1 ({area}) 555 {line}",
    "+1{area}555{line}",
    "{area} 555 {line}",
]


def _written_phone(number: int) -> str:
    """A fictional US number (555-0100 to 0199 are for fiction), written one of many ways."""
    area = ["415", "510", "628"][number % 3]
    return PHONE_FORMS[number % len(PHONE_FORMS)].format(area=area, line=f"{100 + number:04d}")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", search_key(name)).strip("-")


def _local_part(name: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "", search_key(name).replace(" ", "."))


def _email(spec: DemoCustomer) -> str:
    if spec.kind == BUSINESS:
        return f"hello@{_slug(spec.name)}.{DEMO_EMAIL_DOMAIN}"
    return f"{_local_part(spec.name)}@{DEMO_EMAIL_DOMAIN}"
