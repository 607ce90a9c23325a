"""Only sign-in, password reset and /healthz are open without signing in; walk the URL conf."""

import re

import pytest
from django.urls import get_resolver

from tests.crm.routes import walk

# Pages open to anonymous visitors, each on purpose: adding one here is a security decision.
PUBLIC = {
    "login",
    "healthz",
    "admin:login",
    # Self-service password reset: asking for a link, "check your email", the emailed link
    # (its token is the credential) and "password changed".
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # The customer's check-in survey: its signed link is the credential (complaints/survey.py).
    "survey:answer",
    # The mail provider's inbound webhook: Mailgun's signature is the credential.
    "mailgun_inbound",
    "mailgun_inbound_mime",
}
SAMPLE_ARGUMENT = {"int": "1", "str": "x", "slug": "x", "uuid": "0" * 32, "path": "x"}


def sample_path(route: str) -> str | None:
    """Fill a route's converters with sample values; None for regular expressions."""
    if route.startswith("^") or "(?P" in route:
        return None
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGUMENT[m.group(1) or "str"], route)
    return "/" + path


ROUTES = list(walk(get_resolver().url_patterns))


def test_the_walk_finds_the_pages_of_every_app():
    names = {name for _, name, _ in ROUTES}
    expected = {"crm:my_day", "customers:list", "followups:list", "complaints:list"}
    assert expected | {"onboarding:list", "crm:reports", "admin:index"} <= names


@pytest.mark.parametrize(("route", "name", "callback"), ROUTES, ids=[r[0] for r in ROUTES])
def test_anonymous_visitors_are_sent_to_sign_in(client, route, name, callback, db):
    if name in PUBLIC:
        # Public by the view's own mark (login_not_required), which LoginRequiredMiddleware reads.
        assert getattr(callback, "login_required", True) is False, name
        return
    path = sample_path(route)
    if path is None:
        # Only the admin's catch-all is a regular expression; the admin guards its own views.
        assert route.startswith("admin/"), route
        return
    response = client.get(path)
    assert response.status_code == 302, route
    # The admin's index sends visitors to the admin's sign-in page, everything else to Tend's.
    assert response.url.startswith(("/accounts/login/?next=", "/admin/login/?next=")), route


def test_public_pages_answer_without_sign_in(client, db):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/password-reset/").status_code == 200
    assert client.get("/accounts/password-reset/done/").status_code == 200
    assert client.get("/accounts/reset/MQ/not-a-token/").status_code == 200
    assert client.get("/accounts/reset/done/").status_code == 200


def test_every_public_page_is_in_the_url_conf():
    assert {name for _, name, _ in ROUTES} >= PUBLIC
