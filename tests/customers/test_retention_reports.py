"""Retention report figures (customers/retention_reports.py) on hand-built data, exact values."""

from datetime import UTC, date, datetime, timedelta

import pytest

from customers import retention_reports as reports
from customers import services
from customers.models import Customer
from tests.factories import CustomerFactory, InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db

# Three weeks: Monday 2 to Sunday 22 November 2026, the business in UTC.
START = datetime(2026, 11, 2, tzinfo=UTC)
END = datetime(2026, 11, 23, tzinfo=UTC)


def day(number: int) -> date:
    return date(2026, 11, number)


def active(since: date, **fields) -> Customer:
    fields.setdefault("status", "active")
    return CustomerFactory(became_customer_on=since, **fields)


def test_active_customers_per_week_follow_joins_and_losses():
    active(date(2026, 1, 5))
    active(day(10))  # joins in week 2
    active(date(2026, 1, 5), status="former", lost_on=day(17), lost_reason="price")  # lost week 3
    # Lost in week 1 and regained in week 3: out for week 1 and 2, back for week 3.
    active(day(19), lost_on=day(4), lost_reason="service")
    CustomerFactory(status="prospect")
    assert reports.active_customers_by_week(start=START, end=END) == [
        (day(8), 2),
        (day(15), 3),
        (day(22), 3),
    ]


def test_a_short_last_week_and_an_empty_period():
    active(day(3))
    assert reports.active_customers_by_week(start=START, end=START + timedelta(days=9)) == [
        (day(8), 1),
        (day(10), 1),
    ]
    assert reports.active_customers_by_week(start=START, end=START) == []


def test_customers_lost_by_reason_and_churn():
    owner = UserFactory()
    for _ in range(3):
        active(date(2026, 1, 5), account_owner=owner)
    active(
        date(2026, 1, 5), account_owner=owner, status="former", lost_on=day(5), lost_reason="price"
    )
    active(
        date(2026, 1, 5), account_owner=owner, status="former", lost_on=day(9), lost_reason="price"
    )
    # Lost, then regained: still a loss of the period.
    active(day(19), account_owner=owner, lost_on=day(12), lost_reason="service")
    active(date(2026, 1, 5), status="former", lost_on=day(6), lost_reason="price")  # other owner
    active(
        date(2026, 1, 5), account_owner=owner, status="former", lost_on=day(1), lost_reason="price"
    )
    losses = reports.customers_lost(start=START, end=END, people=[owner.pk])
    assert losses.by_reason == [("price", "Price", 2), ("service", "Service or experience", 1)]
    # Active on 1 November: the three and the two lost later. The one lost on 1 November is
    # not, nor the regained one: regaining dated them from 19 November.
    assert (losses.total, losses.active_at_start, losses.churn_percent) == (3, 5, 60.0)
    nobody = reports.customers_lost(start=START, end=END, people=[UserFactory().pk])
    assert (nobody.by_reason, nobody.churn_percent) == ([], None)


def test_keep_in_touch_coverage_uses_each_customers_cadence():
    monthly = active(date(2026, 1, 5), keep_in_touch_days=30)
    InteractionFactory(customer=monthly, is_positive=True, occurred_at=END - timedelta(days=29))
    stale = active(date(2026, 1, 5), keep_in_touch_days=30)
    InteractionFactory(customer=stale, is_positive=True, occurred_at=END - timedelta(days=31))
    complained = active(date(2026, 1, 5), keep_in_touch_days=30)
    InteractionFactory(customer=complained, is_positive=False, occurred_at=END - timedelta(days=2))
    quarterly = active(date(2026, 1, 5), keep_in_touch_days=90)
    InteractionFactory(customer=quarterly, is_positive=True, occurred_at=END - timedelta(days=60))
    after = active(date(2026, 1, 5), keep_in_touch_days=90)
    InteractionFactory(customer=after, is_positive=True, occurred_at=END + timedelta(hours=1))
    active(date(2026, 1, 5), keep_in_touch_days=None)  # no cadence: not counted
    active(date(2026, 1, 5), do_not_contact=True)  # not to be contacted: not counted
    coverage = reports.keep_in_touch_coverage(end=END)
    assert (coverage.customers, coverage.covered, coverage.percent) == (5, 2, 40.0)
    empty = reports.keep_in_touch_coverage(end=END, people=[UserFactory().pk])
    assert (empty.customers, empty.percent) == (0, None)


def test_regaining_a_former_customer_dates_their_return(clock, owner):
    clock.set(datetime(2026, 11, 19, 12, tzinfo=UTC))
    customer = active(date(2026, 1, 5), status="former", lost_on=day(4), lost_reason="price")
    customer.status = Customer.Status.ACTIVE
    services.update_customer(actor=owner, customer=customer, expected_version=1)
    customer.refresh_from_db()
    assert customer.became_customer_on == day(19)
    assert customer.lost_on == day(4)


def test_cadences_in_use_lists_each_value_once_smallest_first():
    assert reports.cadences_in_use() == []
    for days in (90, 30, 90, None, 365, 30):
        CustomerFactory(keep_in_touch_days=days)
    assert reports.cadences_in_use() == [30, 90, 365]


def test_active_customers_gives_the_day_before_and_the_weeks_from_one_count():
    active(date(2026, 1, 5))
    active(day(1))  # the day before the period
    active(day(10))
    active(date(2026, 1, 5), status="former", lost_on=day(16), lost_reason="price")
    counted = reports.active_customers(start=START, end=END)
    assert counted.at_start == 3
    assert counted.by_week == [(day(8), 3), (day(15), 4), (day(22), 3)]
    losses = reports.customers_lost(start=START, end=END, active_at_start=counted.at_start)
    assert (losses.total, losses.churn_percent) == (1, 33.3)
    assert reports.customers_lost(start=START, end=END).active_at_start == 3
