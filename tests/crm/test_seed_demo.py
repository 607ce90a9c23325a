from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from complaints.models import ComplaintHandoff, Remedy
from crm import demo
from customers.demo import seed_demo_customers
from customers.models import Contact, Customer, FollowUp, FollowUpReschedule, Interaction
from customers.scale import clear_customers
from onboarding.models import Handoff, OnboardingStep


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_seed_demo_creates_one_login_per_group_and_prints_them(debug_on, capsys):
    call_command("seed_demo")
    output = capsys.readouterr().out
    user_model = get_user_model()
    for group in ("Front-line staff", "Supervisors", "Owners"):
        assert user_model.objects.filter(groups__name=group).exists()
        assert group in output
    assert f"password: {demo.DEMO_PASSWORD}" in output
    owner = user_model.objects.get(username="olivia")
    assert owner.is_staff
    assert owner.check_password(demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_run_twice_creates_nothing_more(debug_on):
    call_command("seed_demo")
    count = get_user_model().objects.count()
    call_command("seed_demo")
    assert get_user_model().objects.count() == count


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()


# --- The demo business ----------------------------------------------------------------------


def _counts() -> dict[str, int]:
    models = [Customer, Contact, Interaction, FollowUp, FollowUpReschedule, get_user_model()]
    counts = {model.__name__: model.objects.count() for model in models}
    return counts | {
        f"{model.__name__} history": model.history.count()
        for model in (Customer, Contact, Interaction, FollowUp)
    }


@pytest.mark.django_db
def test_seed_demo_writes_each_record_people_edit_into_its_history(debug_on):
    call_command("seed_demo")

    for model in (Contact, Interaction, Remedy, ComplaintHandoff, OnboardingStep, Handoff):
        assert model.objects.exists(), model
        created = model.history.filter(history_type="+").values_list("id", flat=True)
        assert sorted(created) == sorted(model.objects.values_list("pk", flat=True)), model


@pytest.mark.django_db
def test_seed_demo_creates_about_forty_customers_in_every_lifecycle_status(debug_on):
    call_command("seed_demo")

    customers = Customer.objects.all()
    assert 35 <= customers.count() <= 45
    assert set(customers.values_list("status", flat=True)) == set(Customer.Status.values)
    assert set(customers.values_list("kind", flat=True)) == set(Customer.Kind.values)
    owners = set(customers.values_list("account_owner__username", flat=True))
    assert owners == {"sam", "alex", "sue"}
    assert customers.filter(do_not_contact=True).count() >= 2
    assert customers.filter(referred_by__isnull=False).count() >= 3
    assert customers.filter(name__in=["Zoë Müller", "José Álvarez"]).count() == 2


@pytest.mark.django_db
def test_seed_demo_former_customers_carry_when_and_why_they_left(debug_on):
    call_command("seed_demo")

    former = Customer.objects.filter(status=Customer.Status.FORMER)
    assert former.exists()
    assert not former.filter(lost_on__isnull=True).exists()
    assert not former.filter(lost_reason="").exists()
    assert not former.filter(lost_on__lte=F("became_customer_on")).exists()
    assert not Customer.objects.exclude(status=Customer.Status.FORMER).exclude(lost_on=None)


@pytest.mark.django_db
def test_seed_demo_customers_have_preferences(debug_on):
    call_command("seed_demo")

    customers = Customer.objects.all()
    assert len(set(customers.values_list("preferred_channel", flat=True))) >= 4
    windowed = customers.exclude(contact_from=None)
    assert windowed.count() >= customers.count() // 2
    assert not windowed.filter(contact_until__lte=F("contact_from")).exists()
    assert windowed.exclude(contact_days="").exists()
    assert not customers.filter(interests="").exists()
    assert customers.exclude(goals="").count() >= customers.count() // 2


@pytest.mark.django_db
def test_seed_demo_gives_each_business_one_to_three_contacts_one_of_them_primary(debug_on):
    call_command("seed_demo")

    businesses = Customer.objects.filter(kind=Customer.Kind.BUSINESS).annotate(
        people=Count("contacts"), primaries=Count("contacts", filter=Q(contacts__is_primary=True))
    )
    assert businesses.exists()
    for business in businesses:
        assert 1 <= business.people <= 3, business
        assert business.primaries == 1, business


@pytest.mark.django_db
def test_seed_demo_customers_are_found_by_accent_free_name_and_any_written_phone(debug_on):
    call_command("seed_demo")

    zoe = Customer.objects.get(name="Zoë Müller")
    assert list(Customer.objects.search("zoe muller")) == [zoe]
    digits = zoe.phone_normalised.removeprefix("+1")
    written_otherwise = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    assert written_otherwise != zoe.phone
    assert list(Customer.objects.search(written_otherwise)) == [zoe]
    # Every number is written in some form, and no two people share one.
    phones = list(Customer.objects.values_list("phone", flat=True))
    assert len({phone[:2] for phone in phones}) >= 4
    normalised = [*Customer.objects.values_list("phone_normalised", flat=True)]
    normalised += Contact.objects.values_list("phone_normalised", flat=True)
    assert "" not in normalised
    assert len(set(normalised)) == len(normalised)


@pytest.mark.django_db
def test_seed_demo_logs_a_few_months_of_contact_some_of_it_positive(debug_on, time_machine):
    time_machine.move_to("2026-11-23 15:00:00+00:00", tick=False)

    call_command("seed_demo")

    now = timezone.now()
    interactions = Interaction.objects.all()
    assert not Customer.objects.filter(interactions=None).exists()
    assert interactions.filter(is_positive=True).exclude(what_we_heard="").count() >= 10
    oldest = interactions.order_by("occurred_at").first().occurred_at
    assert now - oldest > timedelta(days=60)
    assert not interactions.filter(occurred_at__gt=now).exists()
    staff = set(interactions.values_list("staff__username", flat=True))
    assert staff == {"sam", "alex", "sue"}


@pytest.mark.django_db
@pytest.mark.parametrize("local_time", ["2026-11-23 10:00", "2026-11-23 23:50"])
def test_seed_demo_gives_every_demo_staff_member_overdue_due_today_and_done_work(
    debug_on, settings, time_machine, local_time
):
    # given a business in California, seeded in the morning or just before midnight
    settings.TIME_ZONE = "America/Los_Angeles"
    zone = ZoneInfo(settings.TIME_ZONE)
    time_machine.move_to(datetime.fromisoformat(local_time).replace(tzinfo=zone), tick=False)

    # when
    call_command("seed_demo")

    # then every one of them has work late, work due before local midnight and work kept
    now = timezone.now()
    midnight = datetime.combine(timezone.localdate() + timedelta(days=1), time.min, zone)
    for username in ("sam", "alex", "sue"):
        follow_ups = FollowUp.objects.filter(owner__username=username)
        assert follow_ups.overdue(now=now).exists(), username
        assert follow_ups.due_between(now, midnight).exists(), username
        assert follow_ups.open().filter(due_at__gte=midnight).exists(), username
        done = follow_ups.filter(status=FollowUp.Status.DONE)
        assert done.exists(), username
        assert not done.filter(Q(outcome="") | Q(completed_at=None)).exists(), username
    sams = FollowUp.objects.filter(owner__username="sam")
    assert sams.overdue(now=now).filter(promised_to_customer=True).count() >= 2
    assert sams.due_between(now, midnight).count() >= 3


@pytest.mark.django_db
def test_seed_demo_links_callbacks_to_the_request_and_records_a_moved_promise(debug_on):
    call_command("seed_demo")

    callbacks = FollowUp.objects.filter(source_type__model="interaction")
    assert callbacks.exists()
    for callback in callbacks:
        assert callback.source.customer_id == callback.customer_id
        assert callback.source.what_we_heard
    moved = FollowUpReschedule.objects.get()
    assert moved.follow_up.promised_to_customer
    assert moved.customer_told is True
    assert FollowUp.objects.filter(status=FollowUp.Status.CANCELLED).exists()
    handed_over = FollowUp.objects.exclude(created_by=F("owner")).get()
    assert timezone.now() - handed_over.assigned_at < timedelta(hours=1)


@pytest.mark.django_db
def test_seed_demo_run_twice_creates_no_more_customers_or_history(debug_on, capsys):
    call_command("seed_demo")
    first_output = capsys.readouterr().out
    counts = _counts()

    call_command("seed_demo")

    assert _counts() == counts
    assert f"Created {counts['Customer']} demo customers" in first_output
    assert "complaints and" in first_output
    assert "nothing more was created" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_customers_builds_the_same_business_every_time(debug_on):
    staff = {person.username: user for person, user in demo.seed_demo_people()}
    moment = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

    def snapshot():
        return (
            list(Customer.objects.order_by("name").values_list("name", "phone", "created_at")),
            list(
                # Two customers can share a moment and a summary: the name settles the order.
                Interaction.objects.order_by(
                    "occurred_at", "summary", "customer__name"
                ).values_list("customer__name", "summary", "occurred_at")
            ),
            list(
                FollowUp.objects.order_by("due_at", "subject", "customer__name").values_list(
                    "customer__name", "subject", "due_at", "status"
                )
            ),
        )

    assert seed_demo_customers(staff=staff, now=moment) > 0
    first = snapshot()
    clear_customers()
    assert seed_demo_customers(staff=staff, now=moment) > 0
    assert snapshot() == first


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off_and_creates_no_customers(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_seed_demo_fills_sams_my_day(debug_on, client):
    call_command("seed_demo")
    client.force_login(get_user_model().objects.get(username="sam"))

    response = client.get("/")

    sections = {section.key: section.items for section in response.context["sections"]}
    assert sections["overdue"]
    assert sections["due_today"]
    assert sections["recently_assigned"]
    assert "Harbour Street Café" in response.content.decode()
