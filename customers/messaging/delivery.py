"""Sending one customer message, through the shared outbox (crm/outbox.py).

Email goes through Django's mail framework, so EMAIL_BACKEND picks SMTP, the console or a
provider through django-anymail; text messages through customers/messaging/sms.py. A message
that fails for good tells the person who owns what it was about, once.
"""

import logging
from datetime import datetime
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext as _

from crm import outbox
from crm.background import enqueue_after_commit
from crm.notices import notify
from customers.messaging import sms
from customers.messaging.models import CustomerMessage, MessageChannel

logger = logging.getLogger(__name__)


def from_address(sender_name: str) -> str:
    """Return DEFAULT_FROM_EMAIL's address under the business's sender name."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((sender_name or name, address))


def deliver(message: CustomerMessage) -> None:
    """Send one claimed message; one the customer has since opted out of is skipped."""
    if message.customer.no_messages:
        raise outbox.Skip(_("The customer opted out of all messages."))
    if not message.recipient:
        raise outbox.Skip(_("No address to send to."))
    if message.channel == MessageChannel.SMS:
        sms.get_backend().send(to=message.recipient, body=message.body)
        return
    EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=from_address(message.sender_name),
        to=[message.recipient],
        reply_to=[message.reply_to] if message.reply_to else None,
    ).send()


def tell_owners_of_failures(messages: list[CustomerMessage]) -> None:
    """Notify whoever owns what each message was about (else the account owner), once each."""
    with transaction.atomic():
        for message in messages:
            about = message.about
            owner = getattr(about, "owner", None) or message.customer.account_owner
            if owner is None:
                continue
            notify(
                user=owner,
                subject=_("A message to %(customer)s could not be sent")
                % {"customer": message.customer},
                body=_("%(event)s, to %(to)s: %(error)s")
                % {
                    "event": message.get_event_display(),
                    "to": message.recipient,
                    "error": message.last_error,
                },
                path=about.get_absolute_url() if hasattr(about, "get_absolute_url") else "",
            )


# Registered with the outbox by CustomersConfig.ready(), for /healthz.
MESSAGES = outbox.Outbox(
    name="customer_messages",
    model=CustomerMessage,
    deliver=deliver,
    describe=lambda message: f"customer {message.customer_id}",
    related=("customer__account_owner",),
    on_failed=tell_owners_of_failures,
    logger=logger,
)


def send_customer_message(*, message_id: int, now: datetime | None = None):
    """Send one message if it is due and no other sender has it; return it as it was left."""
    return outbox.send_one(MESSAGES, row_id=message_id, now=now)


def send_due_customer_messages(*, now: datetime | None = None) -> int:
    """Send the queued messages whose task never ran or whose retry is due; return how many."""
    return outbox.send_due(MESSAGES, now=now)


@transaction.atomic
def resend_messages(*, messages) -> int:
    """Queue the failed messages among these again, with fresh attempts; return how many."""
    from customers.tasks import send_customer_message as task

    ids = outbox.requeue_failed(MESSAGES, messages)
    for message_id in ids:
        enqueue_after_commit(task, message_id)
    return len(ids)
