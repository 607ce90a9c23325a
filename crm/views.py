from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm import accounts, dashboard, lockout, notices
from crm.forms import PasswordResetRequestForm
from crm.models import WorkerHeartbeat
from crm.text import SearchField
from customers.models import Customer

SEARCH_LIMIT = 25


class SearchForm(forms.Form):
    q = SearchField()


def my_day(request: HttpRequest) -> HttpResponse:
    """The signed-in person's work for today, gathered from every app."""
    return render(
        request,
        "crm/my_day.html",
        {
            "sections": dashboard.sections_for(request.user),
            "failed_notices": dashboard.failed_notice_count(request.user),
            "now": timezone.now(),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """Search across Tend from the box in the navigation bar."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    # Archived customers are set aside: the customer list finds them when asked (see the link).
    customers = (
        list(
            Customer.objects.current()
            .search(query)
            .by_name()
            .select_related("account_owner")[:SEARCH_LIMIT]
        )
        if query
        else []
    )
    if len(customers) == 1:
        # One match is the customer the person is looking for: go straight there.
        return redirect(customers[0])
    archived_query = urlencode({"q": query, "archived": "include"})
    return render(
        request,
        "crm/search.html",
        {"query": query, "customers": customers, "archived_query": archived_query},
    )


def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/reports.html")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page django-axes shows in place of the login form once a login is locked out."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {
        "cooloff_minutes": minutes,
        # Either this username from here, or (many usernames tried) everything from here.
        "address_locked_out": not lockout.username_locked_out(request, credentials),
    }
    return render(request, "registration/locked_out.html", context, status=429)


@login_not_required
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a password-reset link; the answer never tells whether the address is known."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.request_password_reset(
                email=form.cleaned_data["email"], ip_address=get_client_ip_address(request)
            )
        except accounts.TooManyResetRequests:
            minutes = round(settings.PASSWORD_RESET_WINDOW.total_seconds() / 60)
            form.add_error(
                None,
                _(
                    "Too many password reset requests from here or for this address. "
                    "For safety, please try again in %(minutes)d minutes."
                )
                % {"minutes": minutes},
            )
            return render(request, "registration/reset_form.html", {"form": form}, status=429)
        return redirect("password_reset_done")
    return render(request, "registration/reset_form.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page for choosing the new password, which also lifts a sign-in lockout.

    The person has just proved who they are through their mailbox, so the failures recorded
    against their username (very likely their own forgotten password) need not keep them out.
    """

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.forget_failures(username=form.user.get_username())
        return response


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 when it does not; for load balancers.

    Also reports when a worker was last seen and how the notices outbox is doing.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        last_beat = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at").first()
        outbox = notices.outbox_health()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    worker_age = round((timezone.now() - last_beat[0]).total_seconds()) if last_beat else None
    # Notices failed or waiting too long say that mail is not going out; the site still works,
    # so they are reported for monitoring and leave the status 200.
    return JsonResponse(
        {"status": "ok", "database": "ok", "worker_last_seen_seconds": worker_age, **outbox}
    )
