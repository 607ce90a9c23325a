"""/followups/: the signed-in person's commitments, and the actions on one."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.http import redirect_back
from crm.paging import keyset_page
from crm.undo import offer_undo
from customers import services
from customers.filters import FollowUpFilter
from customers.forms import (
    CompleteFollowUpForm,
    QuickOutcomeForm,
    ReassignFollowUpForm,
    RescheduleFollowUpForm,
)
from customers.models import FollowUp, QuickOutcome
from customers.permissions import MANAGE_ANY_FOLLOW_UP, can_manage_follow_up

PAGE_SIZE = 25


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    """Fetch a follow-up the signed-in person may act on, or refuse."""
    follow_up = get_object_or_404(FollowUp.objects.with_related(), pk=pk)
    if not can_manage_follow_up(request.user, follow_up):
        raise PermissionDenied(_("This follow-up belongs to someone else."))
    return follow_up


@permission_required("customers.view_followup", raise_exception=True)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    may_see_everyone = request.user.has_perm(MANAGE_ANY_FOLLOW_UP)
    # Open ones unless a status is asked for (a report's figure links to done ones).
    follow_ups = FollowUp.objects.all() if request.GET.get("status") else FollowUp.objects.open()
    filterset = FollowUpFilter(
        request.GET or None, queryset=follow_ups.with_related(), may_see_everyone=may_see_everyone
    )
    follow_ups = filterset.qs
    # One's own list unless a supervisor picked someone, a team or everyone (the filter has
    # none of these fields for others).
    chosen = filterset.form.cleaned_data if filterset.is_bound else {}
    if not (chosen.get("owner") or chosen.get("everyone") or chosen.get("team")):
        follow_ups = follow_ups.owned_by(request.user)
    page = keyset_page(request, follow_ups.urgency_order(), size=PAGE_SIZE)
    return render(
        request,
        "customers/followup_list.html",
        {"filter": filterset, "page": page, "now": timezone.now()},
    )


@permission_required("customers.view_followup", raise_exception=True)
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp.objects.with_related(), pk=pk)
    return _render_detail(request, follow_up)


def _render_detail(request, follow_up: FollowUp, status: int = 200, **forms) -> HttpResponse:
    """Draw the follow-up; a failing form passed in replaces its blank one, keeping the input."""
    context = {
        "follow_up": follow_up,
        "may_act": follow_up.is_open and can_manage_follow_up(request.user, follow_up),
        "reschedules": follow_up.reschedules.select_related("changed_by"),
        "complete_form": CompleteFollowUpForm(initial={"log_channel": follow_up.channel}),
        "next": follow_up.get_absolute_url(),
        "reschedule_form": RescheduleFollowUpForm(follow_up=follow_up),
        "reassign_form": ReassignFollowUpForm(),
        "now": timezone.now(),
        **forms,
    }
    return render(request, "customers/followup_detail.html", context, status=status)


@require_POST
def follow_up_complete(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = CompleteFollowUpForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, follow_up, 400, complete_form=form)
    try:
        services.complete_follow_up(
            actor=request.user,
            follow_up=follow_up,
            outcome=form.cleaned_data["outcome"],
            interaction_channel=form.cleaned_data["log_channel"],
            interaction_is_positive=form.cleaned_data["positive"],
        )
    except services.FollowUpError as error:
        messages.error(request, str(error))
    else:
        _offer_undo_done(request, follow_up)
    # Back to where it was done from (My day, the list) when that is a page of ours.
    return redirect_back(request, fallback=follow_up)


def _offer_undo_done(request, follow_up: FollowUp) -> None:
    offer_undo(
        request,
        _("Done: %(subject)s") % {"subject": follow_up.subject},
        url=reverse("followups:reopen", args=[follow_up.pk]),
    )


@require_POST
def follow_up_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap on a row: reached, left a message, no answer, or done."""
    follow_up = _follow_up(request, pk)
    form = QuickOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the outcomes."))
        return redirect_back(request, fallback=follow_up)
    try:
        follow_up = services.record_outcome(
            actor=request.user, follow_up=follow_up, outcome=form.cleaned_data["outcome"]
        )
    except services.FollowUpError as error:
        messages.error(request, str(error))
    else:
        if follow_up.is_open:
            messages.info(
                request,
                _("Logged: %(outcome)s. “%(subject)s” stays open until you reach them.")
                % {
                    "outcome": QuickOutcome(form.cleaned_data["outcome"]).label,
                    "subject": follow_up.subject,
                },
            )
        else:
            _offer_undo_done(request, follow_up)
    return redirect_back(request, fallback=follow_up)


@require_POST
def follow_up_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo "done" within a minute, for the person who did it."""
    follow_up = _follow_up(request, pk)
    try:
        services.reopen_follow_up(actor=request.user, follow_up=follow_up)
    except services.FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Open again: %(subject)s") % {"subject": follow_up.subject})
    return redirect_back(request, fallback=follow_up)


@require_POST
def follow_up_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = RescheduleFollowUpForm(request.POST, follow_up=follow_up)
    if not form.is_valid():
        return _render_detail(request, follow_up, 400, reschedule_form=form)
    try:
        services.reschedule_follow_up(
            actor=request.user,
            follow_up=follow_up,
            due_at=form.cleaned_data["due_at"],
            reason=form.cleaned_data["reason"],
            customer_told=form.cleaned_data.get("customer_told"),
        )
    except services.FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Moved."))
    return redirect(follow_up)


@require_POST
def follow_up_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = ReassignFollowUpForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, follow_up, 400, reassign_form=form)
    try:
        services.reassign_follow_up(
            actor=request.user, follow_up=follow_up, owner=form.cleaned_data["owner"]
        )
    except services.FollowUpError as error:
        messages.error(request, str(error))
    else:
        owner = form.cleaned_data["owner"]
        messages.success(
            request,
            _("Passed to %(name)s, who has been told.")
            % {"name": owner.get_full_name() or owner.get_username()},
        )
    return redirect(follow_up)
