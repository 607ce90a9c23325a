"""The demo business's customers and the stories their history tells (see demo.py)."""

from dataclasses import dataclass
from datetime import time

from customers.models import Channel, Customer, FollowUp, Interaction

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
