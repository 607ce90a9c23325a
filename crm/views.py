from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import accounts, dashboard, inbox, lockout, notices
from crm.forms import MarkAllReadForm, PasswordResetRequestForm
from crm.headlines import owner_tiles
from crm.http import safe_target
from crm.models import Notice, WorkerHeartbeat
from crm.search import only_match
from crm.search import search as search_groups
from crm.text import SearchField


class SearchForm(forms.Form):
    q = SearchField()


def my_day(request: HttpRequest) -> HttpResponse:
    """The signed-in person's work for today, gathered from every app."""
    sections = dashboard.sections_for(request.user)
    context = {
        "sections": sections,
        "failed_notices": dashboard.failed_notice_count(request.user),
        "business_hours": dashboard.untuned_business_hours(request.user),
        "tiles": owner_tiles(request.user),
        "now": timezone.now(),
    }
    # Counted with the unread notices section: the badge is spared its own query, unless
    # the section stopped counting ("100+") and the badge must count them all.
    unread = inbox.unread_total(sections)
    if unread is not None:
        context["unread_notice_count"] = unread
    return render(request, "crm/my_day.html", context)


def notice_list(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notices, newest first, a page at a time."""
    inbox_page = inbox.page_of_notices(request)
    return render(
        request,
        "crm/notices.html",
        {
            "page": inbox_page.page,
            # Known already: the navigation's badge is spared its own query.
            "unread_notice_count": inbox_page.unread,
            "mark_all_form": MarkAllReadForm(initial={"up_to": inbox_page.newest_id}),
        },
    )


@require_http_methods(["GET", "POST"])
def notice_open(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark one of the person's notices read and go to what it is about.

    A plain link (GET), so it opens like any other, in a new tab too: marking one's own notice
    read changes nothing anyone else sees, and doing it twice keeps the first time. A form may
    POST to it as well. Someone else's notice is not found, whoever asks.
    """
    notice = get_object_or_404(Notice.objects.addressed_to(request.user), pk=pk)
    notice.mark_read()
    # The path was stored by Tend, but a row written wrongly must not lead off the site.
    return HttpResponseRedirect(safe_target(request, notice.path) or reverse("crm:notices"))


@require_POST
def notices_mark_all_read(request: HttpRequest) -> HttpResponseRedirect:
    """Mark the person's notices read, up to the newest the page showed them."""
    form = MarkAllReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("crm:notices")
    count = inbox.mark_all_read(user=request.user, up_to=form.cleaned_data["up_to"])
    messages.success(
        request,
        ngettext("%(count)d notice marked read.", "%(count)d notices marked read.", count)
        % {"count": count},
    )
    return redirect("crm:notices")


def search(request: HttpRequest) -> HttpResponse:
    """Search across Tend from the box in the navigation bar, a bounded group per kind."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    groups = search_groups(request.user, query)
    if (found := only_match(groups)) is not None:
        # One match is what the person is looking for (a customer, C-000009): go straight there.
        return redirect(found)
    archived_query = urlencode({"q": query, "archived": "include"})
    return render(
        request,
        "crm/search.html",
        {
            "query": query,
            "groups": groups,
            "customers": next((g.rows for g in groups if g.key == "customers"), []),
            "found_any": any(group.rows for group in groups),
            "archived_query": archived_query,
        },
    )


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
