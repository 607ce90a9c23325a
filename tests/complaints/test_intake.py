"""Logging a complaint: reference, owner, repeat flag, expected time, and the background intake
that must survive a broker that is down."""

from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.db.models import DurationField, ExpressionWrapper, F
from kombu.exceptions import OperationalError

from complaints import services, tasks
from complaints.intake import TYPICAL_MIN_CASES, TypicalResolution
from complaints.models import Complaint, ComplaintUpdate, ExpectedBasis
from customers.models import Customer
from tests.factories import (
    CategoryFactory,
    ComplaintFactory,
    ContactFactory,
    CustomerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen(settings, time_machine):
    settings.TIME_ZONE = "Europe/London"
    time_machine.move_to(NOW, tick=False)


ANY_CUSTOMER = object()


def log(actor, customer=ANY_CUSTOMER, **fields) -> Complaint:
    """Log a complaint through the service; for a new customer, pass customer=None."""
    values = {
        "customer_words": "The oven door came off its hinge on day two.",
        "channel": "phone",
    }
    if customer is ANY_CUSTOMER:
        customer = CustomerFactory()
    return services.log_complaint(actor=actor, customer=customer, **{**values, **fields})


# --- What logging records ------------------------------------------------------------------------


def test_a_logged_complaint_gets_a_human_reference_from_its_id(staff):
    complaint = log(staff)

    complaint.refresh_from_db()
    assert complaint.reference == f"C-{complaint.pk:06d}"


def test_each_complaint_gets_its_own_reference(staff):
    customer = CustomerFactory()

    references = {log(staff, customer).reference for _ in range(3)}

    assert len(references) == 3


def test_the_person_who_logs_a_complaint_owns_it(staff):
    complaint = log(staff)

    complaint.refresh_from_db()
    assert (complaint.owner, complaint.logged_by) == (staff, staff)
    assert complaint.status == Complaint.Status.NEW
    assert complaint.received_at == NOW
    logged = complaint.updates.get()
    assert (logged.kind, logged.author) == (ComplaintUpdate.Kind.NOTE, staff)


def test_logging_keeps_everything_the_customer_said(staff):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer)
    category = CategoryFactory(parent=CategoryFactory())
    needs_by = NOW + timedelta(days=3)

    complaint = log(
        staff,
        customer,
        contact=contact,
        channel="in_person",
        severity="high",
        category=category,
        what_we_heard="They need a working oven before Saturday.",
        heard_confirmed=True,
        asked_remedy_kind="replacement",
        asked_amount=Decimal("180.00"),
        asked_words="A new door, fitted this week",
        needs_by=needs_by,
    )

    complaint.refresh_from_db()
    assert (complaint.customer, complaint.contact, complaint.category) == (
        customer,
        contact,
        category,
    )
    assert (complaint.channel, complaint.severity) == ("in_person", "high")
    assert complaint.what_we_heard == "They need a working oven before Saturday."
    assert complaint.heard_confirmed is True
    assert (complaint.asked_remedy_kind, complaint.asked_amount) == (
        "replacement",
        Decimal("180.00"),
    )
    assert complaint.asked_words == "A new door, fitted this week"
    assert complaint.needs_by == needs_by


def test_staff_without_the_permission_to_log_complaints_are_refused(db):
    nobody = UserFactory()

    with pytest.raises(PermissionDenied):
        log(nobody)

    assert not Complaint.objects.exists()


def test_a_new_customer_is_created_with_the_complaint(staff):
    complaint = log(
        staff,
        customer=None,
        new_customer=Customer(name="Juniper Florist", phone="+1 202 555 0142"),
    )

    complaint.refresh_from_db()
    assert complaint.customer.pk is not None
    assert complaint.customer.name == "Juniper Florist"
    assert Customer.objects.get(name="Juniper Florist") == complaint.customer


