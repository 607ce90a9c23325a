"""Email from customers, received through the mail provider's inbound webhook.

customers/mail_webhook.py turns the provider's post into an InboundMail; receive_mail keeps it
once (its Message-ID is unique, so a webhook delivered twice changes nothing more), keeps or
refuses its attachments (customers/attachments.py), and routes it:

1. the apps above `customers` look first, through the reply routers they register (complaints
   threads a reply to a complaint's own address into that complaint);
2. else mail from a known customer (the sender's address is a customer's or a contact's) is
   logged as an inbound email on the contact log, with a follow-up for the account owner;
3. else it goes to triage: a follow-up for the triage person of InboundMailSettings (or the
   first active Owner). An unknown sender becomes a prospect customer, since every follow-up
   belongs to a customer, named after the sender, so that the triage person can answer, merge
   or archive it. Mail the provider marked as spam from an unknown sender is only kept.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.notices import notify, single_line
from crm.people import owners
from customers import attachments
from customers.models import (
    Channel,
    Contact,
    Customer,
    FollowUp,
    InboundMailSettings,
    InboundMessage,
    Interaction,
)
from customers.services import build_follow_up, callback_due_at

TEXT_MAX_LENGTH = 20_000
# Where quoted history starts in a reply, as the common mail programs write it.
_QUOTE_STARTS = re.compile(
    r"^\s*(On .{1,200} wrote:|-{2,} ?Original Message ?-{2,}|_{5,}|From: .+)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class IncomingFile:
    """An attachment as the provider handed it over; its declared type is not trusted."""

    filename: str
    declared_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMail:
    """An email as Tend needs it, whichever provider delivered it."""

    message_id: str
    sender_email: str
    sender_name: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    received_at: datetime
    files: tuple[IncomingFile, ...] = field(default=())
    is_spam: bool = False
    # The provider's id of this delivery, when it gives one (see InboundMessage.delivery_id).
    delivery_id: str | None = None


ReplyRouter = Callable[[InboundMessage], bool]
reply_routers: list[ReplyRouter] = []


def register_reply_router(router: ReplyRouter) -> ReplyRouter:
    """Add a router called as router(message) first; it returns True when it took the mail."""
    if router not in reply_routers:
        reply_routers.append(router)
    return router


def trim_quoted(text: str) -> str:
    """Return the reply without the quoted history below it (">" lines, "On … wrote:")."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_STARTS.match(line) or line.startswith(">"):
            break
        kept.append(line)
    trimmed = "\n".join(kept).strip()
    # A message that is nothing but a quote keeps its text: something is better than nothing.
    return (trimmed or text.strip())[:TEXT_MAX_LENGTH]


@transaction.atomic
def receive_mail(*, mail: InboundMail) -> InboundMessage | None:
    """Keep an email once and route it; return None when it was received already.

    Received already: its Message-ID (the provider delivered it twice) or the provider's id of
    the delivery (a signed post replayed) is on an email kept before.
    """
    repeated = Q(message_id=mail.message_id)
    if mail.delivery_id:
        repeated |= Q(delivery_id=mail.delivery_id)
    if InboundMessage.objects.filter(repeated).exists():
        return None
    try:
        # A savepoint: the same email posted twice at once, the second insert loses the race.
        with transaction.atomic():
            message = InboundMessage.objects.create(
                message_id=mail.message_id,
                delivery_id=mail.delivery_id or None,
                received_at=mail.received_at,
                sender_email=mail.sender_email[:254],
                sender_name=single_line(mail.sender_name, 200),
                recipients=",".join(mail.recipients),
                subject=single_line(mail.subject, 300),
                text=trim_quoted(mail.text.replace("\x00", "")),
            )
    except IntegrityError:
        return None
    for incoming in mail.files:
        attachments.keep_or_refuse(message=message, incoming=incoming)
    for router in reply_routers:
        if router(message):
            return message
    customer, contact = find_sender(message.sender_email)
    if customer is not None:
        _log_for_account_owner(message, customer=customer, contact=contact)
    elif mail.is_spam:
        _mark(message, outcome=InboundMessage.Outcome.SPAM)
    else:
        route_to_triage(message, reason=_("Email from a sender Tend does not know."))
    return message


def find_sender(address: str) -> tuple[Customer | None, Contact | None]:
    """Return the customer (and contact) whose email address this is; the oldest if several.

    Compared on the lower-cased addresses the database keeps indexed (email_key).
    """
    key = address.strip().lower()
    if not key:
        return None, None
    customer = Customer.objects.filter(email_key=key).order_by("pk").first()
    if customer is not None:
        return customer, None
    contact = (
        Contact.objects.filter(email_key=key).select_related("customer").order_by("pk").first()
    )
    return (contact.customer, contact) if contact else (None, None)


