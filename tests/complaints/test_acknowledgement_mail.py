"""The acknowledgement of a complaint logged on the phone reaches a real SMTP server, once."""

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from complaints.customer_links import reply_address
from complaints.models import Complaint
from crm import outbox
from customers import tasks
from customers.messaging.formats import when
from customers.messaging.models import CustomerMessage, MessageEvent
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    port = free_port()
    # A server name given: looking up this machine's own name may wait on DNS.
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture(autouse=True)
def _setup(clock, settings, eager_celery):
    clock.set(NOW)
    settings.REPLY_ADDRESS = "replies@tend.example"


@pytest.fixture
def front_line(client, staff):
    staff.first_name, staff.last_name = "Ada", "Lovelace"
    staff.save()
    client.force_login(staff)
    return client


def phone_form(customer) -> dict:
    return {
        "customer": customer.pk,
        "channel": "phone",
        "customer_words": "The grinder arrived with a cracked hopper.",
        "what_we_heard": "They need a working grinder before Saturday's market.",
        "heard_confirmed": "on",
        "severity": "normal",
    }


def test_the_acknowledgement_of_a_phone_complaint_reaches_the_smtp_server_once(
    front_line, smtp_server, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(name="Bea Quinn", email="bea@example.com")

    # when: the complaint is logged through the phone form
    with django_capture_on_commit_callbacks(execute=True):
        response = front_line.post("/complaints/new/", phone_form(customer))

    # then: the customer's acknowledgement arrived with the reference, owner and next time
    complaint = Complaint.objects.get(customer=customer)
    assert response.status_code == 302
    [received] = smtp_server.received
    assert received["To"] == "bea@example.com"
    assert received["From"] == "Customer care <tend@localhost>"
    assert received["Reply-To"] == reply_address(complaint.pk)
    assert received["Subject"] == f"We have your complaint {complaint.reference}"
    body = received.get_content()
    assert "What we heard: They need a working grinder before Saturday's market." in body
    assert "Ada Lovelace is looking after it" in body
    assert f"you will hear from us by {when(complaint.first_response_due)}" in body
    message = CustomerMessage.objects.get(event=MessageEvent.COMPLAINT_LOGGED)
    assert (message.status, message.sent_at) == ("sent", NOW)

    # and: replaying the task, or the catch-up, sends nothing more
    tasks.send_customer_message(message.pk)
    assert tasks.send_due_customer_messages() == 0
    assert len(smtp_server.received) == 1


def test_with_the_broker_down_logging_succeeds_and_the_acknowledgement_follows_it_back(
    front_line, smtp_server, broker, clock, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="bea@example.com")
    broker.down()

    # when: a complaint is logged while no task can be enqueued
    with django_capture_on_commit_callbacks(execute=True):
        response = front_line.post("/complaints/new/", phone_form(customer))

    # then: it is logged, and its acknowledgement waits
    assert response.status_code == 302
    complaint = Complaint.objects.get(customer=customer)
    message = CustomerMessage.objects.get(event=MessageEvent.COMPLAINT_LOGGED)
    assert (message.status, message.attempts) == ("queued", 0)
    assert smtp_server.received == []

    # when: the broker is back and the catch-up runs, twice
    broker.up()
    clock.set(NOW + outbox.CATCH_UP_AFTER + timedelta(seconds=1))
    tasks.send_due_customer_messages.delay()
    tasks.send_due_customer_messages.delay()

    # then: the acknowledgement was sent, once
    message.refresh_from_db()
    assert message.status == "sent"
    [received] = smtp_server.received
    assert received["Subject"] == f"We have your complaint {complaint.reference}"
