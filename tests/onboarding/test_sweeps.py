"""The unanswered-handoff sweep: remind the receiver once, escalate to supervisors once."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from crm import batches, roles
from customers import sweeps as customer_sweeps
from customers import tasks
from customers.models import Customer
from customers.sweeps import SweepResult
from onboarding import services, sweeps
from onboarding.models import Handoff, Onboarding, OnboardingStep
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 2026: Monday 2 March, before the clocks change.
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
REMIND = 60
GRACE = 120
PROMISE = "Promised delivery of the first order by Friday; they expect a call from support."


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _business_settings(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.ONBOARDING_HANDOFF_REMIND_MINUTES = REMIND
    settings.ONBOARDING_HANDOFF_ESCALATION_MINUTES = GRACE
    # Notifications are Celery tasks enqueued after commit; run them in-process to see the mail.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the handoff sweep and the notifications it enqueues after commit."""

    def run() -> SweepResult:
        with django_capture_on_commit_callbacks(execute=True):
            return sweeps.sweep_unanswered_handoffs()

    return run


@pytest.fixture
def sales(db):
    # The defaults migration may create the team groups; tests must not depend on it.
    return Group.objects.get_or_create(name="Sales")[0]


@pytest.fixture
def support(db):
    return Group.objects.get_or_create(name="Support")[0]


@pytest.fixture
def seller(staff, sales):
    staff.groups.add(sales)
    return staff


@pytest.fixture
def receiver(other_staff, support):
    other_staff.groups.add(support)
    return other_staff


def handoff_for(
    sender, receiver, sales, support, *, offered_at: datetime, customer=None
) -> Handoff:
    """A running onboarding owned by sender, offered to receiver at offered_at."""
    customer = customer or CustomerFactory(name="Ada's Bakery", status=Customer.Status.ONBOARDING)
    onboarding = Onboarding.objects.create(
        customer=customer,
        name=f"New customer: {customer.name}",
        owner=sender,
        started_at=offered_at,
        last_progress_at=offered_at,
    )
    step = OnboardingStep.objects.create(
        onboarding=onboarding,
        position=1,
        title="Hand off to support",
        group=sales,
        assignee=sender,
        due_at=offered_at,
        is_handoff_point=True,
    )
    OnboardingStep.objects.create(
        onboarding=onboarding,
        position=2,
        title="Kickoff",
        group=support,
        assignee=sender,
        due_at=offered_at,
    )
    return Handoff.objects.create(
        onboarding=onboarding,
        step=step,
        from_user=sender,
        to_user=receiver,
        note=PROMISE,
        created_at=offered_at,
    )


@pytest.fixture
def handoff(seller, receiver, sales, support) -> Handoff:
    """Offered on Monday at 10:00: the reminder is due at 11:00, the escalation at 13:00."""
    return handoff_for(seller, receiver, sales, support, offered_at=at(MONDAY, 10))


def mail_to(mailoutbox, user) -> list:
    return [message for message in mailoutbox if message.to == [user.email]]


# --- Reminding the receiver ----------------------------------------------------------------------


def test_unanswered_handoff_reminds_the_receiver_once(
    weekdays_nine_to_five, handoff, seller, receiver, clock, sweep, mailoutbox
):
    # when: the sweep runs before, at and after the reminder's time
    clock.set(at(MONDAY, 10, 59))
    before = sweep()
    clock.set(at(MONDAY, 11))
    due = sweep()
    clock.set(at(MONDAY, 11, 5))
    again = sweep()

    # then: one reminder, to the receiver only
    assert before == SweepResult()
    assert due == SweepResult(notified=1)
    assert again == SweepResult()
    [reminder] = mailoutbox
    assert reminder.to == [receiver.email]
    assert reminder.subject == "[Tend] Waiting for your answer: onboarding Ada's Bakery"
    assert (
        f"{seller.get_full_name()} offered you the onboarding of Ada's Bakery on Mon 02 Mar 10:00"
        in reminder.body
    )
    assert PROMISE in reminder.body
    assert handoff.onboarding.get_absolute_url() in reminder.body
    handoff.refresh_from_db()
    assert handoff.reminded_at == at(MONDAY, 11)
    assert handoff.escalated_at is None


def test_reminder_waits_for_business_minutes_across_a_closed_night(
    weekdays_nine_to_five, seller, receiver, sales, support, clock, sweep, mailoutbox
):
    # given: offered at 16:30, half an hour before closing
    handoff_for(seller, receiver, sales, support, offered_at=at(MONDAY, 16, 30))

    # when/then: 30 minutes count on Monday, the other 30 on Tuesday from 09:00
    clock.set(at(MONDAY, 23))
    assert sweep() == SweepResult()
    clock.set(at(TUESDAY, 9, 29))
    assert sweep() == SweepResult()
    clock.set(at(TUESDAY, 9, 30))
    assert sweep() == SweepResult(notified=1)
    assert len(mail_to(mailoutbox, receiver)) == 1


