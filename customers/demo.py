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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from customers.models import (
    Channel,
    Contact,
    Customer,
    FollowUp,
    FollowUpReschedule,
    Interaction,
)
from customers.text import search_key

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Reserved for examples (RFC 2606): mail to these addresses goes nowhere, and the domain marks
# the demo customers so that seeding again creates nothing more.
DEMO_EMAIL_DOMAIN = "demo.tend.example"
DEMO_SEED = 20240917

BUSINESS = Customer.Kind.BUSINESS
INDIVIDUAL = Customer.Kind.INDIVIDUAL
PROSPECT = Customer.Status.PROSPECT
ONBOARDING = Customer.Status.ONBOARDING
ACTIVE = Customer.Status.ACTIVE
FORMER = Customer.Status.FORMER
Kind = FollowUp.Kind
Lost = Customer.LostReason
INBOUND = Interaction.Direction.INBOUND
OUTBOUND = Interaction.Direction.OUTBOUND

# Contact windows: (weekdays as digits Monday=0, from, until).
ANY_TIME = ("", None, None)
AFTER_THE_RUSH = ("01234", time(10, 30), time(14, 0))
OFFICE_HOURS = ("01234", time(9, 0), time(17, 0))
MORNINGS = ("012345", time(8, 0), time(11, 0))
EVENINGS = ("01234", time(17, 30), time(20, 0))
WEEKENDS = ("56", time(10, 0), time(16, 0))
MID_WEEK = ("123", time(13, 0), time(16, 30))


@dataclass(frozen=True)
class DemoCustomer:
    key: str
    name: str
    kind: str
    status: str
    owner: str  # a demo username
    channel: str = Channel.PHONE
    window: tuple[str, time | None, time | None] = ANY_TIME
    interests: str = ""
    goals: str = ""
    do_not_contact: bool = False
    referred_by: str = ""  # the key of an earlier customer
    keep_in_touch_days: int | None = 90
    contacts: tuple[tuple[str, str], ...] = ()  # (name, role); the first is the primary
    lost: tuple[str, str] | None = None  # (reason, note), for former customers
    has_email: bool = True


