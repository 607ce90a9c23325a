"""The check-in survey page: public, reached only through its signed link.

It shows the complaint's reference and the business's name, nothing else of the record, and
every way a link can fail (tampered, expired, answered already, too many tries) has a polite
page of its own.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import survey
from complaints.customer_links import (
    SURVEY_LINK_DAYS,
    SurveyLinkExpired,
    SurveyLinkInvalid,
    read_survey_token,
)
from complaints.survey_forms import SurveyForm
from crm import throttle
from customers.messaging.models import MessagingSettings


def _page(request, name: str, status: int = 200, **context) -> HttpResponse:
    # The name customers know from Tend's messages (owners set it in the admin).
    context["business_name"] = MessagingSettings.load().sender_name
    return render(request, f"complaints/survey/{name}.html", context, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the check-in survey of the link's complaint, and record the answer once."""
    if not throttle.allow(
        "survey",
        get_client_ip_address(request),
        limit=settings.SURVEY_RATE_LIMIT,
        window=settings.SURVEY_RATE_WINDOW,
    ):
        return _page(request, "too_many", status=429)
    try:
        link = read_survey_token(token)
    except SurveyLinkExpired:
        return _page(request, "expired", status=410, days=SURVEY_LINK_DAYS)
    except SurveyLinkInvalid:
        return _page(request, "invalid", status=404)
    complaint = survey.complaint_asked_about(link)
    if complaint is None:
        return _page(request, "invalid", status=404)
    if not survey.awaits_answer(complaint, link):
        return _page(request, "answered", reference=complaint.reference)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey.answer_survey(
                link=link,
                satisfied=form.cleaned_data["satisfied"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except survey.SurveyClosed:
            # Answered in another tab a moment ago.
            return _page(request, "answered", reference=complaint.reference)
        return _page(
            request,
            "thanks",
            reference=complaint.reference,
            satisfied=form.cleaned_data["satisfied"],
        )
    return _page(request, "form", form=form, reference=complaint.reference)
