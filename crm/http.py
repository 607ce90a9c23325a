"""Redirects driven by what a request asks for, kept to pages of this site."""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest) -> str | None:
    """Return the request's ``next`` when it is a page of this site, else None.

    Only a path (or a URL on this host) passes: another site, a scheme other than ours, a line
    break that would split the Location header, and words that are not a path (``next=NaN``,
    which ``redirect()`` would try as a view name) are all refused.
    """
    return safe_target(request, request.POST.get("next") or request.GET.get("next") or "")


def safe_target(request: HttpRequest, target: str) -> str | None:
    """Return the target when it is a page of this site (as ``safe_next`` judges), else None.

    For links Tend stored itself (a notice's path): a row written wrongly must still never send
    the person elsewhere.
    """
    if not target.isprintable():
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    if not urlsplit(target).path.startswith("/"):
        return None
    return target


def redirect_back(request: HttpRequest, *, fallback) -> HttpResponseRedirect:
    """Redirect to the page the action came from when it is ours, else to ``fallback``.

    ``fallback`` is anything ``redirect()`` takes: usually the object acted on.
    """
    return HttpResponseRedirect(safe_next(request) or resolve_url(fallback))