DEMO_CUSTOMERS = [
    # Businesses.
    DemoCustomer(
        "harbour", "Harbour Street Café", BUSINESS, ACTIVE, "sam",
        window=AFTER_THE_RUSH, interests="espresso, house blend, barista training",
        goals="Keep the espresso consistent through the Saturday morning rush.",
        keep_in_touch_days=30,
        contacts=(("Maya Okafor", "Owner"), ("Luis Ortega", "Head barista")),
    ),
    DemoCustomer(
        "lindqvist", "Lindqvist & Sons Bakery", BUSINESS, ACTIVE, "alex",
        window=MORNINGS, interests="filter coffee, wholesale",
        goals="Serve a filter coffee that matches their cardamom buns.",
        contacts=(("Erik Lindqvist", "Co-owner"), ("Astrid Lindqvist", "Co-owner")),
    ),
    DemoCustomer(
        "northside", "Northside Coworking", BUSINESS, ACTIVE, "sam",
        channel=Channel.EMAIL, window=OFFICE_HOURS, interests="office coffee, bean-to-cup",
        goals="Good coffee for 120 members without a barista.", referred_by="harbour",
        contacts=(("Dana Whitfield", "Community manager"), ("Raj Mehta", "Finance"),
                  ("Ola Nordmann", "Facilities")),
    ),
    DemoCustomer(
        "elan", "Bistro Élan", BUSINESS, ACTIVE, "sue",
        window=MID_WEEK, interests="after-dinner espresso, decaf",
        goals="An after-dinner decaf guests cannot tell from the real thing.",
        contacts=(("Céline Arnaud", "Chef-owner"),),
    ),
    DemoCustomer(
        "greenfield", "Greenfield Dental Practice", BUSINESS, ACTIVE, "alex",
        channel=Channel.EMAIL, window=OFFICE_HOURS, interests="office coffee",
        goals="Something better than instant for staff and the waiting room.",
        keep_in_touch_days=120, contacts=(("Dr. Helen Park", "Practice owner"),),
    ),
    DemoCustomer(
        "pinecrest", "Pinecrest Hotel", BUSINESS, ACTIVE, "sue",
        channel=Channel.EMAIL, window=OFFICE_HOURS, interests="breakfast blend, room coffee",
        goals="A breakfast coffee guests mention in reviews.", keep_in_touch_days=60,
        contacts=(("Graham Doyle", "General manager"), ("Ines Moreau", "Food & beverage")),
    ),
    DemoCustomer(
        "copper", "The Copper Kettle", BUSINESS, ACTIVE, "sam",
        window=AFTER_THE_RUSH, interests="espresso, single origin",
        goals="Rotate a guest espresso every month.", contacts=(("Beth Hollis", "Manager"),),
    ),
    DemoCustomer(
        "muller", "Café Müller", BUSINESS, FORMER, "alex",
        window=AFTER_THE_RUSH, interests="espresso", contacts=(("Jürgen Müller", "Owner"),),
        lost=(Lost.COMPETITOR, "Moved to a roaster offering a free machine lease."),
    ),
    DemoCustomer(
        "sunrise", "Sunrise Yoga Studio", BUSINESS, ONBOARDING, "sam",
        channel=Channel.SMS, window=MID_WEEK, interests="decaf, herbal, retail bags",
        goals="Sell coffee bags at the front desk after classes.",
        contacts=(("Anika Shah", "Studio owner"),),
    ),
    DemoCustomer(
        "atlas", "Atlas Architects", BUSINESS, ONBOARDING, "alex",
        channel=Channel.EMAIL, window=OFFICE_HOURS, interests="office coffee, pour-over",
        goals="A coffee corner clients enjoy during meetings.",
        contacts=(("Tomás Ruiz", "Office manager"), ("Kate Lin", "Partner")),
    ),
    DemoCustomer(
        "riverside", "Riverside Books & Coffee", BUSINESS, ACTIVE, "sam",
        window=AFTER_THE_RUSH, interests="filter coffee, events, retail bags",
        goals="Host monthly tasting evenings for book clubs.", referred_by="copper",
        contacts=(("Noor Hassan", "Owner"), ("Felix Grant", "Events")),
    ),
    DemoCustomer(
        "fjord", "Fjord Design Studio", BUSINESS, PROSPECT, "sue",
        channel=Channel.VIDEO, window=MID_WEEK, interests="office coffee",
        goals="Replace the capsule machine.", keep_in_touch_days=None,
        contacts=(("Sigrid Haugen", "Studio manager"),),
    ),
    DemoCustomer(
        "oakwood", "Oakwood Veterinary Clinic", BUSINESS, PROSPECT, "alex",
        window=OFFICE_HOURS, interests="office coffee", keep_in_touch_days=None,
        contacts=(("Dr. Sam Oduya", "Partner"),),
    ),
    DemoCustomer(
        "saltmarsh", "Saltmarsh Seafood Kitchen", BUSINESS, FORMER, "sam",
        window=AFTER_THE_RUSH, interests="espresso, decaf",
        contacts=(("Rosa Delgado", "Owner"),),
        lost=(Lost.PRICE, "Cut costs after a slow winter; went to supermarket beans."),
    ),
    DemoCustomer(
        "deli", "Corner Deli on 5th", BUSINESS, ACTIVE, "alex",
        window=AFTER_THE_RUSH, interests="espresso, oat milk drinks",
        goals="Flat whites that still taste of coffee with oat milk.",
        contacts=(("Vince Romano", "Owner"),),
    ),
    DemoCustomer(
        "brightside", "Brightside Accounting", BUSINESS, ONBOARDING, "sue",
        channel=Channel.EMAIL, window=OFFICE_HOURS, interests="office coffee",
        goals="Keep the team going through tax season.", referred_by="northside",
        contacts=(("Paula Jensen", "Office manager"),),
    ),
    DemoCustomer(
        "velo", "Vélo Bike Café", BUSINESS, ACTIVE, "sam",
        channel=Channel.SMS, window=WEEKENDS, interests="espresso, cold brew",
        goals="Cold brew on tap for the summer rides.", referred_by="harbour",
        keep_in_touch_days=45, contacts=(("Arnaud Petit", "Owner"), ("Mia Kowal", "Barista")),
    ),
    DemoCustomer(
        "kowalski", "Kowalski Print Shop", BUSINESS, FORMER, "sue",
        interests="office coffee", contacts=(("Piotr Kowalski", "Owner"),),
        lost=(Lost.MOVED_OR_CLOSED, "The shop closed when Piotr retired."),
    ),
    DemoCustomer(
        "summit", "Summit Climbing Gym", BUSINESS, PROSPECT, "sam",
        channel=Channel.EMAIL, window=EVENINGS, interests="cold brew, retail bags",
        keep_in_touch_days=None, contacts=(("Jess Morgan", "Café lead"),),
    ),
    DemoCustomer(
        "garcia", "García Family Restaurant", BUSINESS, ACTIVE, "sue",
        window=MID_WEEK, interests="espresso, café de olla",
        goals="A blend that works for café de olla as well as espresso.",
        contacts=(("Marisol García", "Owner"), ("Diego García", "Manager")),
    ),
    # Individuals.
    DemoCustomer(
        "zoe", "Zoë Müller", INDIVIDUAL, ACTIVE, "sam",
        channel=Channel.EMAIL, window=EVENINGS, interests="moka pot, single origin",
        goals="Learn to make café-quality coffee at home.", keep_in_touch_days=60,
    ),
    DemoCustomer(
        "jose", "José Álvarez", INDIVIDUAL, ACTIVE, "alex",
        window=EVENINGS, interests="pour-over, light roasts",
        goals="Try a new origin every month.",
    ),
    DemoCustomer(
        "priya", "Priya Natarajan", INDIVIDUAL, ACTIVE, "sue",
        channel=Channel.EMAIL, interests="decaf, subscription",
        goals="Good decaf for the evenings.",
    ),
    DemoCustomer(
        "tom", "Tom Becker", INDIVIDUAL, FORMER, "sam", interests="espresso",
        lost=(Lost.NO_LONGER_NEEDED, "Gave up caffeine on his doctor's advice."),
    ),
    DemoCustomer(
        "aoife", "Aoife Ní Bhriain", INDIVIDUAL, ACTIVE, "alex",
        channel=Channel.SMS, window=WEEKENDS, interests="cafetière, medium roasts",
    ),
    DemoCustomer(
        "renee", "Renée Dubois", INDIVIDUAL, ONBOARDING, "sam",
        channel=Channel.EMAIL, interests="espresso, new machine",
        goals="Get the most out of her new espresso machine.",
    ),
    DemoCustomer(
        "marcus", "Marcus Johnson", INDIVIDUAL, PROSPECT, "alex",
        interests="office coffee for a home office", keep_in_touch_days=None,
    ),
    DemoCustomer(
        "hannah", "Hannah Schmidt", INDIVIDUAL, ACTIVE, "sue",
        channel=Channel.EMAIL, interests="subscription", do_not_contact=True,
        goals="Beans arrive; nobody calls.",
    ),
    DemoCustomer(
        "kenji", "Kenji Watanabe", INDIVIDUAL, ACTIVE, "sam",
        channel=Channel.EMAIL, window=EVENINGS, interests="pour-over, gifts",
        goals="Give coffee subscriptions as gifts to family.",
    ),
    DemoCustomer(
        "francois", "François Lefèvre", INDIVIDUAL, FORMER, "alex",
        interests="espresso",
        lost=(Lost.SERVICE, "Three late parcels in a row; the apology came too late."),
    ),
    DemoCustomer(
        "amara", "Amara Nwosu", INDIVIDUAL, PROSPECT, "sue",
        channel=Channel.SMS, interests="cold brew", referred_by="zoe", keep_in_touch_days=None,
    ),
    DemoCustomer(
        "lucia", "Lucía Fernández", INDIVIDUAL, ACTIVE, "sam",
        window=WEEKENDS, interests="espresso, latte art",
        goals="Pour a tulip by the end of the year.", referred_by="zoe",
    ),
    DemoCustomer(
        "oleksandr", "Oleksandr Kovalenko", INDIVIDUAL, ONBOARDING, "alex",
        channel=Channel.SMS, interests="dark roasts, subscription",
    ),
    DemoCustomer(
        "grace", "Grace O'Connell", INDIVIDUAL, ACTIVE, "sue",
        window=MORNINGS, interests="cafetière, gifts", keep_in_touch_days=120,
    ),
    DemoCustomer(
        "bjorn", "Björn Andersson", INDIVIDUAL, ACTIVE, "alex",
        channel=Channel.EMAIL, interests="filter coffee", do_not_contact=True,
    ),
    DemoCustomer(
        "nadia", "Nadia Haddad", INDIVIDUAL, PROSPECT, "sam",
        window=EVENINGS, interests="cardamom coffee, gifts", keep_in_touch_days=None,
    ),
    DemoCustomer(
        "sipho", "Sipho Dlamini", INDIVIDUAL, ACTIVE, "sue",
        channel=Channel.VIDEO, window=MID_WEEK, interests="home roasting, green beans",
        goals="Learn to roast at home.", has_email=False,
    ),
    DemoCustomer(
        "emily", "Emily Carter", INDIVIDUAL, FORMER, "sam",
        interests="subscription", do_not_contact=True,
        lost=(Lost.PRICE, "Found a cheaper subscription; asked not to be contacted."),
    ),
    DemoCustomer(
        "mateo", "Mateo Rossi", INDIVIDUAL, ACTIVE, "alex",
        window=EVENINGS, interests="espresso, Italian roasts", referred_by="jose",
    ),
    DemoCustomer(
        "chloe", "Chloé Martin", INDIVIDUAL, PROSPECT, "sam",
        channel=Channel.SMS, interests="decaf", keep_in_touch_days=None, has_email=False,
    ),
]  # fmt: skip