def triage_person():
    """Return who answers mail Tend cannot place: the settings' person, else the first Owner."""
    person = InboundMailSettings.load().triage_person
    if person is not None and person.is_active:
        return person
    return owners().first()


def describe(message: InboundMessage) -> str:
    """Return the email as a timeline or notice shows it: sender, subject, text, files."""
    lines = [_("Email from %(sender)s") % {"sender": message.sender}]
    if message.subject:
        lines.append(_("Subject: %(subject)s") % {"subject": message.subject})
    lines += ["", message.text]
    files = list(message.attachments.defer("content"))
    kept = [item for item in files if item.is_kept]
    refused = [item for item in files if not item.is_kept]
    if kept:
        lines += ["", _("Attachments kept: %(files)s") % {"files": ", ".join(map(str, kept))}]
    for item in refused:
        lines.append(
            _("Attachment refused: %(file)s (%(why)s)")
            % {"file": item.filename, "why": item.refused_because}
        )
    return "\n".join(lines).strip()


def follow_up_for_email(
    *, message: InboundMessage, customer: Customer, owner, subject: str
) -> FollowUp:
    """Save a follow-up to answer the email, for owner (the triage person if they cannot).

    Due within the response target, as a call back is: an email asks for an answer too.
    """
    if owner is None or not owner.is_active:
        owner = triage_person()
    now = timezone.now()
    follow_up = build_follow_up(
        customer=customer,
        owner=owner,
        kind=FollowUp.Kind.OTHER,
        subject=single_line(subject, 200),
        due_at=callback_due_at(now),
        channel=Channel.EMAIL,
        created_by=None,
        source=message,
        now=now,
    )
    follow_up.save()
    return follow_up


def route_to_triage(message: InboundMessage, *, reason: str) -> FollowUp | None:
    """Give the email to the triage person as a follow-up; an unknown sender becomes a prospect.

    Returns None (the email only kept) when there is nobody to give it to: no triage person
    and no active Owner.
    """
    person = triage_person()
    customer, contact = find_sender(message.sender_email)
    if person is None:
        _mark(message, outcome=InboundMessage.Outcome.TRIAGE, customer=customer)
        return None
    if customer is None:
        customer = Customer.objects.create(
            name=single_line(
                message.sender_name or message.sender_email or _("Unknown sender"), 200
            ),
            email=message.sender_email if "@" in message.sender_email else "",
            status=Customer.Status.PROSPECT,
            preferred_channel=Channel.EMAIL,
        )
    interaction = _log_interaction(message, customer=customer, contact=contact)
    follow_up = follow_up_for_email(
        message=message,
        customer=customer,
        owner=person,
        subject=_("Triage the email from %(sender)s: %(subject)s")
        % {"sender": message.sender_email, "subject": message.subject},
    )
    _mark(message, outcome=InboundMessage.Outcome.TRIAGE, customer=customer, record=interaction)
    notify(
        user=follow_up.owner,
        subject=_("Email to triage from %(sender)s") % {"sender": message.sender_email},
        body=f"{reason}\n\n{describe(message)}",
        path=message.get_absolute_url(),
    )
    return follow_up


def _log_for_account_owner(message, *, customer: Customer, contact: Contact | None) -> None:
    interaction = _log_interaction(message, customer=customer, contact=contact)
    follow_up = follow_up_for_email(
        message=message,
        customer=customer,
        owner=customer.account_owner,
        subject=_("Answer the email from %(customer)s: %(subject)s")
        % {"customer": customer.name, "subject": message.subject},
    )
    _mark(message, outcome=InboundMessage.Outcome.CUSTOMER, customer=customer, record=interaction)
    notify(
        user=follow_up.owner,
        subject=_("Email from %(customer)s: %(subject)s")
        % {"customer": customer.name, "subject": message.subject},
        body=describe(message),
        path=message.get_absolute_url(),
    )


def _log_interaction(message, *, customer: Customer, contact: Contact | None) -> Interaction:
    summary = message.subject or message.text.split("\n", 1)[0] or _("(no subject)")
    return Interaction.objects.create(
        customer=customer,
        contact=contact,
        staff=None,
        channel=Channel.EMAIL,
        direction=Interaction.Direction.INBOUND,
        occurred_at=message.received_at,
        summary=single_line(_("Email: %(summary)s") % {"summary": summary}, 200),
    )


def _mark(message, *, outcome: str, customer=None, record=None) -> None:
    message.outcome = outcome
    message.customer = customer
    if record is not None:
        message.record_type = ContentType.objects.get_for_model(record)
        message.record_id = record.pk
    message.save(update_fields=["outcome", "customer", "record_type", "record_id"])


def mark_threaded(message: InboundMessage, *, customer: Customer, record) -> None:
    """Record that an app above `customers` took the email into one of its records."""
    _mark(message, outcome=InboundMessage.Outcome.THREADED, customer=customer, record=record)
