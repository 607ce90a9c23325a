"""The receiver's answer to a handoff, posted from any app's page or My day.

Each app's URL for accepting or declining calls answer_handoff with its HandoffKind; the rules
are the flow's (crm/handoffs.py), this only parses the post and says how it went.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from crm import handoffs
from crm.forms import DeclineHandoffForm
from crm.people import require


def answer_handoff(
    request: HttpRequest, kind: handoffs.HandoffKind, *, pk: int, answer: str
) -> HttpResponse:
    """Accept or decline the handoff, then go back to what it hands over."""
    handoff = get_object_or_404(kind.model.objects.select_related(kind.model.subject_field), pk=pk)
    # Before reading the form: someone else gets a 403 whatever they posted.
    require(handoff.is_addressed_to(request.user), handoffs.NOT_ADDRESSED)
    try:
        if answer == "accept":
            handoffs.accept_handoff(kind, actor=request.user, handoff=handoff)
            messages.success(request, kind.accepted_text)
        else:
            form = DeclineHandoffForm(request.POST)
            if not form.is_valid():
                messages.error(request, form.error_text())
                return redirect(handoff.subject)
            handoffs.decline_handoff(
                kind, actor=request.user, handoff=handoff, reason=form.cleaned_data["reason"]
            )
            messages.success(request, kind.declined_text)
    except kind.error as error:
        messages.error(request, str(error))
    return redirect(handoff.subject)
