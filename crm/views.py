from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm import dashboard
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
        {"sections": dashboard.sections_for(request.user), "now": timezone.now()},
    )


def search(request: HttpRequest) -> HttpResponse:
    """Search across Tend from the box in the navigation bar."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    customers = (
        list(Customer.objects.search(query).select_related("account_owner")[:SEARCH_LIMIT])
        if query
        else []
    )
    if len(customers) == 1:
        # One match is the customer the person is looking for: go straight there.
        return redirect(customers[0])
    return render(request, "crm/search.html", {"query": query, "customers": customers})


def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/reports.html")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page django-axes shows in place of the login form once a login is locked out."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(
        request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 when it does not; for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        last_beat = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at").first()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    worker_age = round((timezone.now() - last_beat[0]).total_seconds()) if last_beat else None
    return JsonResponse({"status": "ok", "database": "ok", "worker_last_seen_seconds": worker_age})
