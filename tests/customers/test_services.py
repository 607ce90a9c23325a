from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from crm import roles
from crm.models import BusinessHours, Holiday
from crm.people import require, supervisors
from customers import services
from customers.models import (
    Channel,
    Customer,
    FollowUp,
    FollowUpReschedule,
    Interaction,
)
from customers.permissions import can_manage_follow_up
from customers.services import FollowUpError, StaleEditError
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    InteractionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 2026: Monday 2 March, before the clocks change; the week runs to Sunday 8 March.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
FRIDAY = date(2026, 3, 6)
SATURDAY = date(2026, 3, 7)
NEXT_MONDAY = date(2026, 3, 9)
NEXT_TUESDAY = date(2026, 3, 10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _business_settings(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.PHONE_REGION = "US"
    settings.CALLBACK_RESPONSE_MINUTES = 60


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MONDAY_10, tick=False)
    return MONDAY_10


@pytest.fixture
def nobody(db):
    """Someone signed in without any role, so without any permission."""
    return UserFactory()


@pytest.fixture
def weekday_hours(db):
    BusinessHours.objects.bulk_create(
        BusinessHours(weekday=weekday, opens=time(9), closes=time(17)) for weekday in range(5)
    )


# --- create_customer ----------------------------------------------------------------------------


def test_staff_can_add_a_customer(staff):
    customer = Customer(name="Greenfield Bakery", phone="(202) 555-0101")

    services.create_customer(actor=staff, customer=customer)

    saved = Customer.objects.get()
    assert saved.name == "Greenfield Bakery"
    assert saved.phone_normalised == "+12025550101"
    assert saved.version == 1


def test_a_customer_added_as_active_becomes_a_customer_today(staff, now):
    customer = Customer(name="Greenfield Bakery", status=Customer.Status.ACTIVE)

    services.create_customer(actor=staff, customer=customer)

    customer.refresh_from_db()
    assert customer.became_customer_on == date(2026, 3, 2)


def test_a_customer_added_as_active_keeps_the_date_given(staff, now):
    customer = Customer(
        name="Greenfield Bakery",
        status=Customer.Status.ACTIVE,
        became_customer_on=date(2024, 5, 1),
    )

    services.create_customer(actor=staff, customer=customer)

    customer.refresh_from_db()
    assert customer.became_customer_on == date(2024, 5, 1)


def test_a_prospect_has_not_become_a_customer(staff, now):
    customer = Customer(name="Greenfield Bakery", status=Customer.Status.PROSPECT)

    services.create_customer(actor=staff, customer=customer)

    customer.refresh_from_db()
    assert customer.became_customer_on is None


def test_someone_without_permission_cannot_add_a_customer(nobody):
    with pytest.raises(PermissionDenied):
        services.create_customer(actor=nobody, customer=Customer(name="Greenfield Bakery"))

    assert not Customer.objects.exists()


# --- update_customer ----------------------------------------------------------------------------


def test_an_edit_based_on_the_current_version_is_saved_and_bumps_the_version(staff):
    customer = CustomerFactory(name="Greenfield Bakery")

    customer.name = "Greenfield Bakery & Café"
    services.update_customer(actor=staff, customer=customer, expected_version=1)

    customer.refresh_from_db()
    assert customer.name == "Greenfield Bakery & Café"
    assert customer.search_name == "greenfield bakery & cafe"
    assert customer.version == 2


def test_consecutive_edits_each_based_on_the_last_save_are_all_saved(staff):
    customer = CustomerFactory(goals="")

    customer.goals = "Open a second shop"
    services.update_customer(actor=staff, customer=customer, expected_version=1)
    customer.goals = "Open a second shop by summer"
    services.update_customer(actor=staff, customer=customer, expected_version=2)

    customer.refresh_from_db()
    assert customer.goals == "Open a second shop by summer"
    assert customer.version == 3


def test_an_edit_based_on_a_version_someone_else_has_saved_over_is_refused(staff, other_staff):
    # given two people who opened the same customer
    customer = CustomerFactory(name="Greenfield Bakery")
    theirs = Customer.objects.get(pk=customer.pk)
    mine = Customer.objects.get(pk=customer.pk)
    # and the other person saved first
    theirs.name = "Greenfield Bakers"
    services.update_customer(actor=other_staff, customer=theirs, expected_version=1)

    # when I save my edit of the version I opened
    mine.name = "Greenfield Bakery Ltd"
    with pytest.raises(StaleEditError):
        services.update_customer(actor=staff, customer=mine, expected_version=1)

    # then their save stands
    customer.refresh_from_db()
    assert customer.name == "Greenfield Bakers"
    assert customer.version == 2


def test_a_customer_edited_to_active_becomes_a_customer_today(staff, now):
    customer = CustomerFactory(status=Customer.Status.ONBOARDING, became_customer_on=None)

    customer.status = Customer.Status.ACTIVE
    services.update_customer(actor=staff, customer=customer, expected_version=1)

    customer.refresh_from_db()
    assert customer.became_customer_on == date(2026, 3, 2)


def test_someone_without_permission_cannot_edit_a_customer(nobody):
    customer = CustomerFactory(name="Greenfield Bakery")

    customer.name = "Renamed"
    with pytest.raises(PermissionDenied):
        services.update_customer(actor=nobody, customer=customer, expected_version=1)

    customer.refresh_from_db()
    assert customer.name == "Greenfield Bakery"
    assert customer.version == 1


# --- find_duplicates ----------------------------------------------------------------------------


def test_a_customer_with_the_same_email_in_any_case_is_a_likely_duplicate():
    existing = CustomerFactory(email="orders@greenfield.example")
    CustomerFactory(email="orders@harbour.example")

    assert services.find_duplicates(email="Orders@GreenField.example") == [existing]


def test_a_customer_whose_contact_has_the_email_is_a_likely_duplicate():
    existing = CustomerFactory()
    ContactFactory(customer=existing, email="zoe@greenfield.example")

    assert services.find_duplicates(email="zoe@greenfield.example") == [existing]


def test_a_customer_with_the_same_phone_written_differently_is_a_likely_duplicate():
    existing = CustomerFactory(phone="+1 202 555 0101")
    CustomerFactory(phone="+1 202 555 0199")

    assert services.find_duplicates(phone="(202) 555-0101") == [existing]


def test_a_customer_whose_contact_has_the_phone_is_a_likely_duplicate():
    existing = CustomerFactory(phone="")
    ContactFactory(customer=existing, phone="202.555.0142")

    assert services.find_duplicates(phone="+1 202 555 0142") == [existing]


def test_a_customer_with_the_same_name_ignoring_case_and_accents_is_a_likely_duplicate():
    existing = CustomerFactory(name="Zoë's Crème Café")
    CustomerFactory(name="Harbour Plumbing")

    assert services.find_duplicates(name="ZOE'S creme  cafe") == [existing]


@pytest.mark.parametrize("typed", ["Greenfeild Bakery", "Greenfield Bakry", "Greenfield Bakeries"])
def test_a_customer_with_a_name_spelled_almost_the_same_is_a_likely_duplicate(typed):
    existing = CustomerFactory(name="Greenfield Bakery")
    CustomerFactory(name="Greenway Plumbing")

    assert services.find_duplicates(name=typed) == [existing]


def test_customers_with_different_name_email_and_phone_are_not_duplicates():
    CustomerFactory(name="Greenfield Bakery", email="a@greenfield.example", phone="2025550101")

    found = services.find_duplicates(
        name="Harbour Plumbing", email="b@harbour.example", phone="2025550199"
    )

    assert found == []


def test_nothing_typed_finds_no_duplicates():
    CustomerFactory.create_batch(2)

    assert services.find_duplicates() == []


def test_a_customer_matching_on_everything_is_listed_once():
    existing = CustomerFactory(
        name="Greenfield Bakery", email="a@greenfield.example", phone="2025550101"
    )
    ContactFactory(customer=existing, email="a@greenfield.example", phone="2025550101")
    ContactFactory(customer=existing, email="a@greenfield.example", phone="2025550101")

    found = services.find_duplicates(
        name="Greenfield Bakery", email="a@greenfield.example", phone="202-555-0101"
    )

    assert found == [existing]


def test_the_customer_being_edited_is_not_its_own_duplicate():
    editing = CustomerFactory(name="Greenfield Bakery", email="a@greenfield.example")
    other = CustomerFactory(name="Greenfield Bakery", email="b@greenfield.example")

    found = services.find_duplicates(
        name="Greenfield Bakery", email="a@greenfield.example", exclude_pk=editing.pk
    )

    assert found == [other]


def test_at_most_ten_likely_duplicates_are_listed():
    CustomerFactory.create_batch(12, name="Greenfield Bakery")

    assert len(services.find_duplicates(name="Greenfield Bakery")) == 10


# --- log_interaction ----------------------------------------------------------------------------


def test_logging_a_contact_records_who_heard_what_and_when(staff, now):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer)

    interaction, callback = services.log_interaction(
        actor=staff,
        customer=customer,
        contact=contact,
        summary="Asked about gluten-free bread",
        what_we_heard="They want gluten-free loaves every Friday",
        channel=Channel.EMAIL,
        is_positive=True,
    )

    assert callback is None
    interaction.refresh_from_db()
    assert interaction.customer == customer
    assert interaction.contact == contact
    assert interaction.staff == staff
    assert interaction.channel == Channel.EMAIL
    assert interaction.direction == Interaction.Direction.INBOUND
    assert interaction.what_we_heard == "They want gluten-free loaves every Friday"
    assert interaction.is_positive
    assert interaction.occurred_at == MONDAY_10
    assert not FollowUp.objects.exists()