def test_a_new_customer_is_not_kept_when_the_complaint_cannot_be_saved(staff):
    # The database refuses the timeline row written after the complaint: the customer created
    # a moment before in the same transaction goes too.
    refused = IntegrityError("the database refused the row")
    with (
        mock.patch.object(services, "_record", side_effect=refused),
        pytest.raises(IntegrityError),
    ):
        log(staff, customer=None, new_customer=Customer(name="Juniper Florist"))

    assert not Customer.objects.filter(name="Juniper Florist").exists()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        ("apology", "5000"),
        ("refund", "-1"),
        ("refund", "NaN"),
        ("other", "Infinity"),
        ("gift", "1e20"),
        ("refund", "10.005"),
        ("bribe", "10"),
    ],
)
def test_a_remedy_asked_for_that_no_remedy_could_be_is_refused_and_nothing_kept(
    kind, amount, staff
):
    with pytest.raises(services.ComplaintError):
        log(
            staff,
            customer=None,
            new_customer=Customer(name="Juniper Florist"),
            asked_remedy_kind=kind,
            asked_amount=Decimal(amount),
        )

    assert not Customer.objects.filter(name="Juniper Florist").exists()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(("kind", "amount"), [("refund", None), ("other", "30"), ("", "12.50")])
def test_a_remedy_asked_for_may_leave_the_amount_unsaid_or_name_one(kind, amount, staff):
    complaint = log(
        staff,
        asked_remedy_kind=kind,
        asked_amount=Decimal(amount) if amount is not None else None,
    )

    complaint.refresh_from_db()
    assert (complaint.asked_remedy_kind, complaint.asked_amount) == (
        kind,
        Decimal(amount) if amount is not None else None,
    )


# --- Repeat flag ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "is_repeat"), [(1, True), (89, True), (90, True), (91, False), (400, False)]
)
def test_a_complaint_within_90_days_of_the_customers_last_is_a_repeat(days_ago, is_repeat, staff):
    customer = CustomerFactory()
    ComplaintFactory(customer=customer, received_at=NOW - timedelta(days=days_ago))

    complaint = log(staff, customer)

    complaint.refresh_from_db()
    assert complaint.is_repeat is is_repeat


def test_another_customers_recent_complaint_does_not_make_a_repeat(staff):
    ComplaintFactory(received_at=NOW - timedelta(days=3))

    complaint = log(staff, CustomerFactory())

    complaint.refresh_from_db()
    assert complaint.is_repeat is False


# --- Expected by ---------------------------------------------------------------------------------


def closed_alike(count: int, *, took_days, category=None, severity="normal", closed_days_ago=10):
    """Close count complaints of a category and severity, each resolved after took_days(i)."""
    for index in range(count):
        received = NOW - timedelta(days=closed_days_ago + took_days(index) + 1)
        resolved = received + timedelta(days=took_days(index))
        ComplaintFactory(
            category=category,
            severity=severity,
            status=Complaint.Status.CLOSED,
            received_at=received,
            resolved_at=resolved,
            closed_at=resolved + timedelta(days=1),
        )


def test_the_customers_stated_need_comes_first(staff):
    closed_alike(25, took_days=lambda index: 3)
    needs_by = NOW + timedelta(days=2)

    complaint = log(staff, needs_by=needs_by)

    complaint.refresh_from_db()
    assert complaint.expected_by == needs_by
    assert complaint.expected_by_basis == ExpectedBasis.NEEDS


def test_without_a_stated_need_the_usual_time_for_the_category_and_severity_counts(staff):
    late = CategoryFactory()
    # 21 alike: the median is the 11th shortest, 11 days; an even count would average two.
    closed_alike(21, took_days=lambda index: index + 1, category=late, severity="high")
    # Not alike: another severity, another category, or closed before the window.
    closed_alike(30, took_days=lambda index: 1, category=late, severity="low")
    closed_alike(30, took_days=lambda index: 1, category=CategoryFactory(), severity="high")
    closed_alike(
        30, took_days=lambda index: 1, category=late, severity="high", closed_days_ago=200
    )

    complaint = log(staff, category=late, severity="high")

    complaint.refresh_from_db()
    assert complaint.expected_by == NOW + timedelta(days=11)
    assert (complaint.expected_by_basis, complaint.expected_by_cases) == (ExpectedBasis.MEDIAN, 21)


