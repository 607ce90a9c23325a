"""/complaints/remedies/: every remedy proposed, filtered, newest first, a page at a time."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from complaints.filters import RemedyFilter
from complaints.models import Remedy
from crm.paging import keyset_page

PAGE_SIZE = 25


@permission_required("complaints.view_remedy", raise_exception=True)
def remedy_list(request: HttpRequest) -> HttpResponse:
    """Remedies the signed-in person may see, filtered as the reports' links ask."""
    remedies = Remedy.objects.visible_to(request.user).for_list()
    filterset = RemedyFilter(request.GET or None, queryset=remedies)
    # Keyset pages on (proposed_at, id), read backwards from remedy_proposed_idx: the same
    # cost on the first page and the last at any number of remedies; the count stops at 1,000.
    page = keyset_page(request, filterset.qs, size=PAGE_SIZE)
    return render(request, "complaints/remedy_list.html", {"filter": filterset, "page": page})