# (summary, what we heard, channel, direction, positive). A blank "heard" is a plain note.
BUSINESS_TOUCHES = [
    ("Ordered 10 kg of the house blend", "", Channel.PHONE, INBOUND, False),
    (
        "Asked about a decaf for the afternoons",
        "Afternoon customers ask for decaf; they want one that still works as espresso.",
        Channel.EMAIL, INBOUND, False,
    ),
    (
        "Grinder service visit",
        "Burrs replaced; shots are running at 28 seconds again.",
        Channel.IN_PERSON, OUTBOUND, False,
    ),
    (
        "Tasting of the new Ethiopian single origin",
        "They loved the blueberry notes and may put it on as a guest espresso.",
        Channel.IN_PERSON, OUTBOUND, True,
    ),
    (
        "Checked in after the holiday rush",
        "Busy but happy: every delivery arrived on time.",
        Channel.PHONE, OUTBOUND, True,
    ),
    (
        "Delivery arrived a day late",
        "They ran out of beans on Saturday morning; deliveries must land by Friday noon.",
        Channel.PHONE, INBOUND, False,
    ),
    (
        "Barista training session",
        "Two new baristas trained on dialling in; they would like a refresher in spring.",
        Channel.IN_PERSON, OUTBOUND, True,
    ),
    (
        "Invoice question",
        "The invoice showed last year's price; they want it corrected before paying.",
        Channel.EMAIL, INBOUND, False,
    ),
    ("Sent the seasonal price list", "", Channel.EMAIL, OUTBOUND, False),
    (
        "Thank-you call for a year together",
        "They are proud of their coffee and tell customers where it comes from.",
        Channel.PHONE, OUTBOUND, True,
    ),
    (
        "Asked for advice on oat milk drinks",
        "Their oat flat whites taste flat; they want a blend that cuts through.",
        Channel.EMAIL, INBOUND, False,
    ),
]  # fmt: skip
INDIVIDUAL_TOUCHES = [
    (
        "Changed the subscription to every two weeks",
        "Drinking less at home since starting a new job; fortnightly suits better.",
        Channel.EMAIL, INBOUND, False,
    ),
    (
        "Asked which beans suit a moka pot",
        "The espresso roast tastes bitter in the new moka pot.",
        Channel.PHONE, INBOUND, False,
    ),
    ("Birthday note with a free sample", "", Channel.EMAIL, OUTBOUND, True),
    (
        "Parcel left at the wrong door",
        "It went to the neighbour; delivery notes should say 'side gate'.",
        Channel.PHONE, INBOUND, False,
    ),
    (
        "Brewing tips call",
        "Happy with the pour-over; would like to try something fruitier next.",
        Channel.PHONE, OUTBOUND, True,
    ),
    (
        "Paused the subscription for the holidays",
        "Away for three weeks; resume deliveries when back.",
        Channel.EMAIL, INBOUND, False,
    ),
    (
        "Recommended us to a friend",
        "Told their sister about us; she may get in touch.",
        Channel.PHONE, INBOUND, True,
    ),
    (
        "Card payment failed",
        "The card expired; they will update it online tonight.",
        Channel.SMS, OUTBOUND, False,
    ),
]  # fmt: skip
PROSPECT_TOUCHES = [
    (
        "Enquiry from the website",
        "They want to switch roasters because their current coffee is inconsistent.",
        Channel.EMAIL, INBOUND, False,
    ),
    ("Sent a sample pack", "", Channel.EMAIL, OUTBOUND, False),
    (
        "Introductory call",
        "Looking for beans and a grinder; price matters but taste matters more.",
        Channel.PHONE, OUTBOUND, True,
    ),
]  # fmt: skip
ONBOARDING_TOUCHES = [
    (
        "Signed up after a tasting",
        "They want to start with the house blend and see how their customers take it.",
        Channel.IN_PERSON, INBOUND, True,
    ),
    ("Sent the welcome pack and brew guide", "", Channel.EMAIL, OUTBOUND, False),
    (
        "Agreed the delivery schedule",
        "Deliveries on Tuesdays before 10; someone is always in then.",
        Channel.PHONE, OUTBOUND, False,
    ),
    (
        "Asked how to set up the grinder",
        "The first bag tasted sour; they are not sure the grind is fine enough.",
        Channel.PHONE, INBOUND, False,
    ),
]  # fmt: skip
# (subject, outcome, kind) for commitments already kept.
KEPT_PROMISES = [
    (
        "Confirm the Friday delivery slot",
        "Moved deliveries to Thursday afternoon; confirmed by email.",
        Kind.PROMISE,
    ),
    (
        "Call back about the invoice",
        "Credit note sent for the price difference; they were happy with that.",
        Kind.CALLBACK,
    ),
    ("Check the grinder after the service", "Shots consistent all week; nothing more to do.",
     Kind.CHECK_IN),
    ("Keep in touch: how is the new blend going?", "They love it and order 2 kg more a week.",
     Kind.KEEP_IN_TOUCH),
    ("Send tasting notes for the guest espresso", "Sent the notes with a brew recipe.",
     Kind.PROMISE),
    ("Welcome call after the first delivery", "Everything arrived well; weekly deliveries set.",
     Kind.AFTER_ONBOARDING),
]  # fmt: skip
LATER_WORK = [
    ("Book the spring barista refresher", Kind.PROMISE),
    ("Send the new seasonal price list", Kind.OTHER),
    ("Check in on the switch to decaf", Kind.CHECK_IN),
]