def test_an_even_number_of_cases_takes_the_midpoint_of_the_middle_two(staff):
    closed_alike(20, took_days=lambda index: 2 if index < 10 else 4)

    complaint = log(staff)

    complaint.refresh_from_db()
    assert complaint.expected_by == NOW + timedelta(days=3)


def test_with_fewer_than_twenty_cases_alike_the_resolution_target_counts(staff):
    closed_alike(TYPICAL_MIN_CASES - 1, took_days=lambda index: 30)
    # Still open: no closure, says nothing about how long it takes.
    ComplaintFactory(received_at=NOW - timedelta(days=5))

    complaint = log(staff)

    complaint.refresh_from_db()
    assert complaint.expected_by == complaint.resolution_due
    assert complaint.expected_by_basis == ExpectedBasis.TARGET


def test_the_usual_time_counts_from_when_the_complaint_was_received(staff):
    closed_alike(20, took_days=lambda index: 2)
    received = NOW - timedelta(hours=3)

    complaint = log(staff, received_at=received)

    complaint.refresh_from_db()
    assert complaint.expected_by == received + timedelta(days=2)


def test_the_usual_time_is_read_in_two_queries_whatever_the_number_of_cases(
    staff, django_assert_num_queries
):
    closed_alike(60, took_days=lambda index: index % 7 + 1)

    with django_assert_num_queries(2):
        typical = TypicalResolution.load(category=None, severity="normal", at=NOW)

    assert typical == TypicalResolution(timedelta(days=4), 60)


def test_an_index_serves_the_usual_time_so_logging_stays_fast_at_any_size():
    category = CategoryFactory()
    # Many of the category's complaints are not alike (another severity, closed long ago), as
    # in a real business: reading by category alone would not do.
    closed_alike(200, took_days=lambda index: 1, category=category, closed_days_ago=400)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The planner needs statistics, and a test's small table is cheapest read whole:
            # ask which index serves the query, as one must at 100,000 complaints.
            cursor.execute("ANALYZE complaints_complaint")
            cursor.execute("SET LOCAL enable_seqscan = off")
    alike = Complaint.objects.closed_alike(
        category=category, severity="high", since=NOW - timedelta(days=180)
    ).filter(closed_at__lte=NOW)
    took = ExpressionWrapper(F("resolved_at") - F("received_at"), DurationField())
    middle = alike.annotate(took=took).order_by("took", "pk").values_list("took", flat=True)

    plans = [alike.order_by().values("pk").explain(), middle[10:12].explain()]

    for plan in plans:
        assert "complaint_closed_alike_idx" in plan


# --- The background intake -----------------------------------------------------------------------


def staff_mail(outbox) -> list:
    """The notices to staff among the mail sent (the customer gets an acknowledgement too)."""
    return [message for message in outbox if message.subject.startswith("[Tend] ")]


