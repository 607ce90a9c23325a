"""The actions on a complaint: each a POST that validates a form and calls one service."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from complaints import services
from complaints.authority import authority_of
from complaints.detail import ACTION_FORMS, detail_context
from complaints.forms import DecisionForm, VersionForm
from complaints.models import Complaint, IllegalTransition, Remedy
from crm.handoff_answers import answer_handoff
from crm.http import redirect_back

REFUSALS = (services.ComplaintError, IllegalTransition)


def _run(actor, complaint, action: str, data: dict, version):
    """Call the service behind an action with the form's cleaned data."""
    common = {"actor": actor, "complaint": complaint}
    match action:
        case "acknowledge":
            return services.acknowledge(**common, note=data["note"], expected_version=version)
        case "investigate":
            return services.start_investigating(**common, expected_version=version)
        case "wait":
            return services.wait_on_customer(
                **common, reason=data["reason"], expected_version=version
            )
        case "customer_update":
            return services.record_customer_update(
                **common, channel=data["channel"], text=data["text"], expected_version=version
            )
        case "promise":
            return services.set_promised_time(
                **common,
                promised_by=data["promised_by"],
                reason=data["reason"],
                expected_version=version,
            )
        case "note":
            return services.add_note(**common, text=data["text"])
        case "remedy":
            return services.propose_remedy(
                **common,
                kind=data["kind"],
                amount=data["amount"],
                description=data["description"],
                expected_version=version,
            )
        case "resolve":
            return services.resolve(
                **common, note=data["note"], no_remedy=data["no_remedy"], expected_version=version
            )
        case "check_in":
            return services.record_check_in(
                **common,
                satisfied=data["satisfied"],
                rating=data["rating"],
                note=data["note"],
                root_cause=data["root_cause"],
                corrective_note=data["corrective_note"],
                expected_version=version,
            )
        case "close":
            return services.close(
                **common,
                root_cause=data["root_cause"],
                corrective_note=data["corrective_note"],
                expected_version=version,
            )
        case "reopen":
            return services.reopen(**common, reason=data["reason"], expected_version=version)
        case "handoff":
            return services.offer_handoff(
                **common, to_user=data["to_user"], note=data["note"], expected_version=version
            )
    raise Http404


DONE_MESSAGES = {
    "acknowledge": gettext_lazy("Acknowledged: the first response is recorded."),
    "investigate": gettext_lazy("Investigating."),
    "wait": gettext_lazy("Waiting on the customer; the SLA clock is paused."),
    "customer_update": gettext_lazy("Customer update recorded; the update clock starts again."),
    "promise": gettext_lazy("Promised time recorded."),
    "note": gettext_lazy("Note added."),
    "resolve": gettext_lazy("Resolved. A check-in with the customer is scheduled."),
    "check_in": gettext_lazy("Check-in recorded."),
    "close": gettext_lazy("Closed."),
    "reopen": gettext_lazy("Reopened."),
    "handoff": gettext_lazy("Offered. You stay the owner until they accept."),
}


def _complaint(pk: int) -> Complaint:
    return get_object_or_404(
        Complaint.objects.select_related(
            "customer", "owner", "logged_by", "category__parent", "root_cause", "contact"
        ),
        pk=pk,
    )


def _show(request, complaint, status=400, error="", **bound) -> HttpResponse:
    """Draw the complaint page again with a bound form, so nothing typed is lost."""
    context = detail_context(request, _complaint(complaint.pk), **bound)
    context["action_error"] = error
    return render(request, "complaints/complaint_detail.html", context, status=status)


@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTION_FORMS:
        raise Http404
    complaint = _complaint(pk)
    form_class = ACTION_FORMS[action][0]
    form = form_class(request.POST, prefix=action) if form_class else None
    if form is not None and not form.is_valid():
        return _show(request, complaint, **{action: form})
    version = _version(request)
    data = form.cleaned_data if form is not None else {}
    if action == "remedy" and "preview" in request.POST:
        within = authority_of(request.user).covers(data["kind"], data["amount"])
        return _show(request, complaint, status=200, remedy=form, remedy_preview=within)
    try:
        result = _run(request.user, complaint, action, data, version)
    except REFUSALS as error:
        if form is not None:
            form.add_error(None, str(error))
        return _show(request, complaint, error=str(error), **({action: form} if form else {}))
    if action == "remedy":
        messages.success(request, _remedy_message(result))
    else:
        messages.success(request, DONE_MESSAGES[action])
    return redirect(complaint)


def _version(request) -> int | None:
    """Return the version the page showed; None (no check) when the post carries none."""
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


def _remedy_message(remedy: Remedy) -> str:
    if remedy.auto_approved:
        return _("%(remedy)s approved within your authority: deliver it, then resolve.") % {
            "remedy": remedy
        }
    return _("%(remedy)s is above your authority: it waits for approval.") % {"remedy": remedy}


@require_POST
def remedy_decide(request: HttpRequest, pk: int) -> HttpResponse:
    remedy = get_object_or_404(Remedy.objects.select_related("complaint"), pk=pk)
    form = DecisionForm(request.POST, prefix=f"decide-{remedy.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect(remedy.complaint)
    try:
        services.decide_remedy(
            actor=request.user,
            remedy=remedy,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
        )
    except REFUSALS as error:
        messages.error(request, str(error))
    else:
        verdict = _("approved") if form.cleaned_data["approve"] else _("rejected")
        messages.success(request, _("Remedy %(verdict)s.") % {"verdict": verdict})
    return redirect_back(request, fallback=remedy.complaint)


@require_POST
def remedy_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    remedy = get_object_or_404(Remedy.objects.select_related("complaint"), pk=pk)
    try:
        services.deliver_remedy(actor=request.user, remedy=remedy)
    except REFUSALS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Delivered. Resolve the complaint when the customer has it."))
    return redirect(remedy.complaint)


@require_POST
def handoff_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    return answer_handoff(request, services.COMPLAINT_HANDOFFS, pk=pk, answer=answer)