def test_a_request_needing_a_callback_commits_the_person_to_call_back_by_a_promised_time(
    staff, now
):
    customer = CustomerFactory()

    interaction, callback = services.log_interaction(
        actor=staff, customer=customer, summary="Order arrived damaged", needs_callback=True
    )

    callback.refresh_from_db()
    assert callback.kind == FollowUp.Kind.CALLBACK
    assert callback.status == FollowUp.Status.OPEN
    assert callback.customer == customer
    assert callback.owner == staff
    assert callback.created_by == staff
    assert callback.promised_to_customer
    assert callback.source == interaction
    assert "Order arrived damaged" in callback.subject
    # Without business hours the business runs around the clock: one hour is one hour.
    assert callback.due_at == MONDAY_10 + timedelta(hours=1)


def test_a_callback_is_due_within_the_configured_response_target(staff, now, settings):
    settings.CALLBACK_RESPONSE_MINUTES = 15

    _, callback = services.log_interaction(
        actor=staff, customer=CustomerFactory(), summary="Question", needs_callback=True
    )

    assert callback.due_at == MONDAY_10 + timedelta(minutes=15)


def test_a_callback_late_on_friday_is_due_on_monday_morning(staff, time_machine, weekday_hours):
    time_machine.move_to(at(FRIDAY, 16, 30), tick=False)

    _, callback = services.log_interaction(
        actor=staff, customer=CustomerFactory(), summary="Question", needs_callback=True
    )

    callback.refresh_from_db()
    assert callback.due_at == at(NEXT_MONDAY, 9, 30)


