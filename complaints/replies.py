"""A customer's email reply threaded into the complaint it answers (customers/inbound.py).

Mail to a complaint's own reply address (complaints/customer_links.py) becomes a line on its
timeline, written by the customer, and its owner is told at once. A reply soon after the
complaint ended (REPLY_REOPENS_WITHIN of closing, or of resolving while the check-in is ahead)
reopens it: "it's broken again" is a complaint not yet fixed. A later one becomes a follow-up
for the owner, who decides whether it is a new complaint. A reply while the complaint waits on
the customer is their answer: waiting ends and the SLA clock runs again.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.customer_links import complaint_id_for_address
from complaints.models import Complaint, ComplaintUpdate
from complaints.services import _cancel_check_ins, _locked, _move, _record, _reopen, _resume_clock
from crm.notices import notify
from customers import inbound
from customers.models import Channel, InboundMessage

EXCERPT_LENGTH = 200


def thread_reply(message: InboundMessage) -> bool:
    """Reply router: take an email sent to a complaint's reply address; False for any other.

    An address shaped like a reply address whose tag does not check out (forged, mistyped, or
    a complaint that does not exist) goes to triage: someone must still read it.
    """
    addresses = message.recipient_list
    complaint_ids = sorted({pk for pk in map(complaint_id_for_address, addresses) if pk})
    complaint = Complaint.objects.filter(pk__in=complaint_ids).order_by("pk").first()
    if complaint is not None:
        record_customer_reply(complaint=complaint, message=message)
        return True
    if complaint_ids or any(map(_is_tagged_reply_address, addresses)):
        inbound.route_to_triage(
            message, reason=_("A reply to a complaint reference Tend does not know.")
        )
        return True
    return False


def _is_tagged_reply_address(address: str) -> bool:
    general = settings.REPLY_ADDRESS.rpartition("@")[0].lower()
    local = address.strip().strip("<>").rpartition("@")[0].lower()
    return bool(general) and local.startswith(f"{general}+")


@transaction.atomic
def record_customer_reply(*, complaint: Complaint, message: InboundMessage) -> Complaint:
    """Put the customer's reply on the complaint's timeline and tell its owner at once.

    Within REPLY_REOPENS_WITHIN of its end a resolved or closed complaint reopens; after it,
    the owner gets a follow-up to answer the email instead.
    """
    complaint = _locked(complaint, actor=None, expected_version=None, must_act=False)
    now = timezone.now()
    text = inbound.describe(message)
    _record(
        complaint,
        actor=None,
        kind=ComplaintUpdate.Kind.FROM_CUSTOMER,
        text=text,
        channel=Channel.EMAIL,
    )
    excerpt = message.text[:EXCERPT_LENGTH] or message.subject
    subject = _("%(reference)s: the customer replied") % {"reference": complaint.reference}
    if not complaint.is_active:
        ended = complaint.closed_at or complaint.resolved_at or now
        if now - ended <= settings.REPLY_REOPENS_WITHIN:
            _cancel_check_ins(complaint)
            _reopen(
                complaint,
                actor=None,
                reason=_("The customer replied: %(excerpt)s") % {"excerpt": excerpt},
            )
            subject = _("%(reference)s reopened: the customer replied") % {
                "reference": complaint.reference
            }
        else:
            inbound.follow_up_for_email(
                message=message,
                customer=complaint.customer,
                owner=complaint.owner,
                subject=_("Answer the reply on %(reference)s (closed): %(subject)s")
                % {"reference": complaint.reference, "subject": message.subject},
            )
    elif complaint.is_paused:
        _move(complaint, "investigate", actor=None, text=_("The customer answered by email."))
        _resume_clock(complaint)
    complaint.save()
    inbound.mark_threaded(message, customer=complaint.customer, record=complaint)
    notify(
        user=complaint.owner,
        subject=subject,
        body=text,
        path=complaint.get_absolute_url(),
    )
    return complaint
