from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from crm import roles
from crm.management.commands import seed_scale
from customers.demo import DEMO_EMAIL_DOMAIN
from customers.models import Contact, Customer, FollowUp, FollowUpReschedule, Interaction
from customers.scale import CUSTOMERS_STEP, SCALE_STAFF_COUNT, SCALE_STAFF_PREFIX, ScaleStep


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


def _written_otherwise(normalised: str) -> str:
    digits = normalised.removeprefix("+1")
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


@pytest.mark.django_db
def test_seed_scale_creates_the_customers_with_about_the_right_related_rows():
    output = _seed(customers=50)

    assert Customer.objects.count() == 50
    assert 75 <= Contact.objects.count() <= 125  # about 2 each
    assert 400 <= Interaction.objects.count() <= 600  # about 10 each
    assert 200 <= FollowUp.objects.count() <= 300  # about 5 each
    assert "50 customers" in output
    assert "interactions" in output


@pytest.mark.django_db
def test_seed_scale_mixes_open_overdue_and_done_commitments_and_every_status():
    _seed(customers=50)

    now = timezone.now()
    follow_ups = FollowUp.objects.all()
    assert follow_ups.overdue(now=now).exists()
    assert follow_ups.open().filter(due_at__gt=now).exists()
    done = follow_ups.filter(status=FollowUp.Status.DONE)
    assert done.count() > follow_ups.open().count()
    assert not done.filter(completed_at=None).exists()
    assert set(Customer.objects.values_list("status", flat=True)) == set(Customer.Status.values)
    former = Customer.objects.filter(status=Customer.Status.FORMER)
    assert not former.filter(Q(lost_on=None) | Q(lost_reason="")).exists()
    assert not former.filter(lost_on__lt=F("became_customer_on")).exists()


@pytest.mark.django_db
def test_seed_scale_gives_every_customer_exactly_one_primary_contact():
    _seed(customers=50)

    primaries = Customer.objects.annotate(
        primaries=Count("contacts", filter=Q(contacts__is_primary=True))
    )
    assert set(primaries.values_list("primaries", flat=True)) == {1}


@pytest.mark.django_db
def test_seed_scale_spreads_the_work_over_front_line_scale_staff_who_cannot_sign_in():
    _seed(customers=50)

    staff = get_user_model().objects.filter(username__startswith=SCALE_STAFF_PREFIX)
    assert staff.count() == SCALE_STAFF_COUNT
    assert set(staff.values_list("groups__name", flat=True)) == {roles.FRONT_LINE_STAFF}
    assert not any(user.has_usable_password() for user in staff)
    owners = set(Customer.objects.values_list("account_owner", flat=True))
    assert owners == set(staff.values_list("pk", flat=True))


@pytest.mark.django_db
def test_seed_scale_fills_derived_fields_so_a_differently_written_phone_finds_one_customer():
    _seed(customers=50)

    assert not Customer.objects.filter(Q(phone_normalised="") | Q(search_name="")).exists()
    assert not Contact.objects.filter(Q(phone_normalised="") | Q(search_name="")).exists()
    customer = Customer.objects.order_by("pk")[7]
    assert list(Customer.objects.search(_written_otherwise(customer.phone_normalised))) == [
        customer
    ]
    contact = Contact.objects.order_by("pk")[11]
    assert list(Customer.objects.search(_written_otherwise(contact.phone_normalised))) == [
        contact.customer
    ]


@pytest.mark.django_db
def test_seed_scale_in_small_batches_numbers_every_customer_once():
    output = _seed(customers=50, batch_size=20)

    assert "20 of 50 customers" in output
    assert "40 of 50 customers" in output
    assert "50 of 50 customers" in output
    assert Customer.objects.count() == 50
    assert Customer.objects.values("phone_normalised").distinct().count() == 50
    assert Customer.objects.values("email").distinct().count() == 50


@pytest.mark.django_db
def test_seed_scale_run_again_adds_customers_without_repeating_people_or_staff():
    _seed(customers=10)
    users = get_user_model().objects.count()

    _seed(customers=10)

    assert Customer.objects.count() == 20
    assert Customer.objects.values("phone_normalised").distinct().count() == 20
    assert get_user_model().objects.count() == users


@pytest.mark.django_db
def test_seed_scale_clear_empties_the_customers_data_and_keeps_every_user(settings):
    # given the demo business (with history and a rescheduled promise) and a scale data set
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    _seed(customers=30)
    usernames = set(get_user_model().objects.values_list("username", flat=True))

    # when
    output = _seed(customers=5, clear=True)

    # then only the new customers remain, and nobody lost their login
    assert "Deleted" in output
    assert Customer.objects.count() == 5
    assert not Customer.objects.filter(email__iendswith=DEMO_EMAIL_DOMAIN).exists()
    assert Contact.objects.count() <= 5 * 3
    assert Interaction.objects.count() <= 5 * 15
    assert FollowUp.objects.count() <= 5 * 7
    assert not FollowUpReschedule.objects.exists()
    assert not Customer.history.exists()
    assert not FollowUp.history.exists()
    # seed_demo writes the history of contacts and the contact log; the clear removes it too
    assert not Contact.history.exists()
    assert not Interaction.history.exists()
    assert set(get_user_model().objects.values_list("username", flat=True)) == usernames


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, -3])
def test_seed_scale_refuses_fewer_than_one_customer(value):
    with pytest.raises(CommandError, match="--customers must be a whole number of at least 1"):
        _seed(customers=value)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_seed_scale_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match="--batch-size must be a whole number of at least 1"):
        _seed(customers=5, batch_size=0)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_seed_scale_requires_the_number_of_customers():
    with pytest.raises(CommandError, match="--customers"):
        call_command("seed_scale")


@pytest.mark.django_db
def test_seed_scale_runs_each_app_step_on_every_batch_and_clears_children_first(monkeypatch):
    # given another app's step after the customers step
    seen_batches = []
    customers_left_when_cleared = []

    def seed_extras(batch):
        seen_batches.append([customer.pk for customer in batch.customers])
        return {"extras": len(batch.customers)}

    def clear_extras():
        customers_left_when_cleared.append(Customer.objects.count())
        return {"extras": 0}

    extras = ScaleStep("extras", seed_extras, clear_extras)
    monkeypatch.setattr(seed_scale, "STEPS", [CUSTOMERS_STEP, extras])
    _seed(customers=3)

    # when
    output = _seed(customers=5, batch_size=2, clear=True)

    # then it saw every new customer, batch by batch, and was cleared while they still existed
    assert customers_left_when_cleared == [3]
    assert [len(pks) for pks in seen_batches[1:]] == [2, 2, 1]
    new_pks = {pk for pks in seen_batches[1:] for pk in pks}
    assert new_pks == set(Customer.objects.values_list("pk", flat=True))
    assert "5 extras" in output
