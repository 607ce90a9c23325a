"""Writing messages to customers: who, on which channel, in which words; sent after commit.

``send_message`` writes one message in the caller's transaction and enqueues its sending once
that commits (crm/outbox.py does the rest). ``Composer`` writes many with templates and settings
read once, for sweeps. A message that may not or cannot go out is still written, as skipped with
the reason, so the customer's timeline says why they heard nothing.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from crm.background import enqueue_after_commit
from crm.notices import single_line
from crm.text import person_name
from customers.messaging.formats import when
from customers.messaging.models import (
    CustomerMessage,
    MessageChannel,
    MessageEvent,
    MessageTemplate,
    MessagingSettings,
)
from customers.messaging.placeholders import fill
from customers.messaging.sms import sms_enabled
from customers.models import Channel, Contact, Customer
from customers.text import normalise_phone

# Asked for by nobody in particular: a do-not-contact customer is not sent these (DESIGN §4).
PROACTIVE_EVENTS = {MessageEvent.CHECK_IN_SURVEY}
SUBJECT_MAX_LENGTH = CustomerMessage._meta.get_field("subject").max_length
# Numbers that can take a text; some countries' numbers do not tell mobile from landline.
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


@dataclass(frozen=True)
class Route:
    """Where a message goes: a channel and an address, or why it goes nowhere."""

    channel: str = ""
    address: str = ""
    refusal: str = ""


def mobile_number(phone: str) -> str | None:
    """Return the phone in E.164 form when it can take text messages, else None."""
    number = normalise_phone(phone)
    if number is None:
        return None
    kind = phonenumbers.number_type(phonenumbers.parse(number))
    return number if kind in _MOBILE_TYPES else None


def route_for(customer: Customer, event: str, contact: Contact | None = None) -> Route:
    """Return the channel and address of a message to the customer (or their contact).

    Opted out of all messages: none. Do-not-contact: no survey (proactive), service messages
    still go. Otherwise a text message when that is the preferred channel, there is a mobile
    number and SMS is on; else email; else a text to a mobile number; else none.
    """
    if customer.no_messages:
        return Route(refusal=_("The customer opted out of all messages."))
    if customer.do_not_contact and event in PROACTIVE_EVENTS:
        return Route(refusal=_("The customer is marked do not contact."))
    preferred = (contact.preferred_channel if contact else "") or customer.preferred_channel
    email = (contact.email if contact else "") or customer.email
    mobile = mobile_number((contact.phone if contact else "") or customer.phone)
    if not sms_enabled():
        mobile = None
    if mobile and preferred == Channel.SMS:
        return Route(MessageChannel.SMS, mobile)
    if email:
        return Route(MessageChannel.EMAIL, email)
    if mobile:
        return Route(MessageChannel.SMS, mobile)
    return Route(refusal=_("No email address or mobile number to send to."))


class Composer:
    """Writes messages from the owners' templates and the business's sender name.

    Reads them once (two queries), so a sweep writing many messages reads them once too.
    """

    def __init__(self, events: list[str] | None = None):
        templates = MessageTemplate.objects.all()
        if events is not None:
            templates = templates.filter(event__in=events)
        self.templates = {(t.event, t.channel): t for t in templates}
        self.sender = MessagingSettings.load()

    def compose(
        self,
        *,
        customer: Customer,
        event: str,
        event_key: str,
        values: Mapping[str, str],
        about=None,
        contact: Contact | None = None,
        reply_to: str = "",
    ) -> CustomerMessage:
        """Return the unsaved message of this event to the customer, queued or skipped."""
        route = route_for(customer, event, contact)
        message = CustomerMessage(
            customer=customer,
            event=event,
            event_key=event_key,
            channel=route.channel,
            recipient=route.address,
            sender_name=self.sender.sender_name,
            reply_to=reply_to if route.channel == MessageChannel.EMAIL else "",
        )
        if about is not None:
            message.about_type = ContentType.objects.get_for_model(about)
            message.about_id = about.pk
        template = self._template(event, route.channel or MessageChannel.EMAIL)
        if template is None:
            route = Route(refusal=_("There is no template for this message."))
        else:
            filled = self.values(customer, contact, values)
            message.subject = single_line(fill(template.subject, filled), SUBJECT_MAX_LENGTH)
            message.body = fill(template.body, filled).replace("\x00", "").strip()
        if route.refusal:
            message.status = CustomerMessage.Status.SKIPPED
            message.last_error = route.refusal
        return message

    def values(self, customer, contact, values: Mapping[str, str]) -> dict[str, str]:
        """Return the placeholders' values: the caller's, the name and the sender's."""
        return {
            "customer_name": (contact.name if contact else "") or customer.name,
            "sender_name": self.sender.sender_name,
            "signature": self.sender.signature,
            **values,
        }

    def _template(self, event: str, channel: str) -> MessageTemplate | None:
        # A text message without its own short template uses the email's words.
        return self.templates.get((event, channel)) or self.templates.get(
            (event, MessageChannel.EMAIL)
        )


def queue_messages(messages: list[CustomerMessage]) -> list[CustomerMessage]:
    """Save the messages, except those whose event was written before; send them on commit.

    Returns the rows of these event keys as saved, new or earlier (two queries). The unique
    event key is what makes a retried task or a form sent twice write one message.
    """
    if not messages:
        return []
    CustomerMessage.objects.bulk_create(messages, ignore_conflicts=True)
    saved = list(CustomerMessage.objects.filter(event_key__in=[m.event_key for m in messages]))
    from customers.tasks import send_customer_message  # customers.tasks imports this module

    for message in saved:
        if message.status == CustomerMessage.Status.QUEUED and message.attempts == 0:
            enqueue_after_commit(send_customer_message, message.pk)
    return saved


def send_message(
    *,
    customer: Customer,
    event: str,
    event_key: str,
    values: Mapping[str, str],
    about=None,
    contact: Contact | None = None,
    reply_to: str = "",
) -> CustomerMessage:
    """Write one message to the customer in the current transaction; send it once that commits.

    Returns the message of this event key: the one written now, or the one written before.
    """
    message = Composer(events=[event]).compose(
        customer=customer,
        event=event,
        event_key=event_key,
        values=values,
        about=about,
        contact=contact,
        reply_to=reply_to,
    )
    [saved] = queue_messages([message])
    return saved


def callback_values(follow_up) -> dict[str, str]:
    """Return the placeholders of a callback booked message."""
    return {"owner_name": person_name(follow_up.owner), "callback_at": when(follow_up.due_at)}


def tell_callback_booked(*, follow_up, contact: Contact | None = None) -> CustomerMessage:
    """Tell the customer when we will call them back (a callback booked from the contact log)."""
    return send_message(
        customer=follow_up.customer,
        event=MessageEvent.CALLBACK_BOOKED,
        event_key=f"callback_booked:followup:{follow_up.pk}",
        values=callback_values(follow_up),
        about=follow_up,
        contact=contact,
    )