def test_a_callback_requested_while_closed_counts_from_the_next_opening(
    staff, time_machine, weekday_hours
):
    time_machine.move_to(at(SATURDAY, 11), tick=False)

    _, callback = services.log_interaction(
        actor=staff, customer=CustomerFactory(), summary="Question", needs_callback=True
    )

    assert callback.due_at == at(NEXT_MONDAY, 10)


def test_a_callback_skips_a_holiday(staff, time_machine, weekday_hours):
    Holiday.objects.create(date=NEXT_MONDAY, name="Closed for stocktaking")
    time_machine.move_to(at(FRIDAY, 16, 30), tick=False)

    _, callback = services.log_interaction(
        actor=staff, customer=CustomerFactory(), summary="Question", needs_callback=True
    )

    assert callback.due_at == at(NEXT_TUESDAY, 9, 30)


def test_a_callback_is_due_from_when_the_request_came_in_not_when_it_was_logged(staff, now):
    received = MONDAY_10 - timedelta(minutes=40)

    interaction, callback = services.log_interaction(
        actor=staff,
        customer=CustomerFactory(),
        summary="Voicemail",
        occurred_at=received,
        needs_callback=True,
    )

    assert interaction.occurred_at == received
    assert callback.due_at == MONDAY_10 + timedelta(minutes=20)


