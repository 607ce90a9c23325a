from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm.calendar import BusinessCalendar
from crm.handoff_answers import answer_handoff
from crm.handoffs import shown_on_page
from crm.paging import keyset_page
from customers.models import Customer
from onboarding import services
from onboarding.filters import OnboardingFilter
from onboarding.forms import (
    CompleteStepForm,
    HandoffForm,
    PreferencesStepForm,
    ReasonForm,
    StartOnboardingForm,
)
from onboarding.models import Handoff, Onboarding, OnboardingStep

PAGE_SIZE = 25
# Nearest target first; the onboarding model's target indexes serve it.
LIST_ORDER = ("target_at", "pk")


@permission_required("onboarding.view_onboarding", raise_exception=True)
def onboarding_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    stalled_since = services.stalled_since(now, BusinessCalendar.load())
    onboardings = Onboarding.objects.select_related("customer", "owner")
    data = request.GET.copy()
    data.setdefault("status", Onboarding.Status.ACTIVE)
    filterset = OnboardingFilter(data, queryset=onboardings, stalled_since=stalled_since)
    page = Paginator(filterset.qs.order_by(*LIST_ORDER).values("pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Progress joins every step of an onboarding: counted for the page's rows only, in the
    # same query that reads them (their ids are a subquery), not for every onboarding listed.
    page.object_list = (
        onboardings.filter(pk__in=page.object_list).with_progress(now).order_by(*LIST_ORDER)
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "onboarding/onboarding_list.html",
        {
            "filter": filterset,
            "page": page,
            "query_string": params.urlencode(),
            "stalled_since": stalled_since,
            "now": now,
        },
    )


@permission_required("onboarding.view_onboarding", raise_exception=True)
def handoffs_offered(request: HttpRequest) -> HttpResponse:
    """The onboardings handed to the signed-in person and not answered yet, oldest first."""
    offers = Handoff.objects.offered_to(request.user).order_by("created_at", "pk")
    page = keyset_page(request, offers, size=PAGE_SIZE)
    return render(request, "onboarding/handoff_list.html", {"page": page})


@permission_required("onboarding.add_onboarding", raise_exception=True)
@require_http_methods(["GET", "POST"])
def onboarding_start(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.select_related("account_owner"), pk=customer_pk)
    form = StartOnboardingForm(request.POST or None, customer=customer, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            onboarding = services.start_onboarding(
                actor=request.user,
                customer=customer,
                template=form.cleaned_data["template"],
                owner=form.cleaned_data["owner"],
                assignees=form.assignees(),
            )
        except services.OnboardingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Onboarding started: every step has an owner."))
            return redirect(onboarding)
    return render(
        request, "onboarding/onboarding_start.html", {"form": form, "customer": customer}
    )


def _onboarding(pk: int) -> Onboarding:
    return get_object_or_404(
        Onboarding.objects.select_related("customer", "owner", "template"), pk=pk
    )


@permission_required("onboarding.view_onboarding", raise_exception=True)
def onboarding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _onboarding(pk))


def _render_detail(request, onboarding: Onboarding, status=200, **bound) -> HttpResponse:
    steps = list(
        onboarding.steps.select_related("assignee", "done_by", "group").order_by("position", "pk")
    )
    handoff = shown_on_page(services.ONBOARDING_HANDOFFS, onboarding)
    pending = handoff if handoff is not None and handoff.is_pending else None
    may_manage = services.may_manage(request.user, onboarding)
    open_handoff_step = next(
        (step for step in steps if step.is_handoff_point and not step.is_done), None
    )
    handoff_group = _next_group(steps, open_handoff_step)
    forms = {}
    for step in steps:
        if step.is_done or not onboarding.is_active or step.is_handoff_point:
            continue
        if not services.may_complete(request.user, step):
            continue
        if step.captures_preferences:
            forms[step.pk] = PreferencesStepForm(
                prefix=f"step-{step.pk}",
                initial=PreferencesStepForm.initial_from(onboarding.customer),
            )
        else:
            forms[step.pk] = CompleteStepForm(prefix=f"step-{step.pk}")
    forms.update(bound.pop("step_forms", {}))
    return render(
        request,
        "onboarding/onboarding_detail.html",
        {
            "onboarding": onboarding,
            "steps": [(step, forms.get(step.pk)) for step in steps],
            "handoff": handoff,
            "may_manage": may_manage and onboarding.is_active,
            "handoff_step": open_handoff_step if may_manage and pending is None else None,
            "handoff_group": handoff_group,
            "handoff_form": bound.get("handoff_form") or HandoffForm(group=handoff_group),
            "cancel_form": bound.get("cancel_form") or ReasonForm(prefix="cancel"),
            "error": bound.get("error", ""),
            "now": timezone.now(),
        },
        status=status,
    )


def _next_group(steps, handoff_step):
    if handoff_step is None:
        return None
    later = [step for step in steps if step.position > handoff_step.position]
    return later[0].group if later else None


@require_POST
def step_complete(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(OnboardingStep.objects.select_related("onboarding__customer"), pk=pk)
    onboarding = step.onboarding
    if not services.may_complete(request.user, step):
        raise PermissionDenied(_("This step is someone else's."))
    form_class = PreferencesStepForm if step.captures_preferences else CompleteStepForm
    form = form_class(request.POST, prefix=f"step-{step.pk}")
    if not form.is_valid():
        return _render_detail(request, _onboarding(onboarding.pk), 400, step_forms={step.pk: form})
    try:
        services.complete_step(
            actor=request.user,
            step=step,
            note=form.cleaned_data["note"],
            preferences=form.preferences() if step.captures_preferences else None,
        )
    except services.OnboardingError as error:
        form.add_error(None, str(error))
        return _render_detail(request, _onboarding(onboarding.pk), 400, step_forms={step.pk: form})
    onboarding.refresh_from_db(fields=["status"])
    if onboarding.status == Onboarding.Status.COMPLETED:
        messages.success(
            request, _("Onboarding complete: the customer is active. A check-in is scheduled.")
        )
    else:
        messages.success(request, _("Done: %(step)s") % {"step": step.title})
    return redirect(onboarding)


@require_POST
def handoff_offer(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(OnboardingStep.objects.select_related("onboarding"), pk=pk)
    onboarding = step.onboarding
    if not services.may_manage(request.user, onboarding):
        raise PermissionDenied(_("Only the owner or a supervisor may hand it over."))
    form = HandoffForm(request.POST, group=services.next_group(step))
    if form.is_valid():
        try:
            services.offer_handoff(
                actor=request.user,
                step=step,
                to_user=form.cleaned_data["to_user"],
                note=form.cleaned_data["note"],
            )
        except services.OnboardingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Offered. You stay accountable until they accept."))
            return redirect(onboarding)
    return _render_detail(request, _onboarding(onboarding.pk), 400, handoff_form=form)


@require_POST
def handoff_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    return answer_handoff(request, services.ONBOARDING_HANDOFFS, pk=pk, answer=answer)


@require_POST
def onboarding_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    onboarding = _onboarding(pk)
    if not services.may_manage(request.user, onboarding):
        raise PermissionDenied(_("Only the owner or a supervisor may cancel."))
    form = ReasonForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            services.cancel_onboarding(
                actor=request.user, onboarding=onboarding, reason=form.cleaned_data["reason"]
            )
        except services.OnboardingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Onboarding cancelled."))
            return redirect(onboarding)
    return _render_detail(request, onboarding, 400, cancel_form=form)
