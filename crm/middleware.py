from django.conf import settings
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import QueryDict
from django.middleware import csp

from crm.text import clean_search_text

# Admin pages drawn by third-party templates with inline script or style, matched by the end of
# their URL name: django-simple-history's history list and revert form (`_history`,
# `_simple_history`), django-import-export's import, import confirmation and export pages
# (`_import`, `_process_import`, `_export`). Checked in Chromium by
# tests/browser/test_admin_pages.py; every other page keeps the enforced policy.
REPORT_ONLY_ADMIN_URL_SUFFIXES = (
    "_history",
    "_simple_history",
    "_import",
    "_process_import",
    "_export",
)


def serves_csp_report_only(request) -> bool:
    """Tell whether the request is for an admin page that cannot work under the strict policy."""
    match = getattr(request, "resolver_match", None)
    return bool(
        match
        and match.namespace == "admin"
        and (match.url_name or "").endswith(REPORT_ONLY_ADMIN_URL_SUFFIXES)
    )


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's CSP middleware, sending the policy as report-only on the pages listed above.

    Those pages are reached only by signed-in owners, and browsers still report what the
    policy would have blocked there, so a regression stays visible without breaking the page.
    """

    def process_response(self, request, response):
        # A view that chose its own policy (Django's CSP decorators) keeps it.
        chosen_by_view = hasattr(response, "_csp_config") or hasattr(response, "_csp_ro_config")
        if serves_csp_report_only(request) and not chosen_by_view:
            response._csp_config = {}
            response._csp_ro_config = settings.SECURE_CSP
        return super().process_response(request, response)


def _without_nul(data: QueryDict) -> QueryDict:
    """Return the query data with every NUL removed from its keys and values."""
    if not any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    ):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned


class StripNulMiddleware:
    """Remove NUL characters from the query string and the posted form before any view runs.

    SQLite stores a NUL and PostgreSQL refuses it (a server error), and nobody types one on
    purpose. Form fields alone cannot make the two databases agree: Django's CharField refuses
    NUL, but search boxes, django-filter, the admin's changelist search and filters,
    django-import-export's pages and any view reading ``request.GET`` pass it straight to a
    query. Cleaning the request once, here, covers every view, ours and third-party alike,
    and one written tomorrow. Uploaded file names need nothing: Django's multipart parser
    already drops unprintable characters from them; file contents are the importer's to check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _without_nul(request.GET)
        if request.method == "POST":
            request.POST = _without_nul(request.POST)
        return self.get_response(request)


class CleanAdminSearchMiddleware:
    """Clean the admin changelists' search box as Tend's own search boxes are cleaned.

    The admin reads ``?q=`` itself and hands it to a LIKE per search field: 100,000 characters
    make SQLite refuse the pattern ("LIKE or GLOB pattern too complex"), a server error. Every
    ModelAdmin, ours and third-party, shares the changelist, so the term is cleaned here, with
    the same rule (crm.text.clean_search_text) as everywhere else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match
            and match.namespace == "admin"
            and (match.url_name or "").endswith("_changelist")
            and SEARCH_VAR in request.GET
        ):
            query = request.GET.copy()
            query[SEARCH_VAR] = clean_search_text(query[SEARCH_VAR])
            query._mutable = False
            request.GET = query
