"""What the customer hears about their complaint, written by the service that changed it.

Each function writes one message through customers/messaging in the caller's transaction; the
outbox sends it once that commits. Every message about a complaint carries the complaint's own
reply address (REPLY_ADDRESS), so an answer threads back into it. The event key names the
complaint and the change, so a retried task or a form sent twice writes one message.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.customer_links import reply_address, survey_url
from complaints.models import Complaint, Remedy
from customers.messaging.formats import when
from customers.messaging.models import CustomerMessage, MessageEvent
from customers.messaging.services import Composer, queue_messages, send_message
from customers.models import FollowUp
from customers.text import person_name

# The survey sweep writes at most this many per run; the rest wait for the next run.
SURVEY_BATCH = 500


def complaint_values(complaint: Complaint) -> dict[str, str]:
    """Return the placeholders every message about the complaint may use."""
    next_times = [t for t in (complaint.first_response_due, complaint.next_update_due) if t]
    return {
        "reference": complaint.reference,
        "what_we_heard": complaint.what_we_heard or complaint.customer_words,
        "owner_name": person_name(complaint.owner),
        "next_contact": when(min(next_times)) if next_times else "",
        "promised_by": when(complaint.promised_by),
    }


def _send(complaint: Complaint, event: str, key: str, **values: str) -> CustomerMessage:
    return send_message(
        customer=complaint.customer,
        contact=complaint.contact,
        event=event,
        event_key=f"{event}:complaint:{complaint.pk}:{key}",
        values=complaint_values(complaint) | values,
        about=complaint,
        reply_to=reply_address(complaint.pk) or "",
    )


def tell_complaint_logged(complaint: Complaint) -> CustomerMessage:
    """Acknowledge a new complaint: its reference, what we heard, who has it, when next."""
    return _send(complaint, MessageEvent.COMPLAINT_LOGGED, "logged")


def tell_promise(complaint: Complaint, *, moved: bool, reason: str = "") -> CustomerMessage:
    """Tell the customer the time promised to them, or that it moved and why.

    Keyed by the complaint's version: each change of the promise is its own message.
    """
    event = MessageEvent.PROMISE_MOVED if moved else MessageEvent.PROMISE_SET
    return _send(complaint, event, f"v{complaint.version}", reason=reason)


def tell_remedy_delivered(complaint: Complaint, remedy: Remedy) -> CustomerMessage:
    """Tell the customer what was done for them."""
    return _send(
        complaint,
        MessageEvent.REMEDY_GRANTED,
        f"remedy-{remedy.pk}",
        remedy=remedy_text([remedy]),
    )


def tell_resolved(complaint: Complaint, *, note: str = "") -> CustomerMessage:
    """Tell the customer their complaint is resolved and what was done (once per resolution)."""
    delivered = complaint.remedies.filter(decision=Remedy.Decision.DELIVERED).order_by("pk")
    done = remedy_text(list(delivered)) or note or _("we looked into it and put it right")
    return _send(
        complaint, MessageEvent.RESOLVED, _resolution_key(complaint.resolved_at), remedy=done
    )


def remedy_text(remedies: list[Remedy]) -> str:
    """Return the remedies as the customer reads them: kind, amount, description."""
    return "; ".join(
        " — ".join(part for part in (str(remedy), remedy.description) if part)
        for remedy in remedies
    )


def _resolution_key(resolved_at: datetime) -> str:
    return f"resolved-{int(resolved_at.timestamp())}"


def send_check_in_surveys(*, now: datetime | None = None) -> int:
    """Send the survey link of each resolved complaint whose check-in fell due; return how many.

    Set-based: one query finds the complaints whose open check-in is due and that have no
    survey message since their resolution, two read the templates and settings, two write the
    messages. The event key names the resolution, so a reopened and again resolved complaint
    is asked again, and a sweep run twice asks once.
    """
    now = now or timezone.now()
    complaint_type = ContentType.objects.get_for_model(Complaint)
    due_check_in = FollowUp.objects.open().filter(
        kind=FollowUp.Kind.AFTER_RESOLUTION,
        source_type=complaint_type,
        source_id=OuterRef("pk"),
        due_at__lte=now,
    )
    asked = CustomerMessage.objects.filter(
        event=MessageEvent.CHECK_IN_SURVEY,
        about_type=complaint_type,
        about_id=OuterRef("pk"),
        created_at__gte=OuterRef("resolved_at"),
    )
    complaints = list(
        Complaint.objects.filter(status=Complaint.Status.RESOLVED, resolved_at__isnull=False)
        .filter(Exists(due_check_in), ~Exists(asked))
        .select_related("customer", "contact", "owner")
        .order_by("resolved_at", "pk")[:SURVEY_BATCH]
    )
    if not complaints:
        return 0
    composer = Composer(events=[MessageEvent.CHECK_IN_SURVEY])
    messages = [
        composer.compose(
            customer=complaint.customer,
            contact=complaint.contact,
            event=MessageEvent.CHECK_IN_SURVEY,
            event_key=f"check_in_survey:complaint:{complaint.pk}:"
            + _resolution_key(complaint.resolved_at),
            values=complaint_values(complaint)
            | {"survey_link": survey_url(complaint.pk, complaint.resolved_at)},
            about=complaint,
            reply_to=reply_address(complaint.pk) or "",
        )
        for complaint in complaints
    ]
    return len(queue_messages(messages))


def complaint_sample(event: str) -> tuple | None:
    """The latest complaint, for the preview of a template of any complaint event."""
    if event == MessageEvent.CALLBACK_BOOKED:
        return None
    complaint = (
        Complaint.objects.select_related("customer", "contact", "owner")
        .order_by("-received_at", "-pk")
        .first()
    )
    if complaint is None:
        return None
    values = complaint_values(complaint) | {
        "reason": _("(the reason given when the time moves)"),
        "remedy": remedy_text(list(complaint.remedies.order_by("pk"))),
        "survey_link": survey_url(complaint.pk, complaint.resolved_at or complaint.received_at),
    }
    return complaint.customer, complaint.contact, values
