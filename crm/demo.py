"""Demo data for a first look at Tend: one login per role, with a known password, and the
believable small business they work in."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

if TYPE_CHECKING:
    from django.contrib.auth.models import User

from complaints.demo import seed_demo_complaints
from crm import roles
from crm.calendar import set_default_week
from customers.demo import seed_demo_customers
from onboarding.demo import SALES_TEAM, SUPPORT_TEAM, seed_demo_onboardings

DEMO_PASSWORD = "tend-demo"  # noqa: S105 - printed on purpose; refused unless DEBUG is on


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    group: str
    # The teams onboarding work is routed to: a handoff goes to a person of the next team.
    teams: tuple[str, ...] = ()

    @property
    def is_owner(self) -> bool:
        return self.group == roles.OWNERS


DEMO_PEOPLE = [
    DemoPerson("sam", "Sam", "Rivera", roles.FRONT_LINE_STAFF, teams=(SALES_TEAM,)),
    DemoPerson("alex", "Alex", "Chen", roles.FRONT_LINE_STAFF, teams=(SUPPORT_TEAM,)),
    DemoPerson("sue", "Sue", "Patel", roles.SUPERVISORS, teams=(SALES_TEAM,)),
    DemoPerson("olivia", "Olivia", "Brooks", roles.OWNERS),
]


@transaction.atomic
def seed_demo_people() -> list[tuple[DemoPerson, "User"]]:
    """Create the demo people once; return each with its user."""
    user_model = get_user_model()
    seeded = []
    for person in DEMO_PEOPLE:
        user, created = user_model.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@tend.example",
                "is_staff": person.is_owner,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=person.group))
        # Every run, not only at creation: people seeded before the teams existed join them.
        # An owner may have deleted a team; the demo needs it back.
        user.groups.add(*(Group.objects.get_or_create(name=team)[0] for team in person.teams))
        seeded.append((person, user))
    return seeded


@dataclass(frozen=True)
class DemoBusiness:
    customers: int  # created by this run; 0 when the demo business existed already
    complaints: int = 0  # likewise
    onboardings: int = 0  # likewise
    default_week: bool = False  # the default business hours were set by this run


@transaction.atomic
def seed_demo_business(seeded_people: list[tuple[DemoPerson, "User"]]) -> DemoBusiness:
    """Create the demo business's data once, worked on by the demo people."""
    staff = {person.username: user for person, user in seeded_people}
    # First: every deadline of the demo data counts in these hours, as a real business's do.
    default_week = set_default_week()
    customers = seed_demo_customers(staff=staff)
    # Each part tells on its own whether it was seeded: a demo business seeded before
    # complaints or onboarding existed gets them now.
    return DemoBusiness(
        customers=customers,
        complaints=seed_demo_complaints(staff=staff),
        onboardings=seed_demo_onboardings(staff=staff),
        default_week=default_week,
    )