def test_reminder_is_not_sent_when_the_handoff_was_answered_after_the_sweep_read_it(
    handoff, receiver, clock, sweep, mailoutbox, monkeypatch
):
    clock.set(at(MONDAY, 11))
    read_rows = sweeps.in_batches

    def accepted_after_reading(queryset):
        for row in read_rows(queryset):
            Handoff.objects.filter(pk=row.pk).update(accepted_at=at(MONDAY, 10, 59))
            yield row

    monkeypatch.setattr(sweeps, "in_batches", accepted_after_reading)

    assert sweep() == SweepResult()
    assert mailoutbox == []
    handoff.refresh_from_db()
    assert handoff.reminded_at is None


def test_reminder_is_not_sent_twice_when_another_worker_reminded_after_the_sweep_read_it(
    handoff, clock, sweep, mailoutbox, monkeypatch
):
    clock.set(at(MONDAY, 11))
    read_rows = sweeps.in_batches

    def reminded_after_reading(queryset):
        for row in read_rows(queryset):
            Handoff.objects.filter(pk=row.pk).update(reminded_at=at(MONDAY, 10, 59))
            yield row

    monkeypatch.setattr(sweeps, "in_batches", reminded_after_reading)

    assert sweep() == SweepResult()
    assert mailoutbox == []
    handoff.refresh_from_db()
    assert handoff.reminded_at == at(MONDAY, 10, 59)


# --- Escalating to supervisors -------------------------------------------------------------------


def test_unanswered_handoff_escalates_to_every_supervisor_once_after_the_grace(
    weekdays_nine_to_five, handoff, seller, receiver, supervisor, clock, sweep, mailoutbox
):
    # given: a second supervisor, and the receiver reminded at 11:00
    other_supervisor = UserFactory(username="other_supervisor", group=roles.SUPERVISORS)
    clock.set(at(MONDAY, 11))
    sweep()

    # when: the sweep runs just before, at and after the end of the 120-minute grace
    clock.set(at(MONDAY, 12, 59))
    before = sweep()
    clock.set(at(MONDAY, 13))
    due = sweep()
    clock.set(at(MONDAY, 13, 30))
    again = sweep()

    # then: one escalation to each supervisor, and no second reminder to the receiver
    assert before == SweepResult()
    assert due == SweepResult(escalated=1)
    assert again == SweepResult()
    assert len(mail_to(mailoutbox, receiver)) == 1
    assert mail_to(mailoutbox, seller) == []
    for person in (supervisor, other_supervisor):
        [escalation] = mail_to(mailoutbox, person)
        assert escalation.subject == (
            "[Tend] Escalated: handoff of onboarding Ada's Bakery unanswered"
        )
        assert (
            f"{seller.get_full_name()} handed the onboarding of Ada's Bakery to "
            f"{receiver.get_full_name()} on Mon 02 Mar 10:00." in escalation.body
        )
        assert "was reminded Mon 02 Mar 11:00 and has not answered yet" in escalation.body
        assert handoff.onboarding.get_absolute_url() in escalation.body
    handoff.refresh_from_db()
    assert handoff.escalated_at == at(MONDAY, 13)


def test_escalation_grace_counts_only_business_minutes(
    weekdays_nine_to_five, handoff, supervisor, clock, sweep, mailoutbox
):
    # given: reminded at 16:00, one open hour before closing
    Handoff.objects.filter(pk=handoff.pk).update(reminded_at=at(MONDAY, 16))

    # when/then: the second hour of the grace is Tuesday 09:00 to 10:00
    clock.set(at(MONDAY, 18))
    assert sweep() == SweepResult()
    clock.set(at(TUESDAY, 9, 59))
    assert sweep() == SweepResult()
    clock.set(at(TUESDAY, 10))
    assert sweep() == SweepResult(escalated=1)
    assert len(mail_to(mailoutbox, supervisor)) == 1


def test_escalation_goes_to_other_supervisors_but_not_to_a_receiver_who_supervises(
    seller, supervisor, sales, support, clock, sweep, mailoutbox
):
    supervisor.groups.add(support)
    other_supervisor = UserFactory(username="other_supervisor", group=roles.SUPERVISORS)
    handoff_for(seller, supervisor, sales, support, offered_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 11))
    sweep()
    clock.set(at(MONDAY, 13))

    assert sweep() == SweepResult(escalated=1)
    [reminder] = mail_to(mailoutbox, supervisor)
    assert "Escalated" not in reminder.subject
    [escalation] = mail_to(mailoutbox, other_supervisor)
    assert escalation.subject.startswith("[Tend] Escalated: ")


def test_a_handoff_answered_after_the_reminder_is_not_escalated(
    handoff, receiver, supervisor, clock, sweep, mailoutbox
):
    clock.set(at(MONDAY, 11))
    sweep()
    clock.set(at(MONDAY, 12))
    services.decline_handoff(actor=receiver, handoff=handoff, reason="On leave")
    clock.set(at(MONDAY, 14))

    assert sweep() == SweepResult()
    assert mail_to(mailoutbox, supervisor) == []


