"""Walk the URL conf, and what the permission and fuzz suites share: requests and data snapshots.

Tend's own endpoints are every named URL outside the admin (its own apps, the sign-in pages and
whatever a new app adds); the admin's URLs are checked by a rule, not one by one.
"""

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver

ACTORS = ("anonymous", "staff", "other_staff", "supervisor", "owner")
SIGNED_IN = ACTORS[1:]


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    callback: object

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.route.startswith("admin/")


def walk(patterns, prefix="", namespace=""):
    """Yield (route, full url name, callback) for every URL pattern, through every include."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry.callback


def all_routes() -> list[Route]:
    return [Route(*entry) for entry in walk(get_resolver().url_patterns)]


def own_routes() -> list[Route]:
    """Return Tend's own routes: everything but the admin."""
    return [route for route in all_routes() if not route.is_admin]


def own_url_names() -> list[str]:
    return sorted({route.name for route in own_routes()})


# --- Requests -----------------------------------------------------------------------------------


def request_as(client, user, method: str, path: str, data=None, *, compare=True):
    """Send one request as the user (None: signed out) and undo whatever it changed.

    The request runs in a savepoint rolled back afterwards, so every request meets the same
    world; signing in happens inside it too, so a sign-out posted by the request is undone.
    With ``compare``, a POST's response tells in ``data_changed`` whether it wrote anything.
    """
    with transaction.atomic():
        client.cookies.clear()
        if user is not None:
            client.force_login(user)
        before = data_snapshot() if compare and method == "post" else None
        response = getattr(client, method)(path, data or {})
        response.data_changed = before is not None and data_snapshot() != before
        transaction.set_rollback(True)
    client.cookies.clear()
    return response


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    location = response["Location"]
    return location.startswith((f"{resolve_url(settings.LOGIN_URL)}?", "/admin/login/?"))


# --- Did anything change? -----------------------------------------------------------------------


def _own_models():
    """Models of Tend's own apps (apps whose code lives in this repository), history included."""
    base = Path(settings.BASE_DIR)
    own = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base) and "site-packages" not in config.path
    ]
    return [model for config in own for model in config.get_models()]


def data_snapshot() -> list:
    """Return every row of Tend's own tables: equal snapshots mean nothing was written.

    Plain SQL: the world is small, and this runs twice for every POST the suites send.
    """
    quote = connection.ops.quote_name
    rows = []
    with connection.cursor() as cursor:
        for model in _own_models():
            table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")  # noqa: S608 - our own names
            rows.append(cursor.fetchall())
    return rows