@dataclass(frozen=True)
class Scene:
    """One commitment placed on purpose so that My day shows overdue and due-today work."""

    customer: str
    owner: str
    kind: str
    subject: str
    due: str  # "overdue", "today" or "later"
    amount: float  # hours ago, fraction of what is left of today, or days ahead
    promised: bool = False
    heard: str = ""  # the request behind it: logged as an inbound interaction and its source
    assigned_by: str = ""  # someone else handed it over a moment ago
    rescheduled: bool = False  # the promised time was moved once and the customer told


SCENES = [
    Scene("harbour", "sam", Kind.CALLBACK, "Call back: the grinder keeps clogging on decaf",
          "overdue", 26, promised=True,
          heard="The decaf clogs the grinder twice a morning; they need it sorted by Saturday."),
    Scene("zoe", "sam", Kind.PROMISE, "Send Zoë the moka pot grind guide", "overdue", 3,
          promised=True),
    Scene("copper", "sam", Kind.CHECK_IN, "Check the new delivery day works", "overdue", 50),
    Scene("riverside", "sam", Kind.CALLBACK, "Call back: quote for a second grinder", "today",
          0.3, promised=True,
          heard="Book club evenings are busy; they want a second grinder for filter coffee."),
    Scene("kenji", "sam", Kind.PROMISE, "Confirm the start date of Kenji's gift subscription",
          "today", 0.6, promised=True),
    Scene("northside", "sam", Kind.OTHER, "Send Northside a summary of this quarter's invoices",
          "today", 0.85, assigned_by="sue"),
    Scene("sunrise", "sam", Kind.CHECK_IN, "Check the welcome pack arrived", "later", 2),
    Scene("lucia", "sam", Kind.KEEP_IN_TOUCH, "Keep in touch with Lucía", "later", 5),
    Scene("nadia", "sam", Kind.CALLBACK, "Follow up on the sample pack", "later", 1,
          promised=True, rescheduled=True),
    Scene("lindqvist", "alex", Kind.CALLBACK, "Call back: delivery arrived a day late",
          "overdue", 5, promised=True,
          heard="Saturday's delivery came on Sunday; they had to buy beans at the supermarket."),
    Scene("jose", "alex", Kind.PROMISE, "Email José the brewing ratio sheet", "today", 0.5,
          promised=True),
    Scene("deli", "alex", Kind.CHECK_IN, "Check the oat milk blend works", "today", 0.8),
    Scene("atlas", "alex", Kind.OTHER, "Set up the standing order for Atlas", "later", 3),
    Scene("marcus", "alex", Kind.CALLBACK, "Follow up on the home office enquiry", "later", 2),
    Scene("pinecrest", "sue", Kind.PROMISE, "Send the breakfast blend proposal", "overdue", 30,
          promised=True),
    Scene("garcia", "sue", Kind.CHECK_IN, "Check in after the new espresso machine install",
          "today", 0.4),
    Scene("brightside", "sue", Kind.OTHER, "Arrange the first office delivery", "later", 4),
    Scene("fjord", "sue", Kind.CALLBACK, "Call Fjord back with sample pricing", "later", 1,
          promised=True),
]  # fmt: skip