@pytest.mark.parametrize(
    ("request_channel", "callback_channel"),
    [
        (Channel.PHONE, Channel.PHONE),
        (Channel.VIDEO, Channel.VIDEO),
        (Channel.EMAIL, Channel.PHONE),
        (Channel.SMS, Channel.PHONE),
    ],
)
def test_a_callback_is_made_by_phone_unless_the_request_came_by_video(
    staff, now, request_channel, callback_channel
):
    _, callback = services.log_interaction(
        actor=staff,
        customer=CustomerFactory(),
        summary="Question",
        channel=request_channel,
        needs_callback=True,
    )

    assert callback.channel == callback_channel


def test_the_person_who_takes_the_callback_is_not_emailed_about_it(
    staff, now, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.log_interaction(
            actor=staff, customer=CustomerFactory(), summary="Question", needs_callback=True
        )

    # (the customer is told when we will call: that is their message, not the staff's)
    assert staff.email not in [address for message in mailoutbox for address in message.to]


def test_someone_without_permission_cannot_log_a_contact(nobody):
    with pytest.raises(PermissionDenied):
        services.log_interaction(actor=nobody, customer=CustomerFactory(), summary="Question")

    assert not Interaction.objects.exists()


def test_a_refused_callback_leaves_no_interaction_behind(now):
    # given someone who may log contacts but not commit anyone to follow-ups
    clerk = UserFactory()
    clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="customers", codename="add_interaction")
    )

    with pytest.raises(PermissionDenied):
        services.log_interaction(
            actor=clerk, customer=CustomerFactory(), summary="Question", needs_callback=True
        )

    # then the contact and its commitment are all or nothing
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()


# --- create_follow_up ---------------------------------------------------------------------------


