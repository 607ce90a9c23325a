"""Text messages: the console backend, Twilio's API over HTTP, and when Tend picks SMS."""

import io
import json
from unittest import mock

import pytest
import requests

from customers.messaging import delivery, sms
from customers.messaging.models import MessageEvent
from customers.messaging.services import route_for, send_message
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

UK_MOBILE = "07911 123456"
UK_LANDLINE = "020 7946 0958"


@pytest.fixture(autouse=True)
def _uk(settings):
    settings.PHONE_REGION = "GB"


def fake_response(status: int, payload: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    return response


@pytest.fixture
def twilio(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM = "+447700900999"
    with mock.patch.object(
        requests.Session, "post", return_value=fake_response(201, {"sid": "SM42"})
    ) as post:
        yield post


def test_the_twilio_backend_posts_the_message_to_twilios_messages_api(twilio):
    provider_id = sms.get_backend().send(to="+447700900123", body="Your complaint is C-000001.")

    assert provider_id == "SM42"
    twilio.assert_called_once_with(
        "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json",
        auth=("AC123", "secret-token"),
        data={
            "To": "+447700900123",
            "From": "+447700900999",
            "Body": "Your complaint is C-000001.",
        },
        timeout=sms.TWILIO_TIMEOUT,
    )


def test_a_refusal_from_twilio_is_an_error_with_twilios_reason(twilio):
    twilio.return_value = fake_response(400, {"code": 21211, "message": "Invalid 'To' number"})

    with pytest.raises(sms.SmsError, match="Twilio answered 400: Invalid 'To' number"):
        sms.get_backend().send(to="+15005550001", body="Hello")


def test_the_console_backend_prints_the_message():
    stream = io.StringIO()

    sms.ConsoleBackend(stream).send(to="+447700900123", body="We will call you at 14:00.")

    assert "SMS to +447700900123:\nWe will call you at 14:00." in stream.getvalue()


def test_a_customer_who_prefers_texts_is_sent_one_through_twilio(
    twilio, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    customer = CustomerFactory(preferred_channel="sms", phone=UK_MOBILE)

    with django_capture_on_commit_callbacks(execute=True):
        message = send_message(
            customer=customer,
            event=MessageEvent.CALLBACK_BOOKED,
            event_key="callback:1",
            values={"owner_name": "Ada", "callback_at": "Monday 23 November at 14:00"},
        )

    message.refresh_from_db()
    assert (message.status, message.channel, message.recipient) == ("sent", "sms", "+447911123456")
    body = twilio.call_args.kwargs["data"]["Body"]
    assert body == "Customer care: Ada will call you back by Monday 23 November at 14:00."
    assert mailoutbox == []


def test_a_twilio_failure_is_retried_by_the_outbox(twilio):
    twilio.return_value = fake_response(503, {"message": "Service unavailable"})
    customer = CustomerFactory(preferred_channel="sms", phone=UK_MOBILE)
    message = send_message(
        customer=customer, event=MessageEvent.RESOLVED, event_key="resolved:1", values={}
    )

    delivery.send_customer_message(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.last_error == "SmsError: Twilio answered 503: Service unavailable"


@pytest.mark.parametrize(
    ("preferred", "phone", "email", "sms_backend", "route"),
    [
        ("sms", UK_MOBILE, "a@example.com", "console", ("sms", "+447911123456")),
        ("sms", UK_LANDLINE, "a@example.com", "console", ("email", "a@example.com")),
        ("sms", UK_MOBILE, "a@example.com", "off", ("email", "a@example.com")),
        ("phone", UK_MOBILE, "a@example.com", "console", ("email", "a@example.com")),
        ("email", UK_MOBILE, "", "console", ("sms", "+447911123456")),
        ("email", UK_LANDLINE, "", "console", ("", "")),
        ("sms", UK_MOBILE, "", "off", ("", "")),
    ],
)
def test_the_channel_is_the_preferred_one_where_tend_can_send_it(
    settings, preferred, phone, email, sms_backend, route
):
    settings.SMS_BACKEND = sms_backend
    customer = CustomerFactory(preferred_channel=preferred, phone=phone, email=email)

    chosen = route_for(customer, MessageEvent.RESOLVED)

    assert (chosen.channel, chosen.address) == route
    if not route[0]:
        assert chosen.refusal == "No email address or mobile number to send to."


def test_the_complaints_contact_and_their_preference_come_before_the_customers():
    customer = CustomerFactory(preferred_channel="email", phone=UK_LANDLINE)
    contact = ContactFactory(customer=customer, preferred_channel="sms", phone=UK_MOBILE)

    chosen = route_for(customer, MessageEvent.RESOLVED, contact)

    assert (chosen.channel, chosen.address) == ("sms", "+447911123456")