def test_escalation_is_not_sent_when_another_worker_escalated_after_the_sweep_read_it(
    handoff, supervisor, clock, sweep, mailoutbox, monkeypatch
):
    Handoff.objects.filter(pk=handoff.pk).update(reminded_at=at(MONDAY, 11))
    clock.set(at(MONDAY, 13))
    read_rows = sweeps.in_batches

    def escalated_after_reading(queryset):
        for row in read_rows(queryset):
            Handoff.objects.filter(pk=row.pk).update(escalated_at=at(MONDAY, 12, 59))
            yield row

    monkeypatch.setattr(sweeps, "in_batches", escalated_after_reading)

    assert sweep() == SweepResult()
    assert mail_to(mailoutbox, supervisor) == []


# --- What is left alone --------------------------------------------------------------------------


def accept(handoff, receiver, seller):
    services.accept_handoff(actor=receiver, handoff=handoff)


def decline(handoff, receiver, seller):
    services.decline_handoff(actor=receiver, handoff=handoff, reason="On leave")


def cancel(handoff, receiver, seller):
    services.cancel_onboarding(actor=seller, onboarding=handoff.onboarding, reason="Withdrawn")


def finish_elsewhere(handoff, receiver, seller):
    # The onboarding stopped running while the handoff row was still unanswered (say, fixed
    # by hand in the admin): nothing is left to take over.
    Onboarding.objects.filter(pk=handoff.onboarding_id).update(status=Onboarding.Status.COMPLETED)


@pytest.mark.parametrize(
    "answer",
    [accept, decline, cancel, finish_elsewhere],
    ids=["accepted", "declined", "onboarding cancelled", "onboarding finished"],
)
def test_answered_handoffs_and_those_of_stopped_onboardings_are_not_swept(
    handoff, seller, receiver, supervisor, clock, sweep, mailoutbox, answer
):
    # given: answered before the reminder
    clock.set(at(MONDAY, 10, 30))
    answer(handoff, receiver, seller)
    mailoutbox.clear()

    # when: long after the reminder and the escalation would have been due
    clock.set(at(MONDAY, 11))
    reminded = sweep()
    clock.set(at(TUESDAY, 16))
    escalated = sweep()

    # then
    assert reminded == SweepResult()
    assert escalated == SweepResult()
    assert mailoutbox == []
    handoff.refresh_from_db()
    assert (handoff.reminded_at, handoff.escalated_at) == (None, None)


@pytest.mark.parametrize(
    "answer",
    [accept, decline, cancel, finish_elsewhere],
    ids=["accepted", "declined", "onboarding cancelled", "onboarding finished"],
)
def test_a_reminded_handoff_answered_before_the_grace_ends_is_not_escalated(
    handoff, seller, receiver, supervisor, clock, sweep, mailoutbox, answer
):
    clock.set(at(MONDAY, 11))
    assert sweep() == SweepResult(notified=1)
    clock.set(at(MONDAY, 12))
    answer(handoff, receiver, seller)

    clock.set(at(TUESDAY, 16))

    assert sweep() == SweepResult()
    assert mail_to(mailoutbox, supervisor) == []


# --- Cost and wiring -----------------------------------------------------------------------------


def test_sweep_reads_in_batches_without_a_query_per_row_beyond_the_claim(
    seller, receiver, supervisor, sales, support, clock, django_assert_max_num_queries, monkeypatch
):
    # given: 25 handoffs of 25 customers, read 10 at a time
    monkeypatch.setattr(batches, "BATCH_SIZE", 10)
    for _index in range(25):
        handoff_for(seller, receiver, sales, support, offered_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 11))

    # when/then: calendar 2, one escalation read, three reads of reminders to send (10 + 10 + 5)
    # and one claim per handoff and the notice it writes
    with django_assert_max_num_queries(2 + 1 + 3 + 25 * 2):
        reminded = sweeps.sweep_unanswered_handoffs()
    clock.set(at(MONDAY, 13))
    # calendar 2, three escalation reads, one claim per handoff and the notice to the supervisor
    # it writes, supervisors once, and one read of reminders still to send
    with django_assert_max_num_queries(2 + 3 + 25 * 2 + 1 + 1):
        escalated = sweeps.sweep_unanswered_handoffs()

    assert reminded == SweepResult(notified=25)
    assert escalated == SweepResult(escalated=25)


def test_handoff_sweep_is_registered_for_the_deadline_task():
    assert sweeps.sweep_unanswered_handoffs in customer_sweeps.deadline_sweeps


def test_deadline_task_reminds_the_receiver_of_an_unanswered_handoff(
    handoff, receiver, clock, mailoutbox, django_capture_on_commit_callbacks
):
    clock.set(at(MONDAY, 11))

    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.run_deadline_sweep()
        second = tasks.run_deadline_sweep()

    assert first == {"notified": 1, "escalated": 0}
    assert second == {"notified": 0, "escalated": 0}
    [message] = mailoutbox
    assert message.to == [receiver.email]
    assert message.subject == "[Tend] Waiting for your answer: onboarding Ada's Bakery"