def test_a_serious_complaint_alerts_the_supervisors_once_logged(
    staff, supervisor, owner, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = log(staff, severity="critical")

    complaint.refresh_from_db()
    assert complaint.intake_done_at == NOW
    assert sorted(message.to[0] for message in staff_mail(mailoutbox)) == sorted(
        [supervisor.email, owner.email]
    )
    assert complaint.reference in staff_mail(mailoutbox)[0].subject


def test_a_customer_name_with_line_breaks_still_alerts_the_supervisors_on_one_line(
    staff, supervisor, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    customer = CustomerFactory(name="Ada\r\nBcc: everyone@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        complaint = log(staff, customer, severity="high")

    [alert] = staff_mail(mailoutbox)
    assert alert.to == [supervisor.email]
    assert alert.subject == (
        f"[Tend] High complaint {complaint.reference} from Ada Bcc: everyone@example.com"
    )
    assert "\n" not in alert.message()["Subject"]
    assert alert.bcc == []


def test_a_supervisor_logging_a_serious_complaint_is_not_alerted_about_it(
    supervisor, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = log(supervisor, severity="high")

    complaint.refresh_from_db()
    assert complaint.intake_done_at == NOW
    assert staff_mail(mailoutbox) == []


def test_a_normal_complaint_alerts_nobody(
    staff, supervisor, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = log(staff, severity="normal")

    complaint.refresh_from_db()
    assert complaint.intake_done_at == NOW
    assert staff_mail(mailoutbox) == []


def test_the_intake_runs_once_however_often_it_is_delivered(
    staff, supervisor, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    complaint = log(staff, severity="high")

    with django_capture_on_commit_callbacks(execute=True):
        first = services.process_intake(complaint_id=complaint.pk)
        second = services.process_intake(complaint_id=complaint.pk)
        tasks.process_complaint_intake(complaint.pk)

    assert (first, second) == (True, False)
    assert [message.to for message in staff_mail(mailoutbox)] == [[supervisor.email]]


def test_logging_loses_nothing_while_the_broker_is_down_and_catches_up_once_it_is_back(
    staff,
    supervisor,
    eager_celery,
    django_capture_on_commit_callbacks,
    mailoutbox,
    caplog,
    time_machine,
):
    # given: the broker refuses every task
    broker_down = mock.patch.object(
        tasks.process_complaint_intake, "delay", side_effect=OperationalError("broker down")
    )

    # when: a serious complaint is logged
    with broker_down as delay, django_capture_on_commit_callbacks(execute=True):
        complaint = log(staff, severity="high")

    # then: the complaint is saved, its intake pending, the failure logged, nobody alerted yet
    delay.assert_called_once_with(complaint.pk)
    assert "broker down" in caplog.text
    complaint.refresh_from_db()
    assert complaint.reference == f"C-{complaint.pk:06d}"
    assert complaint.intake_done_at is None
    assert staff_mail(mailoutbox) == []

    # when: the broker is back and the intake catch-up runs, twice
    later = NOW + timedelta(minutes=2)
    time_machine.move_to(later, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.process_pending_intakes(now=later)
        services.process_pending_intakes(now=later + timedelta(minutes=5))

    # then: the intake ran once, the supervisor heard once
    complaint.refresh_from_db()
    assert complaint.intake_done_at == later
    assert [message.to for message in staff_mail(mailoutbox)] == [[supervisor.email]]


def test_the_catch_up_leaves_an_intake_just_enqueued_to_its_task(staff, supervisor):
    complaint = log(staff, severity="high")

    services.process_pending_intakes(now=NOW + timedelta(seconds=30))

    complaint.refresh_from_db()
    assert complaint.intake_done_at is None


# --- Expected by, explained on the page ----------------------------------------------------------


def rule_shown(client, actor, complaint) -> str:
    client.force_login(actor)
    html = client.get(complaint.get_absolute_url()).content.decode()
    start = html.index('id="expected-by-rule"')
    return html[start : html.index("</p>", start)]


def test_the_page_says_the_customer_stated_their_need(client, staff):
    complaint = log(staff, needs_by=NOW + timedelta(days=2))

    assert "The customer said when they need it." in rule_shown(client, staff, complaint)


def test_the_page_explains_the_usual_time_with_its_cases_and_category(client, staff):
    late = CategoryFactory(name="Late")
    closed_alike(24, took_days=lambda index: 3, category=late, severity="high")

    complaint = log(staff, category=late, severity="high")

    shown = rule_shown(client, staff, complaint)
    assert "the last 180 days&#x27; 24 closed high complaints about Late" in shown
    assert "resolved within 3\xa0days" in shown


def test_the_page_explains_the_resolution_target_in_business_time(client, staff):
    complaint = log(staff, severity="normal")

    shown = rule_shown(client, staff, complaint)
    # the seeded normal target: 2400 business minutes
    assert "fewer than 20 normal complaints like it closed lately" in shown
    assert "the resolution target: 40 h of business time" in shown