STREETS = ["Market St", "Valencia St", "Harbour Rd", "Oak Ave", "Mission St", "Pine St"]


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
        for contact in Contact.objects.bulk_create(rows):
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
        Interaction.objects.bulk_create(interactions)
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
                Interaction(
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
                Interaction(
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
            rows.append(
                FollowUp(
                    customer=customer,
                    owner=owner,
                    kind=kind,
                    subject=subject,
                    due_at=due_at,
                    promised_to_customer=kind in {Kind.PROMISE, Kind.CALLBACK},
                    channel=spec.channel,
                    status=FollowUp.Status.DONE,
                    completed_at=due_at + lateness,
                    completed_by=owner,
                    outcome=outcome,
                    created_by=owner,
                    created_at=due_at - timedelta(days=self.rng.randint(1, 4)),
                    assigned_at=due_at - timedelta(days=self.rng.randint(1, 4)),
                )
            )
        if spec.key == "emily":
            rows.append(
                FollowUp(
                    customer=customer,
                    owner=self.staff[spec.owner],
                    kind=Kind.OTHER,
                    subject="Send the loyalty discount offer",
                    due_at=self._at(newest),
                    status=FollowUp.Status.CANCELLED,
                    outcome="She left and asked not to be contacted.",
                    created_by=self.staff[spec.owner],
                    created_at=self._at(newest + 5),
                    assigned_at=self._at(newest + 5),
                )
            )
        elif spec.status == ACTIVE and not spec.do_not_contact and self.rng.random() < 0.5:
            subject, kind = self.rng.choice(LATER_WORK)
            rows.append(
                FollowUp(
                    customer=customer,
                    owner=self.staff[spec.owner],
                    kind=kind,
                    subject=subject,
                    due_at=self._ahead(self.rng.randint(3, 21)),
                    channel=spec.channel,
                    created_by=self.staff[spec.owner],
                    created_at=self._at(self.rng.randint(1, 10)),
                    assigned_at=self._at(self.rng.randint(1, 10)),
                )
            )
        return rows

    def _scenes(self) -> None:
        """The open commitments people see first: overdue, due today, due soon."""
        requests = {
            scene: Interaction(
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
        Interaction.objects.bulk_create(requests.values())
        interaction_type = ContentType.objects.get_for_model(Interaction)
        rows = []
        for scene in SCENES:
            due_at = self._due(scene)
            owner = self.staff[scene.owner]
            if scene.assigned_by:
                created_by, assigned_at = self.staff[scene.assigned_by], self.now
            else:
                created_by, assigned_at = owner, min(self.now, due_at) - timedelta(days=1)
            source = requests.get(scene)
            rows.append(
                FollowUp(
                    customer=self.customers[scene.customer],
                    owner=owner,
                    kind=scene.kind,
                    subject=scene.subject,
                    due_at=due_at,
                    promised_to_customer=scene.promised,
                    channel=self.customers[scene.customer].preferred_channel,
                    created_by=created_by,
                    created_at=assigned_at,
                    assigned_at=assigned_at,
                    source_type=interaction_type if source else None,
                    source_id=source.pk if source else None,
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
