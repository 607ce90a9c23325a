"""Text messages behind one small interface, as Django's mail framework is for email.

SMS_BACKEND picks the backend: ``console`` (the default: printed, as the console email backend
does), ``twilio`` (Twilio's Messages REST API over plain HTTPS), or ``off`` (Tend sends no text
messages; customers who prefer them get email).
"""

import sys
from typing import Protocol

import requests
from django.conf import settings

# Seconds Twilio may take to answer: a hung request must not outlast the outbox's lease.
TWILIO_TIMEOUT = 10
TWILIO_URL = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"


class SmsError(Exception):
    """The provider refused or did not take the message."""


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> str:
        """Send one text message to an E.164 number; return the provider's id for it."""


class ConsoleBackend:
    """Print each message, for the embedded mode and development."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str) -> str:
        self.stream.write(f"SMS to {to}:\n{body}\n{'-' * 40}\n")
        self.stream.flush()
        return ""


class TwilioBackend:
    """Send through Twilio's Messages API (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)."""

    def __init__(self, *, account_sid: str, auth_token: str, from_number: str):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number

    def send(self, *, to: str, body: str) -> str:
        with requests.Session() as session:
            response = session.post(
                TWILIO_URL.format(sid=self.account_sid),
                auth=(self.account_sid, self.auth_token),
                data={"To": to, "From": self.from_number, "Body": body},
                timeout=TWILIO_TIMEOUT,
            )
        if response.status_code >= 400:
            raise SmsError(f"Twilio answered {response.status_code}: {_twilio_error(response)}")
        return str(_json(response).get("sid", ""))


def _json(response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _twilio_error(response) -> str:
    data = _json(response)
    return str(data.get("message") or response.text[:200])


def sms_enabled() -> bool:
    """Tell whether Tend sends text messages at all (SMS_BACKEND is not "off")."""
    return settings.SMS_BACKEND != "off"


def get_backend() -> SmsBackend:
    """Return the backend SMS_BACKEND names; settings refuse any other name at start-up."""
    if settings.SMS_BACKEND == "twilio":
        return TwilioBackend(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM,
        )
    if settings.SMS_BACKEND == "console":
        return ConsoleBackend()
    raise SmsError("Text messages are off (SMS_BACKEND=off).")
