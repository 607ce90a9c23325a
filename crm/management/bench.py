"""What the benchmark commands share: the data set, the people who use it and what they open.

The data set is ``seed_scale --customers N``, seeded or reused. The people are three, as the
README's benchmark table names them:

- **staff**: a front-line staff member with little work of their own (``bench-staff``);
- **busy staff**: the seeded staff member with the most open follow-ups (the seed spreads the
  work of N customers over ten people, so they each carry thousands);
- **supervisor**: a member of Supervisors (``bench-supervisor``), who sees the approval queue
  and the team's breaches.

The bench people have no password: the benchmarks sign them in through a session made here,
so that no run spends its time hashing passwords.
"""

import random
import time
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from complaints.models import Complaint
from crm import roles
from customers.models import Customer, FollowUp
from onboarding.models import Onboarding

STAFF, BUSY_STAFF, SUPERVISOR, OWNER = "staff", "busy staff", "supervisor", "owner"
BENCH_USERS = {
    STAFF: ("bench-staff", roles.FRONT_LINE_STAFF),
    SUPERVISOR: ("bench-supervisor", roles.SUPERVISORS),
    # Only /reports/ is timed for the owner: elsewhere an owner sees what a supervisor sees.
    OWNER: ("bench-owner", roles.OWNERS),
}
SAMPLE_SIZE = 200
# The backend login() records for a password sign-in (axes' backend only guards it).
MODEL_BACKEND = "crm.permissions_backend.PermissionsInOneQueryBackend"
SAMPLE_SEED = 20261206  # the same records every run, so that runs compare like with like


DEFAULT_CUSTOMERS = 100_000


def add_customers_argument(parser) -> None:
    """Add ``--customers N``, the size of the data set every benchmark seeds or reuses."""
    parser.add_argument(
        "--customers",
        type=int,
        default=DEFAULT_CUSTOMERS,
        help=f"Customers in the data set (default {DEFAULT_CUSTOMERS}); seeded if fewer.",
    )


def ensure_data(customers: int, stdout) -> None:
    """Seed ``seed_scale`` up to ``customers`` customers, or reuse what is there."""
    existing = Customer.objects.count()
    if existing >= customers:
        stdout.write(
            _("Reusing the %(count)s customers in the database.") % {"count": f"{existing:,}"}
        )
        return
    stdout.write(
        _("Seeding %(count)s customers (seed_scale)…") % {"count": f"{customers - existing:,}"}
    )
    call_command("seed_scale", customers=customers - existing, stdout=stdout)


def yardstick_ms() -> float:
    """Return how long this machine takes for a fixed piece of pure Python (the sum of the
    squares below three million), the fastest of three runs, in milliseconds.

    The same work on every run: two runs of a benchmark compare fairly once each is divided
    by its yardstick. The virtual machines Tend is measured on vary in speed by up to three
    times from one day to the next.
    """
    runs = []
    for _run in range(3):
        started = time.perf_counter()
        sum(number * number for number in range(3_000_000))
        runs.append((time.perf_counter() - started) * 1000)
    return min(runs)


def bench_people() -> dict:
    """Return {role: user} for the four people the benchmarks act as, creating the three
    bench users when missing."""
    user_model = get_user_model()
    people = {}
    for role, (username, group_name) in BENCH_USERS.items():
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": "Bench",
                "last_name": role.title(),
                "email": f"{username}@example.com",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Group.objects.get(name=group_name).user_set.add(user)
        people[role] = user
    busiest = (
        user_model.objects.annotate(
            open_follow_ups=Count("follow_ups", filter=Q(follow_ups__status=FollowUp.Status.OPEN))
        )
        .order_by("-open_follow_ups", "pk")
        .first()
    )
    people[BUSY_STAFF] = busiest
    return {role: people[role] for role in (STAFF, BUSY_STAFF, SUPERVISOR, OWNER)}


def session_for(user) -> str:
    """Return the key of a new signed-in session for ``user``, as ``login()`` would store."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@dataclass(frozen=True)
class Sample:
    """Records the benchmarks open, drawn the same way every run."""

    customers: list[int]
    complaints: list[int]
    onboardings: list[int]
    names: list[str]
    words: list[str]
    phones: list[str]


def draw_sample(size: int = SAMPLE_SIZE) -> Sample:
    """Draw ``size`` customers, complaints and onboardings spread over the whole data set."""
    rng = random.Random(SAMPLE_SEED)  # noqa: S311 - a repeatable sample, not a secret

    def spread(model) -> list[int]:
        bounds = model.objects.order_by("pk").values_list("pk", flat=True)
        first, last = bounds.first(), bounds.last()
        if first is None:
            return []
        wanted = sorted(rng.randint(first, last) for _ in range(size))
        return list(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))

    customers = spread(Customer)
    rows = Customer.objects.filter(pk__in=customers[:50]).values_list("name", "phone_normalised")
    return Sample(
        customers=customers,
        complaints=spread(Complaint),
        onboardings=spread(Onboarding),
        # Whole names and phone numbers, as people look up the customer on the line; and the
        # last word of a name, which the seed shares among thousands of customers (20 last
        # names and 20 trades for 100,000), the worst case of a search.
        names=sorted({name.lower() for name, _ in rows}),
        words=sorted({name.split()[-1].lower() for name, _ in rows}),
        phones=[phone for _, phone in rows if phone],
    )
