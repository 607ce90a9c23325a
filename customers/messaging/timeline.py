"""Messages to the customer on their timeline, each with what became of it."""

from django.utils.translation import gettext as _

from customers.extensions import TimelineEntry
from customers.messaging.models import CustomerMessage

STATUS_TONE = {"queued": "info", "sent": "success", "failed": "danger", "skipped": "secondary"}


def message_entries(customer, limit: int) -> list[TimelineEntry]:
    messages = CustomerMessage.objects.to_customer(customer).newest_first()[:limit]
    return [
        TimelineEntry(
            when=message.sent_at or message.created_at,
            kind="message",
            title=_("Message: %(subject)s")
            % {"subject": message.subject or message.get_event_display()},
            detail=_detail(message),
            badge=message.get_status_display(),
            tone=STATUS_TONE.get(message.status, "secondary"),
        )
        for message in messages
    ]


def _detail(message: CustomerMessage) -> str:
    parts = [message.get_event_display()]
    if message.channel:
        parts.append(
            _("%(channel)s to %(to)s")
            % {"channel": message.get_channel_display(), "to": message.recipient}
        )
    failed = message.status in {CustomerMessage.Status.SKIPPED, CustomerMessage.Status.FAILED}
    if failed and message.last_error:
        parts.append(message.last_error)
    return " · ".join(parts)
