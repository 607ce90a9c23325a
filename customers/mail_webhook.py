"""Tend's inbound mail webhook: django-anymail's Mailgun view, and its inbound signal.

Anymail checks the signature Mailgun puts on every post (an HMAC of its timestamp and token with
the webhook signing key, and HTTP basic auth when ANYMAIL_WEBHOOK_SECRET is set), parses the
message and sends `anymail.signals.inbound`; receive_inbound_mail turns the message into an
InboundMail for customers/inbound.py. A post that fails the checks gets 403 and changes nothing.
Without MAILGUN_WEBHOOK_SIGNING_KEY the webhook is off and answers 404.

Mailgun retries any answer but 200 and 406 for hours, so a failure while saving (the database
restarting) is retried by Mailgun itself; the Message-ID keeps the retry from counting twice.
"""

import hashlib
import logging
from dataclasses import replace

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.csrf import csrf_exempt

from customers.inbound import InboundMail, IncomingFile, receive_mail

logger = logging.getLogger(__name__)


class MailgunInbound(MailgunInboundWebhookView):
    """Anymail's Mailgun inbound view, answering 403 (not 400) to a post that fails its checks."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as refusal:
            logger.warning("Inbound mail webhook refused: %s", refusal)
            return HttpResponseForbidden("Signature or credentials not valid.")


@csrf_exempt
@login_not_required
def mailgun_inbound(request: HttpRequest) -> HttpResponse:
    """Receive one email Mailgun's inbound route forwards (parsed, or raw MIME at ``_mime/``)."""
    key = settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY")
    if not key:
        return HttpResponseNotFound("Inbound mail is not configured.")
    return MailgunInbound.as_view(webhook_signing_key=key)(request)


def receive_inbound_mail(sender, event, esp_name, **kwargs) -> None:
    """Receiver of anymail's inbound signal: keep and route the email (customers/inbound.py)."""
    mail = inbound_mail_from(event.message, received_at=event.timestamp)
    receive_mail(mail=replace(mail, delivery_id=event.event_id))


def inbound_mail_from(message, *, received_at=None) -> InboundMail:
    """Return the InboundMail of an AnymailInboundMessage."""
    sender = message.from_email
    if isinstance(sender, list):  # several From addresses: legal, rare; the first speaks
        sender = sender[0]
    recipients = [address.addr_spec for address in (*message.to, *message.cc)]
    if message.envelope_recipient:
        recipients.append(message.envelope_recipient)
    text = message.stripped_text or message.text or strip_tags(message.html or "")
    return InboundMail(
        message_id=_message_id(message, text),
        sender_email=(sender.addr_spec if sender else message.envelope_sender or "").lower(),
        sender_name=sender.display_name if sender else "",
        recipients=tuple(dict.fromkeys(address.lower() for address in recipients if address)),
        subject=message.subject or "",
        text=text,
        received_at=received_at or timezone.now(),
        files=tuple(
            IncomingFile(
                filename=part.get_filename() or "",
                declared_type=part.get_content_type(),
                content=part.get_content_bytes() or b"",
            )
            for part in message.attachments
        ),
        is_spam=bool(message.spam_detected),
    )


def _message_id(message, text: str) -> str:
    """Return the email's Message-ID; one made of its content when it has none."""
    given = (message["Message-ID"] or "").strip()
    if given:
        return given[:255]
    # The same email delivered twice has the same content, so the same key.
    headers = [str(message[name]) for name in ("From", "To", "Date", "Subject")]
    content = "\n".join([*headers, text])
    return "sha256:" + hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()