def test_a_follow_up_given_to_someone_else_is_emailed_to_them(
    staff, other_staff, now, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    customer = CustomerFactory(name="Greenfield Bakery")

    with django_capture_on_commit_callbacks(execute=True):
        follow_up = services.create_follow_up(
            actor=staff,
            customer=customer,
            owner=other_staff,
            kind=FollowUp.Kind.PROMISE,
            subject="Send the new price list",
            due_at=MONDAY_10 + timedelta(hours=2),
        )

    follow_up.refresh_from_db()
    assert follow_up.owner == other_staff
    assert follow_up.created_by == staff
    assert follow_up.kind == FollowUp.Kind.PROMISE
    (email,) = mailoutbox
    assert email.to == [other_staff.email]
    assert "Send the new price list" in email.subject
    assert "Sam" in email.body
    assert "Greenfield Bakery" in email.body
    assert "Mon 02 Mar 12:00" in email.body
    assert f"/followups/{follow_up.pk}/" in email.body


def test_a_follow_up_the_actor_keeps_is_not_emailed(
    staff, now, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_follow_up(
            actor=staff,
            customer=CustomerFactory(),
            owner=staff,
            kind=FollowUp.Kind.CHECK_IN,
            subject="Check the new oven works",
            due_at=MONDAY_10 + timedelta(days=7),
        )

    assert FollowUp.objects.get().owner == staff
    assert mailoutbox == []


def test_a_follow_up_remembers_what_caused_it(staff, now):
    interaction = InteractionFactory()

    follow_up = services.create_follow_up(
        actor=staff,
        customer=interaction.customer,
        owner=staff,
        kind=FollowUp.Kind.PROMISE,
        subject="Send the invoice copy",
        due_at=MONDAY_10 + timedelta(hours=4),
        source=interaction,
    )

    assert FollowUp.objects.get(pk=follow_up.pk).source == interaction


def test_someone_without_permission_cannot_create_a_follow_up(nobody, staff, now):
    with pytest.raises(PermissionDenied):
        services.create_follow_up(
            actor=nobody,
            customer=CustomerFactory(),
            owner=staff,
            kind=FollowUp.Kind.OTHER,
            subject="Anything",
            due_at=MONDAY_10 + timedelta(hours=1),
        )

    assert not FollowUp.objects.exists()


# --- complete_follow_up -------------------------------------------------------------------------


def test_the_owner_completes_a_follow_up_with_its_outcome(staff, now):
    follow_up = FollowUpFactory(owner=staff)

    services.complete_follow_up(actor=staff, follow_up=follow_up, outcome="Sent the price list")

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.completed_at == MONDAY_10
    assert follow_up.completed_by == staff
    assert follow_up.outcome == "Sent the price list"
    assert not Interaction.objects.exists()


def test_completing_with_a_channel_logs_the_contact_it_took(staff, now):
    follow_up = FollowUpFactory(owner=staff, subject="Call back about the damaged order")

    services.complete_follow_up(
        actor=staff,
        follow_up=follow_up,
        outcome="Replacement sent today",
        interaction_channel=Channel.PHONE,
    )

    interaction = Interaction.objects.get()
    assert interaction.customer == follow_up.customer
    assert interaction.staff == staff
    assert interaction.channel == Channel.PHONE
    assert interaction.direction == Interaction.Direction.OUTBOUND
    assert interaction.summary == "Call back about the damaged order"
    assert interaction.what_we_heard == "Replacement sent today"
    assert interaction.occurred_at == MONDAY_10
    assert not interaction.is_positive


def test_completing_with_a_positive_contact_logs_it_as_positive(staff, now):
    follow_up = FollowUpFactory(owner=staff, kind=FollowUp.Kind.CHECK_IN)

    services.complete_follow_up(
        actor=staff,
        follow_up=follow_up,
        outcome="Happy with the new oven",
        interaction_channel=Channel.PHONE,
        interaction_is_positive=True,
    )

    assert Interaction.objects.get().is_positive


def test_completing_a_keep_in_touch_logs_a_positive_contact(staff, now):
    follow_up = FollowUpFactory(owner=staff, kind=FollowUp.Kind.KEEP_IN_TOUCH)

    services.complete_follow_up(
        actor=staff, follow_up=follow_up, outcome="Chatted", interaction_channel=Channel.EMAIL
    )

    interaction = Interaction.objects.get()
    assert interaction.is_positive
    assert interaction.channel == Channel.EMAIL


def test_a_supervisor_can_complete_someone_elses_follow_up(staff, supervisor, now):
    follow_up = FollowUpFactory(owner=staff)

    services.complete_follow_up(actor=supervisor, follow_up=follow_up, outcome="Done for Sam")

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.completed_by == supervisor


def test_staff_cannot_complete_a_colleagues_follow_up(staff, other_staff, now):
    follow_up = FollowUpFactory(owner=staff)

    with pytest.raises(PermissionDenied):
        services.complete_follow_up(actor=other_staff, follow_up=follow_up, outcome="Not mine")

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN


def test_an_inactive_owner_cannot_complete_their_follow_up(staff, now):
    follow_up = FollowUpFactory(owner=staff)
    staff.is_active = False
    staff.save()

    with pytest.raises(PermissionDenied):
        services.complete_follow_up(actor=staff, follow_up=follow_up, outcome="Left already")

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN


def test_a_follow_up_passed_on_since_it_was_opened_cannot_be_completed_by_the_old_owner(
    staff, other_staff, now
):
    # given the follow-up as staff loaded it, then passed on to a colleague meanwhile
    follow_up = FollowUpFactory(owner=staff)
    FollowUp.objects.filter(pk=follow_up.pk).update(owner=other_staff)

    with pytest.raises(PermissionDenied):
        services.complete_follow_up(actor=staff, follow_up=follow_up, outcome="Stale page")

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN


@pytest.mark.parametrize("status", [FollowUp.Status.DONE, FollowUp.Status.CANCELLED])
def test_a_finished_follow_up_cannot_be_completed_again(staff, now, status):
    follow_up = FollowUpFactory(
        owner=staff, status=status, completed_at=MONDAY_10 - timedelta(days=1), outcome="First"
    )

    with pytest.raises(FollowUpError):
        services.complete_follow_up(actor=staff, follow_up=follow_up, outcome="Second")

    follow_up.refresh_from_db()
    assert follow_up.outcome == "First"


def test_a_follow_up_completed_meanwhile_cannot_be_completed_from_an_old_copy(staff, now):
    follow_up = FollowUpFactory(owner=staff)
    stale_copy = FollowUp.objects.get(pk=follow_up.pk)
    services.complete_follow_up(actor=staff, follow_up=follow_up, outcome="First")

    with pytest.raises(FollowUpError):
        services.complete_follow_up(
            actor=staff, follow_up=stale_copy, outcome="Second", interaction_channel="phone"
        )

    follow_up.refresh_from_db()
    assert follow_up.outcome == "First"
    assert not Interaction.objects.exists()


# --- reschedule_follow_up -----------------------------------------------------------------------


def test_moving_a_follow_up_records_the_old_and_new_time_and_why(staff, now):
    old_due = MONDAY_10 + timedelta(hours=1)
    new_due = MONDAY_10 + timedelta(days=1)
    follow_up = FollowUpFactory(owner=staff, due_at=old_due)

    services.reschedule_follow_up(
        actor=staff, follow_up=follow_up, due_at=new_due, reason="Waiting for the supplier"
    )

    follow_up.refresh_from_db()
    assert follow_up.due_at == new_due
    move = FollowUpReschedule.objects.get()
    assert move.follow_up == follow_up
    assert move.old_due_at == old_due
    assert move.new_due_at == new_due
    assert move.reason == "Waiting for the supplier"
    assert move.changed_by == staff
    assert move.changed_at == MONDAY_10
    assert move.customer_told is None


def test_moving_a_promised_time_requires_saying_whether_the_customer_was_told(staff, now):
    old_due = MONDAY_10 + timedelta(hours=1)
    follow_up = FollowUpFactory(owner=staff, due_at=old_due, promised_to_customer=True)

    with pytest.raises(FollowUpError):
        services.reschedule_follow_up(
            actor=staff, follow_up=follow_up, due_at=old_due + timedelta(days=1), reason="Busy"
        )

    follow_up.refresh_from_db()
    assert follow_up.due_at == old_due
    assert not FollowUpReschedule.objects.exists()


@pytest.mark.parametrize("told", [True, False])
def test_moving_a_promised_time_records_whether_the_customer_was_told(staff, now, told):
    follow_up = FollowUpFactory(owner=staff, promised_to_customer=True)

    services.reschedule_follow_up(
        actor=staff,
        follow_up=follow_up,
        due_at=MONDAY_10 + timedelta(days=1),
        reason="Part on back order",
        customer_told=told,
    )

    assert FollowUpReschedule.objects.get().customer_told is told


def test_whether_the_customer_was_told_is_not_recorded_for_an_unpromised_time(staff, now):
    follow_up = FollowUpFactory(owner=staff, promised_to_customer=False)

    services.reschedule_follow_up(
        actor=staff,
        follow_up=follow_up,
        due_at=MONDAY_10 + timedelta(days=1),
        reason="Internal",
        customer_told=True,
    )

    assert FollowUpReschedule.objects.get().customer_told is None


def test_a_moved_follow_up_is_reminded_and_escalated_afresh(staff, now):
    follow_up = FollowUpFactory(
        owner=staff,
        due_at=MONDAY_10 - timedelta(hours=3),
        overdue_notified_at=MONDAY_10 - timedelta(hours=2),
        escalated_at=MONDAY_10 - timedelta(hours=1),
    )

    services.reschedule_follow_up(
        actor=staff, follow_up=follow_up, due_at=MONDAY_10 + timedelta(hours=2), reason="Late"
    )

    follow_up.refresh_from_db()
    assert follow_up.overdue_notified_at is None
    assert follow_up.escalated_at is None


def test_a_supervisor_can_move_someone_elses_follow_up(staff, supervisor, now):
    follow_up = FollowUpFactory(owner=staff)
    new_due = MONDAY_10 + timedelta(days=2)

    services.reschedule_follow_up(
        actor=supervisor, follow_up=follow_up, due_at=new_due, reason="Sam is off sick"
    )

    follow_up.refresh_from_db()
    assert follow_up.due_at == new_due
    assert FollowUpReschedule.objects.get().changed_by == supervisor


def test_staff_cannot_move_a_colleagues_follow_up(staff, other_staff, now):
    old_due = MONDAY_10 + timedelta(hours=1)
    follow_up = FollowUpFactory(owner=staff, due_at=old_due)

    with pytest.raises(PermissionDenied):
        services.reschedule_follow_up(
            actor=other_staff, follow_up=follow_up, due_at=old_due + timedelta(days=1), reason="x"
        )

    follow_up.refresh_from_db()
    assert follow_up.due_at == old_due
    assert not FollowUpReschedule.objects.exists()


@pytest.mark.parametrize("status", [FollowUp.Status.DONE, FollowUp.Status.CANCELLED])
def test_a_finished_follow_up_cannot_be_moved(staff, now, status):
    follow_up = FollowUpFactory(owner=staff, status=status, completed_at=MONDAY_10)

    with pytest.raises(FollowUpError):
        services.reschedule_follow_up(
            actor=staff, follow_up=follow_up, due_at=MONDAY_10 + timedelta(days=1), reason="x"
        )

    assert not FollowUpReschedule.objects.exists()


# --- reassign_follow_up -------------------------------------------------------------------------


def test_a_follow_up_passed_on_belongs_to_the_new_owner_who_is_emailed(
    staff, other_staff, now, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    # given an overdue follow-up whose owner was already reminded and escalated
    follow_up = FollowUpFactory(
        owner=staff,
        subject="Call about the wedding cake",
        assigned_at=MONDAY_10 - timedelta(days=2),
        overdue_notified_at=MONDAY_10 - timedelta(hours=2),
        escalated_at=MONDAY_10 - timedelta(hours=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.reassign_follow_up(actor=staff, follow_up=follow_up, owner=other_staff)

    follow_up.refresh_from_db()
    assert follow_up.owner == other_staff
    assert follow_up.assigned_at == MONDAY_10
    # The new owner gets their own reminder and escalation if they miss it.
    assert follow_up.overdue_notified_at is None
    assert follow_up.escalated_at is None
    (email,) = mailoutbox
    assert email.to == [other_staff.email]
    assert "Call about the wedding cake" in email.subject


def test_a_supervisor_can_pass_on_someone_elses_follow_up(
    staff,
    other_staff,
    supervisor,
    now,
    eager_celery,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    follow_up = FollowUpFactory(owner=staff)

    with django_capture_on_commit_callbacks(execute=True):
        services.reassign_follow_up(actor=supervisor, follow_up=follow_up, owner=other_staff)

    follow_up.refresh_from_db()
    assert follow_up.owner == other_staff
    assert [email.to for email in mailoutbox] == [[other_staff.email]]
    assert "Sue" in mailoutbox[0].body


def test_a_follow_up_cannot_be_passed_on_to_its_owner(
    staff, now, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    follow_up = FollowUpFactory(owner=staff)

    with pytest.raises(FollowUpError), django_capture_on_commit_callbacks(execute=True):
        services.reassign_follow_up(actor=staff, follow_up=follow_up, owner=staff)

    assert mailoutbox == []


def test_a_follow_up_cannot_be_passed_on_to_someone_inactive(staff, other_staff, now):
    follow_up = FollowUpFactory(owner=staff)
    other_staff.is_active = False
    other_staff.save()

    with pytest.raises(PermissionDenied):
        services.reassign_follow_up(actor=staff, follow_up=follow_up, owner=other_staff)

    follow_up.refresh_from_db()
    assert follow_up.owner == staff


def test_staff_cannot_pass_on_a_colleagues_follow_up(staff, other_staff, now):
    follow_up = FollowUpFactory(owner=staff)

    with pytest.raises(PermissionDenied):
        services.reassign_follow_up(actor=other_staff, follow_up=follow_up, owner=other_staff)

    follow_up.refresh_from_db()
    assert follow_up.owner == staff


@pytest.mark.parametrize("status", [FollowUp.Status.DONE, FollowUp.Status.CANCELLED])
def test_a_finished_follow_up_cannot_be_passed_on(staff, other_staff, now, status):
    follow_up = FollowUpFactory(owner=staff, status=status, completed_at=MONDAY_10)

    with pytest.raises(FollowUpError):
        services.reassign_follow_up(actor=staff, follow_up=follow_up, owner=other_staff)

    follow_up.refresh_from_db()
    assert follow_up.owner == staff


# --- permissions --------------------------------------------------------------------------------


def test_the_owner_and_supervisors_may_manage_a_follow_up_but_colleagues_may_not(
    staff, other_staff, supervisor, owner
):
    follow_up = FollowUpFactory(owner=staff)

    assert can_manage_follow_up(staff, follow_up)
    assert can_manage_follow_up(supervisor, follow_up)
    assert can_manage_follow_up(owner, follow_up)
    assert not can_manage_follow_up(other_staff, follow_up)


def test_an_inactive_supervisor_may_not_manage_follow_ups(staff, supervisor):
    follow_up = FollowUpFactory(owner=staff)
    supervisor.is_active = False
    supervisor.save()

    assert not can_manage_follow_up(supervisor, follow_up)


def test_require_refuses_with_the_given_or_a_default_message():
    require(True)
    with pytest.raises(PermissionDenied, match="Not yours"):
        require(False, "Not yours")
    with pytest.raises(PermissionDenied, match="You may not do this"):
        require(False)


def test_supervisors_are_the_active_people_who_manage_anyones_work(staff, supervisor, owner):
    retired = UserFactory(group=roles.SUPERVISORS)
    retired.is_active = False
    retired.save()

    assert list(supervisors()) == [supervisor, owner]


def test_a_supervisor_taking_a_follow_up_themselves_is_not_emailed(
    staff, supervisor, now, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    follow_up = FollowUpFactory(owner=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.reassign_follow_up(actor=supervisor, follow_up=follow_up, owner=supervisor)
    follow_up.refresh_from_db()
    assert follow_up.owner == supervisor
    assert mailoutbox == []


def test_a_new_follow_up_cannot_be_given_to_an_inactive_person(staff, other_staff, now):
    other_staff.is_active = False
    other_staff.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        services.create_follow_up(
            actor=staff,
            customer=CustomerFactory(),
            owner=other_staff,
            kind=FollowUp.Kind.PROMISE,
            subject="Send a quote",
            due_at=MONDAY_10 + timedelta(hours=3),
        )
    assert not FollowUp.objects.exists()
