"""The check-in survey: the customer's own answer, from the link in their email, no sign-in.

The link (complaints/customer_links.py) names the complaint and the resolution it asks about.
It is answered once: the answer records the check-in, and a complaint whose check-in is
answered, that was reopened or closed since, or resolved again (a later resolution has a link
of its own) takes no second answer. The customer is the author of what lands on the timeline:
no staff member acts, so the services run with no actor.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.customer_links import SurveyLink
from complaints.models import Complaint, ComplaintUpdate
from complaints.services import (
    ComplaintError,
    _complete_check_ins,
    _locked,
    _record,
    _reopen,
)
from crm.notices import notify


class SurveyClosed(ComplaintError):
    """The check-in the link asks about was answered already, or the complaint moved on."""


def awaits_answer(complaint: Complaint, link: SurveyLink) -> bool:
    """Tell whether the complaint still waits for the check-in this link asks about."""
    return (
        complaint.status == Complaint.Status.RESOLVED
        and complaint.resolved_at == link.resolved_at
        # A check-in of an earlier resolution (before a reopening) does not count.
        and (complaint.checked_in_at is None or complaint.checked_in_at < complaint.resolved_at)
    )


def complaint_asked_about(link: SurveyLink) -> Complaint | None:
    """Return the complaint a survey link names, with only what the survey page shows."""
    return (
        Complaint.objects.only("reference", "status", "resolved_at", "checked_in_at")
        .filter(pk=link.complaint_id)
        .first()
    )


@transaction.atomic
def answer_survey(
    *, link: SurveyLink, satisfied: bool, rating: int, comment: str = ""
) -> Complaint:
    """Record the customer's answer to the check-in; raise SurveyClosed if it is not awaited.

    Satisfied: the check-in is answered and the owner is asked to close the complaint with its
    root cause (closing needs one, which only staff can name). Not satisfied: the complaint
    reopens at once and its owner is told.
    """
    if not 1 <= rating <= 5:
        raise ComplaintError(_("Rate the handling from 1 to 5."))
    complaint = _locked(
        Complaint(pk=link.complaint_id), actor=None, expected_version=None, must_act=False
    )
    if not awaits_answer(complaint, link):
        raise SurveyClosed(_("This check-in was answered already."))
    comment = comment.strip()
    complaint.outcome_satisfied = satisfied
    complaint.handling_rating = rating
    complaint.checked_in_at = timezone.now()
    verdict = _("satisfied with the outcome") if satisfied else _("not satisfied with the outcome")
    summary = _("Check-in survey answered: %(verdict)s; handling rated %(rating)d of 5.") % {
        "verdict": verdict,
        "rating": rating,
    }
    text = f"{summary}\n{_('Comment:')} {comment}" if comment else summary
    _record(complaint, actor=None, kind=ComplaintUpdate.Kind.FROM_CUSTOMER, text=text)
    _complete_check_ins(complaint, actor=None, outcome=text)
    if satisfied:
        subject = _("%(reference)s: the customer is satisfied, close it") % {
            "reference": complaint.reference
        }
        ask = _("Close the complaint with its root cause and corrective action.")
    else:
        _reopen(
            complaint,
            actor=None,
            reason=(
                _("Not satisfied at the check-in survey. %(comment)s") % {"comment": comment}
            ).strip(),
        )
        subject = _("%(reference)s reopened: the customer is not satisfied") % {
            "reference": complaint.reference
        }
        ask = _("The complaint is open again, with its update and resolution clocks running.")
    complaint.save()
    notify(
        user=complaint.owner,
        subject=subject,
        body=f"{text}\n\n{ask}",
        path=complaint.get_absolute_url(),
    )
    return complaint
