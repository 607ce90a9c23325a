from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm.paging import keyset_page
from customers import services
from customers.extensions import actions_for, health_for, timeline_for
from customers.filters import CustomerFilter
from customers.forms import ArchiveCustomerForm, CustomerForm, FollowUpForm, InteractionForm
from customers.models import Customer

PAGE_SIZE = 25
TIMELINE_LIMIT = 300


def _customer(pk: int) -> Customer:
    return get_object_or_404(
        Customer.objects.select_related("account_owner", "referred_by", "archived_by"), pk=pk
    )


@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    customers = Customer.objects.select_related("account_owner")
    # The filter leaves archived customers out unless asked for them.
    filterset = CustomerFilter(request.GET or None, queryset=customers)
    listed = filterset.qs
    # Ordered as asked only when the filter understood the order (an unknown one is ignored).
    if not (filterset.is_bound and filterset.form.cleaned_data.get("order")):
        listed = listed.by_name()
    page = keyset_page(request, listed, size=PAGE_SIZE)
    return render(request, "customers/customer_list.html", {"filter": filterset, "page": page})


@permission_required("customers.add_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["confirmed_new"]:
            duplicates = services.find_duplicates(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
            )
        if not duplicates:
            customer = services.create_customer(
                actor=request.user, customer=form.save(commit=False)
            )
            messages.success(request, _("%(name)s was added.") % {"name": customer})
            return redirect(customer)
        # Saving again now is a deliberate choice, made after seeing the possible duplicates.
        data = request.POST.copy()
        data["confirmed_new"] = "1"
        form.data = data
    return render(
        request, "customers/customer_form.html", {"form": form, "duplicates": duplicates}
    )


@permission_required("customers.change_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data["version"] or 0
        try:
            services.update_customer(
                actor=request.user, customer=form.save(commit=False), expected_version=expected
            )
        except services.StaleEditError as error:
            current = Customer.objects.get(pk=pk)
            form.add_error(
                None,
                _(
                    "%(error)s Nothing of yours was saved. Your changes are still below: check "
                    "the current record, then save again to overwrite it."
                )
                % {"error": error},
            )
            # Saving again is now a deliberate choice made after seeing the warning.
            data = request.POST.copy()
            data["version"] = current.version
            form.data = data
        else:
            messages.success(
                request, _("Your changes to %(name)s were saved.") % {"name": customer}
            )
            return redirect(customer)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "may_archive": request.user.has_perm(services.ARCHIVE_CUSTOMER),
            "contacts": list(customer.contacts.all()),
            "actions": actions_for(customer, request.user),
            "health": health_for(customer),
            "timeline": timeline_for(customer, TIMELINE_LIMIT),
        },
    )


@permission_required("customers.add_interaction", raise_exception=True)
@require_http_methods(["GET", "POST"])
def log_interaction(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = InteractionForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _interaction, callback = services.log_interaction(
            actor=request.user,
            customer=customer,
            channel=data["channel"],
            direction=data["direction"],
            contact=data["contact"],
            summary=data["summary"],
            what_we_heard=data["what_we_heard"],
            is_positive=data["is_positive"],
            needs_callback=data["needs_callback"],
        )
        if callback:
            due = timezone.localtime(callback.due_at)
            messages.success(
                request,
                _("Logged. Promise the call back by %(due)s; it is on your list.")
                % {"due": f"{due:%a %d %b, %H:%M}"},
            )
        else:
            messages.success(request, _("Logged."))
        return redirect(customer)
    promise_by = timezone.localtime(services.callback_due_at(timezone.now()))
    return render(
        request,
        "customers/interaction_form.html",
        {"form": form, "customer": customer, "promise_by": promise_by},
    )


@permission_required("customers.add_followup", raise_exception=True)
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = FollowUpForm(request.POST or None, initial={"owner": request.user, "kind": "promise"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_follow_up(
                actor=request.user,
                customer=customer,
                owner=data["owner"],
                kind=data["kind"],
                subject=data["subject"],
                due_at=data["due_at"],
                promised_to_customer=data["promised_to_customer"],
                channel=data["channel"],
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Follow-up added."))
            return redirect(customer)
    return render(request, "customers/followup_form.html", {"form": form, "customer": customer})


@permission_required(services.ARCHIVE_CUSTOMER, raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_archive(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = ArchiveCustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_customer(
                actor=request.user, customer=customer, reason=form.cleaned_data["reason"]
            )
        except services.ArchiveError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s was archived with their history. Restore them from their page.")
                % {"name": customer},
            )
            return redirect(customer)
    return render(request, "customers/customer_archive.html", {"form": form, "customer": customer})


@permission_required(services.ARCHIVE_CUSTOMER, raise_exception=True)
@require_POST
def customer_restore(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    try:
        services.restore_customer(actor=request.user, customer=customer)
    except services.ArchiveError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is back in the customer list.") % {"name": customer})
    return redirect(customer)
