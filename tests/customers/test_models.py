from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction

from customers.models import Customer, FollowUp
from tests.factories import ContactFactory, CustomerFactory, FollowUpFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _us_phone_numbers(settings):
    settings.PHONE_REGION = "US"


@contextmanager
def refused():
    """Expect the database to refuse the write; the savepoint lets the test go on after it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


# Derived fields


def test_saving_a_customer_fills_the_normalised_phone_and_search_name():
    customer = CustomerFactory(name="  Zoë's   CAFÉ ", phone="(202) 555-0101")

    customer.refresh_from_db()
    assert customer.phone_normalised == "+12025550101"
    assert customer.search_name == "zoe's cafe"


def test_saving_selected_fields_of_a_customer_still_refreshes_the_derived_fields():
    customer = CustomerFactory(name="Old Name", phone="202 555 0101")

    customer.name = "Nouvelle Crémerie"
    customer.phone = "202 555 0199"
    customer.save(update_fields=["name", "phone"])

    customer.refresh_from_db()
    assert customer.search_name == "nouvelle cremerie"
    assert customer.phone_normalised == "+12025550199"


def test_a_customer_phone_that_is_not_a_number_leaves_the_normalised_phone_empty():
    customer = CustomerFactory(phone="202 555 0101")

    customer.phone = "ask at reception"
    customer.save()

    customer.refresh_from_db()
    assert customer.phone_normalised == ""


def test_saving_a_contact_fills_the_normalised_phone_and_search_name():
    contact = ContactFactory(name="José  Núñez", phone="+1 (202) 555-0142")

    contact.refresh_from_db()
    assert contact.phone_normalised == "+12025550142"
    assert contact.search_name == "jose nunez"


def test_customer_contact_days_and_interests_read_as_sets_and_lists():
    customer = CustomerFactory.build(contact_days="024", interests=" bread, , cakes ,coffee")

    assert customer.contact_weekdays == {0, 2, 4}
    assert customer.interest_list == ["bread", "cakes", "coffee"]


# Constraints


@pytest.mark.parametrize("until", [time(9), time(8)])
def test_a_contact_window_must_end_after_it_starts(until):
    with refused():
        CustomerFactory(contact_from=time(9), contact_until=until)


@pytest.mark.parametrize(
    ("start", "until"), [(time(9), time(17)), (time(9), None), (None, time(17)), (None, None)]
)
def test_a_contact_window_that_ends_after_it_starts_or_is_open_ended_is_accepted(start, until):
    customer = CustomerFactory(contact_from=start, contact_until=until)

    assert Customer.objects.filter(pk=customer.pk).exists()


def test_a_keep_in_touch_cadence_of_zero_days_is_refused():
    with refused():
        CustomerFactory(keep_in_touch_days=0)


@pytest.mark.parametrize("days", [1, None])
def test_a_keep_in_touch_cadence_of_a_day_or_none_is_accepted(days):
    customer = CustomerFactory(keep_in_touch_days=days)

    customer.refresh_from_db()
    assert customer.keep_in_touch_days == days


def test_a_customer_has_at_most_one_primary_contact():
    customer = CustomerFactory()
    ContactFactory(customer=customer, is_primary=True)

    with refused():
        ContactFactory(customer=customer, is_primary=True)


def test_a_customer_may_have_many_other_contacts_and_each_customer_its_own_primary():
    customer = CustomerFactory()
    ContactFactory(customer=customer, is_primary=True)
    ContactFactory(customer=customer)
    ContactFactory(customer=customer)
    ContactFactory(is_primary=True)

    assert customer.contacts.count() == 3
    assert customer.contacts.first().is_primary


def test_a_customer_has_at_most_one_open_keep_in_touch_follow_up():
    customer = CustomerFactory()
    FollowUpFactory(customer=customer, kind=FollowUp.Kind.KEEP_IN_TOUCH)

    with refused():
        FollowUpFactory(customer=customer, kind=FollowUp.Kind.KEEP_IN_TOUCH)


def test_an_open_keep_in_touch_may_sit_beside_finished_ones_and_other_kinds():
    customer = CustomerFactory()
    FollowUpFactory(
        customer=customer,
        kind=FollowUp.Kind.KEEP_IN_TOUCH,
        status=FollowUp.Status.DONE,
        completed_at=NOON,
    )
    FollowUpFactory(
        customer=customer, kind=FollowUp.Kind.KEEP_IN_TOUCH, status=FollowUp.Status.CANCELLED
    )
    FollowUpFactory(customer=customer, kind=FollowUp.Kind.CALLBACK)

    FollowUpFactory(customer=customer, kind=FollowUp.Kind.KEEP_IN_TOUCH)

    assert customer.follow_ups.open().count() == 2


def test_a_done_follow_up_needs_a_completion_time():
    with refused():
        FollowUpFactory(status=FollowUp.Status.DONE, completed_at=None)


def test_a_done_follow_up_with_a_completion_time_and_a_cancelled_one_without_are_accepted():
    done = FollowUpFactory(status=FollowUp.Status.DONE, completed_at=NOON)
    cancelled = FollowUpFactory(status=FollowUp.Status.CANCELLED, completed_at=None)

    assert FollowUp.objects.filter(pk__in=[done.pk, cancelled.pk]).count() == 2


# CustomerQuerySet.search


def test_search_finds_a_customer_by_part_of_the_name_in_any_case():
    wanted = CustomerFactory(name="Greenfield Bakery")
    CustomerFactory(name="Harbour Plumbing")

    assert list(Customer.objects.search("FIELD bak")) == [wanted]


def test_search_ignores_accents_on_either_side():
    accented = CustomerFactory(name="Crème Café")
    plain = CustomerFactory(name="Creme Cafe Two")

    assert set(Customer.objects.search("creme caf")) == {accented, plain}
    assert set(Customer.objects.search("CRÈME CAFÉ")) == {accented, plain}


def test_search_finds_a_customer_by_email_in_any_case():
    wanted = CustomerFactory(email="orders@greenfield.example")
    CustomerFactory(email="orders@harbour.example")

    assert list(Customer.objects.search(" Orders@GreenField.example ")) == [wanted]


def test_search_finds_a_customer_by_a_differently_written_phone_number():
    wanted = CustomerFactory(phone="+1 202 555 0101")
    CustomerFactory(phone="+1 202 555 0199")

    assert list(Customer.objects.search("(202) 555-0101")) == [wanted]


def test_search_finds_a_customer_through_a_contact_name_email_or_phone():
    wanted = CustomerFactory(name="Harbour Plumbing")
    ContactFactory(
        customer=wanted, name="Zoë Okafor", email="zoe@harbour.example", phone="202-555-0177"
    )
    CustomerFactory(name="Greenfield Bakery", phone="")

    assert list(Customer.objects.search("zoe okafor")) == [wanted]
    assert list(Customer.objects.search("ZOE@harbour.example")) == [wanted]
    assert list(Customer.objects.search("+1 (202) 555 0177")) == [wanted]


def test_search_lists_a_customer_once_when_several_of_its_contacts_match():
    wanted = CustomerFactory(name="Harbour Plumbing")
    ContactFactory(customer=wanted, name="Sam Harbour")
    ContactFactory(customer=wanted, name="Kim Harbour")

    assert list(Customer.objects.search("harbour")) == [wanted]


def test_search_for_something_nobody_has_finds_nothing():
    CustomerFactory(name="Greenfield Bakery")

    assert not Customer.objects.search("zebra").exists()


def test_a_blank_search_keeps_every_customer():
    customers = CustomerFactory.create_batch(3)

    assert set(Customer.objects.search("   ")) == set(customers)


# CustomerQuerySet.with_open_follow_ups


def test_with_open_follow_ups_keeps_customers_with_open_commitments_once():
    busy = CustomerFactory()
    FollowUpFactory.create_batch(2, customer=busy)
    finished = CustomerFactory()
    FollowUpFactory(customer=finished, status=FollowUp.Status.DONE, completed_at=NOON)
    FollowUpFactory(customer=finished, status=FollowUp.Status.CANCELLED)
    CustomerFactory()

    assert list(Customer.objects.with_open_follow_ups()) == [busy]


# FollowUpQuerySet


def test_open_keeps_only_open_follow_ups():
    open_one = FollowUpFactory()
    FollowUpFactory(status=FollowUp.Status.DONE, completed_at=NOON)
    FollowUpFactory(status=FollowUp.Status.CANCELLED)

    assert list(FollowUp.objects.open()) == [open_one]


def test_owned_by_keeps_the_persons_follow_ups():
    person = UserFactory()
    mine = FollowUpFactory(owner=person)
    FollowUpFactory()

    assert list(FollowUp.objects.owned_by(person)) == [mine]


def test_overdue_keeps_open_follow_ups_due_before_the_given_moment():
    late = FollowUpFactory(due_at=NOON - timedelta(minutes=1))
    FollowUpFactory(due_at=NOON)
    FollowUpFactory(due_at=NOON + timedelta(hours=1))
    FollowUpFactory(
        due_at=NOON - timedelta(hours=1), status=FollowUp.Status.DONE, completed_at=NOON
    )

    assert list(FollowUp.objects.overdue(now=NOON)) == [late]


def test_overdue_without_a_moment_compares_with_the_clock(time_machine):
    time_machine.move_to(NOON, tick=False)
    late = FollowUpFactory(due_at=NOON - timedelta(seconds=1))
    FollowUpFactory(due_at=NOON + timedelta(seconds=1))

    assert list(FollowUp.objects.overdue()) == [late]


def test_due_between_includes_the_start_and_excludes_the_end():
    start, end = NOON, NOON + timedelta(days=1)
    at_start = FollowUpFactory(due_at=start)
    inside = FollowUpFactory(due_at=end - timedelta(seconds=1))
    FollowUpFactory(due_at=end)
    FollowUpFactory(due_at=start - timedelta(seconds=1))
    FollowUpFactory(due_at=start, status=FollowUp.Status.CANCELLED)

    assert list(FollowUp.objects.due_between(start, end)) == [at_start, inside]


def test_a_follow_up_is_overdue_only_while_open_and_past_due():
    late = FollowUpFactory.build(due_at=NOON - timedelta(minutes=1))
    done = FollowUpFactory.build(due_at=NOON - timedelta(minutes=1), status=FollowUp.Status.DONE)
    upcoming = FollowUpFactory.build(due_at=NOON + timedelta(minutes=1))

    assert late.is_overdue(now=NOON)
    assert not done.is_overdue(now=NOON)
    assert not upcoming.is_overdue(now=NOON)


def test_search_by_phone_matches_the_normalised_number_only():
    wanted = CustomerFactory(name="Harbour Plumbing", phone="(202) 555-0101")
    ContactFactory(customer=CustomerFactory(name="Other", phone=""), phone="+1 202 555 0102")

    assert list(Customer.objects.search("+1 202-555-0101")) == [wanted]
    assert list(Customer.objects.search("2025550101")) == [wanted]
    assert not Customer.objects.search("202 555 0199").exists()


def test_search_by_email_matches_the_whole_address_in_any_case_on_bulk_inserted_rows():
    # Inserted in bulk, as seed_scale and imports do: no save() fills anything in.
    owner = UserFactory()
    Customer.objects.bulk_create(
        [
            Customer(name="Bulk One", email="Orders@Bulk.example", account_owner=owner),
            Customer(name="Bulk Two", email="sales@bulk.example", account_owner=owner),
        ]
    )

    assert [c.name for c in Customer.objects.search("ORDERS@bulk.EXAMPLE")] == ["Bulk One"]
    assert not Customer.objects.search("orders@bulk").exists()


def test_search_unites_the_customers_and_the_contacts_matches_without_exists():
    # An OR across the two tables, or an EXISTS per customer, defeats the indexes (#10).
    for query in ["harbour", "zoe@harbour.example", "+1 202 555 0177"]:
        sql = str(Customer.objects.search(query).query).upper()
        assert " UNION " in sql
        assert "EXISTS" not in sql
        assert "UPPER(" not in sql


def test_by_name_breaks_ties_between_equal_names_by_id():
    first, second = CustomerFactory(name="Same"), CustomerFactory(name="Same")
    CustomerFactory(name="Earlier")

    assert [c.pk for c in Customer.objects.by_name()][1:] == [first.pk, second.pk]


# FollowUpQuerySet.urgency_order


def test_urgency_order_is_overdue_then_today_then_later_each_by_due_time(time_machine):
    time_machine.move_to(NOON)
    later = FollowUpFactory(due_at=NOON + timedelta(days=2))
    today = FollowUpFactory(due_at=NOON + timedelta(hours=3))
    overdue_recent = FollowUpFactory(due_at=NOON - timedelta(hours=1))
    overdue_old = FollowUpFactory(due_at=NOON - timedelta(days=3))
    tie = FollowUpFactory(due_at=NOON + timedelta(hours=3))

    assert list(FollowUp.objects.urgency_order()) == [
        overdue_old,
        overdue_recent,
        today,
        tie,
        later,
    ]
