"""Customer messages go through the shared outbox: sent once, retried, caught up, failures told."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from crm import outbox
from crm.models import Notice
from customers import tasks
from customers.messaging import delivery
from customers.messaging.models import CustomerMessage, MessageEvent
from customers.messaging.services import send_message
from tests.factories import ContactFactory, CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _noon(clock, eager_celery):
    clock.set(NOON)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mail_down(monkeypatch):
    """Every email send fails as a mail server that refuses the connection."""

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)


def message_to(customer, *, event=MessageEvent.CALLBACK_BOOKED, key="k1", about=None, **kw):
    return send_message(
        customer=customer,
        event=event,
        event_key=key,
        values={"owner_name": "Ada", "callback_at": "Monday 23 November at 14:00"},
        about=about,
        **kw,
    )


def test_a_message_is_written_with_the_change_and_emailed_once_it_commits(committed, mailoutbox):
    customer = CustomerFactory(name="Bea Quinn")

    with committed():
        message = message_to(customer)
        assert mailoutbox == []

    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == ("sent", 1, NOON)
    [email] = mailoutbox
    assert email.to == [customer.email]
    assert email.from_email == "Customer care <tend@localhost>"
    assert email.subject == "We will call you back by Monday 23 November at 14:00"
    assert email.body.startswith("Dear Bea Quinn,")
    assert "Ada will call you back by Monday 23 November at 14:00" in email.body
    assert "The customer care team" in email.body


def test_the_same_event_key_twice_writes_and_sends_one_message(committed, mailoutbox):
    customer = CustomerFactory()

    with committed():
        first = message_to(customer, key="callback_booked:followup:7")
        second = message_to(customer, key="callback_booked:followup:7")
    tasks.send_customer_message(first.pk)

    assert first.pk == second.pk
    assert CustomerMessage.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_message_to_a_complaints_contact_goes_to_the_contact(committed, mailoutbox):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer, name="Cy Park")

    with committed():
        message_to(customer, contact=contact)

    [email] = mailoutbox
    assert email.to == [contact.email]
    assert email.body.startswith("Dear Cy Park,")


def test_a_failed_send_is_retried_with_backoff_then_failed_and_its_owner_told_once(
    committed, mail_down, clock, mailoutbox
):
    # given: a message about a follow-up whose owner must hear of a failure
    follow_up = FollowUpFactory()
    with committed():
        message = message_to(follow_up.customer, about=follow_up)

    # when: every attempt fails, each as soon as the backoff allows
    message.refresh_from_db()
    waits = [message.next_attempt_at - NOON]
    while message.status == CustomerMessage.Status.QUEUED:
        clock.set(message.next_attempt_at)
        with committed():
            delivery.send_customer_message(message_id=message.pk)
        message.refresh_from_db()
        waits.append(message.next_attempt_at - NOON)

    # then: the waits doubled, the message failed after the last attempt, the owner was told
    assert waits[0] == timedelta(minutes=1)
    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert "mail server down" in message.last_error
    [notice] = Notice.objects.filter(recipient=follow_up.owner)
    assert "could not be sent" in notice.subject
    assert notice.path == follow_up.get_absolute_url()
    # and nothing sends it again, nor tells the owner again
    clock.set(NOON + timedelta(days=1))
    assert delivery.send_due_customer_messages() == 0
    assert Notice.objects.filter(recipient=follow_up.owner).count() == 1


def test_a_message_whose_task_never_ran_is_sent_by_the_catch_up_once(broker, mailoutbox, clock):
    broker.down()
    message = message_to(CustomerFactory())
    broker.up()

    clock.set(NOON + outbox.CATCH_UP_AFTER)
    assert tasks.send_due_customer_messages() == 1
    assert tasks.send_due_customer_messages() == 0

    message.refresh_from_db()
    assert message.status == "sent"
    assert len(mailoutbox) == 1


def test_a_customer_who_opts_out_before_the_send_is_not_sent_it(committed, mailoutbox):
    customer = CustomerFactory()
    message = message_to(customer)
    customer.no_messages = True
    customer.save()

    delivery.send_customer_message(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        "skipped",
        "The customer opted out of all messages.",
    )
    assert mailoutbox == []


def test_healthz_counts_failed_customer_messages_with_the_notices(client):
    CustomerMessage.objects.create(
        customer=CustomerFactory(), event="resolved", event_key="x", status="failed"
    )

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["notices_failed"] == 1


def test_the_failed_messages_are_sent_again_by_resend(committed, mailoutbox):
    message = CustomerMessage.objects.create(
        customer=CustomerFactory(),
        event="resolved",
        event_key="x",
        channel="email",
        recipient="bea@example.com",
        subject="Resolved",
        body="Done.",
        status="failed",
        attempts=6,
    )

    with committed():
        assert delivery.resend_messages(messages=CustomerMessage.objects.all()) == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert [email.to for email in mailoutbox] == [["bea@example.com"]]


def test_a_send_claimed_by_another_sender_is_not_sent_twice(committed, mailoutbox):
    message = message_to(CustomerFactory())

    first = delivery.send_customer_message(message_id=message.pk)
    second = delivery.send_customer_message(message_id=message.pk)

    assert first.status == "sent"
    assert second is None
    assert len(mail.outbox) == 1
