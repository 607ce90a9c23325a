"""The people of a customer (contacts), added, edited and removed from the customer's page."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from customers import services
from customers.forms import ContactForm
from customers.models import Contact, Customer


def _contact(customer_pk: int, pk: int) -> Contact:
    """Fetch one of the customer's people, or answer 404 (someone else's too)."""
    return get_object_or_404(
        Contact.objects.select_related("customer"), pk=pk, customer_id=customer_pk
    )


@permission_required("customers.add_contact", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    form = ContactForm(
        request.POST or None, initial={"is_primary": not customer.contacts.exists()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.add_contact(
                actor=request.user, customer=customer, contact=form.save(commit=False)
            )
        except (services.ContactError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": contact})
            return redirect(customer)
    return render(request, "customers/contact_form.html", {"form": form, "customer": customer})


@permission_required("customers.change_contact", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    contact = _contact(pk, contact_pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(actor=request.user, contact=form.save(commit=False))
        except (services.ContactError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your changes to %(name)s were saved.") % {"name": contact}
            )
            return redirect(contact.customer)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "customer": contact.customer, "contact": contact},
    )


@permission_required("customers.delete_contact", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Ask first (GET), then remove (POST)."""
    contact = _contact(pk, contact_pk)
    if request.method == "POST":
        try:
            services.remove_contact(actor=request.user, contact=contact)
        except (services.ContactError, PermissionDenied) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": contact})
        return redirect(contact.customer)
    return render(request, "customers/contact_remove.html", {"contact": contact})
