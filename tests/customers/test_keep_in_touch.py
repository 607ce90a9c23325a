from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, transaction

from crm.models import Holiday
from customers import services, sweeps
from customers.models import Channel, Customer, FollowUp
from tests.customers.business_week import (
    FRIDAY,
    KEEP_IN_TOUCH,
    MONDAY,
    SATURDAY,
    TUESDAY,
    at,
)
from tests.factories import CustomerFactory, FollowUpFactory, InteractionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("business_week")]


# --- Keep-in-touch planner -----------------------------------------------------------------------

PLANNED_AT = at(MONDAY, 6)
NEXT_OPENING = at(TUESDAY, 9)


@pytest.fixture
def planning(weekdays_nine_to_five, clock):
    clock.set(PLANNED_AT)


def due_customer(**overrides) -> Customer:
    """An active customer with a 30-day cadence and no contact yet, so due a keep-in-touch."""
    return CustomerFactory(**{"keep_in_touch_days": 30, **overrides})


def keep_in_touch_for(customer) -> FollowUp | None:
    return FollowUp.objects.filter(customer=customer, kind=KEEP_IN_TOUCH).first()


def test_planner_gives_the_account_owner_a_keep_in_touch_on_the_preferred_channel(planning, staff):
    customer = due_customer(name="Acme", account_owner=staff, preferred_channel=Channel.EMAIL)

    created = sweeps.plan_keep_in_touch()

    assert created == 1
    follow_up = keep_in_touch_for(customer)
    assert follow_up.owner == staff
    assert follow_up.channel == Channel.EMAIL
    assert follow_up.status == FollowUp.Status.OPEN
    assert follow_up.subject == "Keep in touch with Acme"
    assert follow_up.promised_to_customer is False
    # a day's lead: the start of the next business day
    assert follow_up.due_at == NEXT_OPENING
    # Written in bulk, with the history row a save would have written.
    created_row = follow_up.history.get()
    assert created_row.history_type == "+"
    assert (created_row.subject, created_row.owner_id) == (follow_up.subject, staff.pk)


@pytest.mark.parametrize(
    ("cadence", "positive_days_ago", "planned"),
    [(30, 40, True), (30, 30, True), (30, 29, False), (60, 40, False), (90, None, True)],
)
def test_planner_respects_each_customers_cadence(planning, cadence, positive_days_ago, planned):
    customer = due_customer(keep_in_touch_days=cadence)
    if positive_days_ago is not None:
        InteractionFactory(
            customer=customer,
            is_positive=True,
            occurred_at=PLANNED_AT - timedelta(days=positive_days_ago),
        )

    sweeps.plan_keep_in_touch()

    assert (keep_in_touch_for(customer) is not None) is planned


def test_planner_counts_only_positive_contact(planning):
    customer = due_customer()
    InteractionFactory(customer=customer, is_positive=False, occurred_at=PLANNED_AT)
    InteractionFactory(
        customer=customer, is_positive=True, occurred_at=PLANNED_AT - timedelta(days=45)
    )

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(customer) is not None


@pytest.mark.parametrize(
    "overrides",
    [
        {"do_not_contact": True},
        {"status": Customer.Status.PROSPECT},
        {"status": Customer.Status.ONBOARDING},
        {"status": Customer.Status.FORMER},
        {"keep_in_touch_days": None},
        {"account_owner": None},
    ],
    ids=["do not contact", "prospect", "onboarding", "former", "no cadence", "no account owner"],
)
def test_planner_leaves_out_customers_not_to_plan_for(planning, overrides):
    customer = due_customer(**overrides)

    assert sweeps.plan_keep_in_touch() == 0
    assert keep_in_touch_for(customer) is None


def test_planner_leaves_out_customers_whose_account_owner_has_left(planning):
    customer = due_customer(account_owner=UserFactory(is_active=False))

    assert sweeps.plan_keep_in_touch() == 0
    assert keep_in_touch_for(customer) is None


def test_planner_does_not_add_a_second_open_keep_in_touch(planning):
    customer = due_customer()
    FollowUpFactory(customer=customer, kind=KEEP_IN_TOUCH, due_at=at(MONDAY - timedelta(9), 9))

    assert sweeps.plan_keep_in_touch() == 0
    assert FollowUp.objects.filter(customer=customer).count() == 1


def test_planner_plans_again_once_the_last_keep_in_touch_is_closed(planning):
    customer = due_customer()
    FollowUpFactory(
        customer=customer, kind=KEEP_IN_TOUCH, status="cancelled", due_at=at(MONDAY, 9)
    )

    assert sweeps.plan_keep_in_touch() == 1
    assert FollowUp.objects.open().filter(customer=customer, kind=KEEP_IN_TOUCH).count() == 1


def test_planner_leaves_archived_customers_alone(planning, supervisor):
    kept = due_customer()
    gone = services.archive_customer(actor=supervisor, customer=due_customer())

    assert sweeps.plan_keep_in_touch() == 1
    assert keep_in_touch_for(kept) is not None
    assert keep_in_touch_for(gone) is None


def test_planner_run_twice_plans_nothing_more(planning):
    due_customer()
    due_customer()

    first = sweeps.plan_keep_in_touch()
    second = sweeps.plan_keep_in_touch()

    assert (first, second) == (2, 0)
    assert FollowUp.objects.filter(kind=KEEP_IN_TOUCH).count() == 2


def test_planner_skips_a_customer_given_a_keep_in_touch_while_it_ran(planning, monkeypatch):
    # given: another planner, started a second earlier, inserts after this one has read
    customer = due_customer()
    read_candidates = sweeps._customers_due_contact

    def raced(now):
        for candidate in read_candidates(now):
            FollowUpFactory(
                customer=candidate,
                kind=KEEP_IN_TOUCH,
                subject="Theirs",
                created_at=now - timedelta(seconds=1),
            )
            yield candidate

    monkeypatch.setattr(sweeps, "_customers_due_contact", raced)

    # when
    created = sweeps.plan_keep_in_touch()

    # then: the database constraint made the insert skip it
    assert created == 0
    assert list(FollowUp.objects.filter(customer=customer).values_list("subject", flat=True)) == [
        "Theirs"
    ]


def test_database_refuses_a_second_open_keep_in_touch_for_a_customer(db):
    customer = due_customer()
    FollowUpFactory(customer=customer, kind=KEEP_IN_TOUCH)

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(customer=customer, kind=KEEP_IN_TOUCH)


@pytest.mark.parametrize(
    ("window", "due"),
    [
        ({"contact_days": "4"}, at(FRIDAY, 9)),
        ({"contact_days": "30"}, at(date(2026, 3, 5), 9)),
        ({"contact_from": time(14), "contact_until": time(16)}, at(TUESDAY, 14)),
        ({"contact_from": time(8), "contact_until": time(10)}, at(TUESDAY, 9)),
        ({"contact_until": time(12), "contact_days": "1"}, at(TUESDAY, 9)),
        ({"contact_days": "2", "contact_from": time(16, 30)}, at(date(2026, 3, 4), 16, 30)),
    ],
    ids=[
        "Fridays",
        "Mondays or Thursdays",
        "afternoons",
        "window opening before the business",
        "Tuesday mornings",
        "Wednesday late afternoons",
    ],
)
def test_planner_sets_the_due_time_inside_the_contact_window_and_business_hours(
    planning, window, due
):
    customer = due_customer(**window)

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(customer).due_at == due


def test_planner_prefers_the_contact_window_when_the_business_is_closed_then(planning):
    evenings = due_customer(contact_from=time(18), contact_until=time(20))
    saturdays = due_customer(contact_days="5", contact_from=time(10))

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(evenings).due_at == at(TUESDAY, 18)
    assert keep_in_touch_for(saturdays).due_at == at(SATURDAY, 10)


def test_planner_skips_holidays_for_the_lead(planning):
    Holiday.objects.create(date=TUESDAY, name="Founders' day")
    customer = due_customer()

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(customer).due_at == at(date(2026, 3, 4), 9)


def test_planner_around_the_clock_plans_from_the_start_of_the_next_day(clock, settings):
    settings.DAY_START_HOUR = 7
    clock.set(at(SATURDAY, 6))
    anytime = due_customer()
    late = due_customer(contact_from=time(19, 30))

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(anytime).due_at == at(date(2026, 3, 8), 7)
    assert keep_in_touch_for(late).due_at == at(date(2026, 3, 8), 19, 30)


def test_planner_runs_a_constant_number_of_queries(
    planning, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 10)
    owners = UserFactory.create_batch(3)
    for index in range(25):
        due_customer(
            account_owner=owners[index % 3],
            contact_days=str(index % 7),
            keep_in_touch_days=(30, 90)[index % 2],
        )

    # calendar 2 + cadences 1 + candidates 1 per cadence (2) + per batch of 10 at most 6 x 3:
    # two savepoints and their releases, numbering the keys, the history (the rows themselves
    # go through the driver, uncounted)
    with django_assert_max_num_queries(3 + 2 + 6 * 3):
        created = sweeps.plan_keep_in_touch()

    assert created == 25
