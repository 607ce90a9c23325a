"""The permission matrix: every URL of Tend, GET and POST, as every actor, against a table.

How it works
- tests/crm/routes.py walks the URL conf through every include. Every named URL outside the
  admin is Tend's own and needs a row in TABLE (tests/crm/permission_table.py); a URL found
  without a row fails ``test_every_url_has_a_row_in_the_permission_table``.
- Each case of a row fills the URL with real ids from the world (tests/world.py: a customer with
  a contact and a callback owned by ``staff``, complaints of ``staff`` in every status, a remedy
  awaiting approval, handoffs offered to ``other_staff``, onboardings with steps …), then sends
  GET and POST (with the case's body) as anonymous, staff, other_staff, supervisor and owner,
  each in a savepoint rolled back afterwards, and compares what happened with the table: the
  status code, where a redirect goes, and for a POST whether Tend's data changed.
- The admin is checked by one rule instead of a row per URL: anonymous visitors are sent to the
  admin's sign-in, people without ``is_staff`` get its sign-in page, owners get every registered
  model's changelist, add page and one change page (as the ModelAdmin's permissions say).
- A missing object is a 404 for every URL with an id.

Adding an endpoint: add a row (or a case) to TABLE saying what each actor gets. If today's code
allows something it must not, declare the right outcome and fix the code: the table says what
must be, never what happens to be.
"""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.crm.permission_table import TABLE, Case, Outcome
from tests.crm.routes import ACTORS, SIGNED_IN, is_login_redirect, own_routes, request_as

pytestmark = pytest.mark.django_db


def _params():
    for name, cases in TABLE.items():
        for index, case in enumerate(cases):
            for method in ("get", "post"):
                yield pytest.param(name, index, method, id=f"{name}[{case.about}]-{method}")


def describe(response) -> str:
    text = str(response.status_code)
    if response.has_header("Location"):
        text += f" → {response['Location']}"
    if getattr(response, "data_changed", False):
        text += ", data changed"
    return text


def matches(outcome: Outcome, response, *, method: str, case: Case) -> bool:
    status = response.status_code
    changed = response.data_changed
    match outcome:
        case Outcome.ALLOWED:
            if method == "get":
                return status == 200
            done = status < 300 or (status < 400 and not is_login_redirect(response))
            return done and (changed or not case.changes)
        case Outcome.FORBIDDEN:
            return status == 403 and not changed
        case Outcome.REFUSED:
            return status < 500 and not is_login_redirect(response) and not changed
        case Outcome.LOGIN:
            return is_login_redirect(response) and not changed
        case Outcome.REDIRECT:
            return 300 <= status < 400 and not is_login_redirect(response) and not changed
        case Outcome.NOT_FOUND:
            return status == 404 and not changed
        case Outcome.NOT_ALLOWED:
            return status == 405 and not changed
    raise AssertionError(outcome)


@pytest.mark.parametrize(("name", "index", "method"), list(_params()))
def test_each_actor_gets_what_the_permission_table_says(world, client, name, index, method):
    case = TABLE[name][index]
    path = reverse(name, kwargs=case.kwargs(world))
    expected = case.get if method == "get" else case.post
    data = dict(case.query) if method == "get" else case.data(world)
    client.raise_request_exception = False
    failures = []
    for actor in ACTORS:
        response = request_as(client, world.actor(actor), method, path, data)
        if not matches(expected[actor], response, method=method, case=case):
            failures.append(
                f"{method.upper()} {path} ({name}, {case.about}) as {actor}: "
                f"expected {expected[actor].value}, got {describe(response)}"
            )
    assert not failures, "\n".join(failures)


def test_every_url_has_a_row_in_the_permission_table():
    unnamed = [route.route for route in own_routes() if not route.name]
    assert not unnamed, f"Name these URLs so the permission table can refer to them: {unnamed}"
    missing = sorted({route.name for route in own_routes()} - set(TABLE))
    assert not missing, (
        f"No row in tests/crm/permission_table.py TABLE for {missing}: add one saying what "
        "anonymous, staff, other_staff, supervisor and owner get from GET and POST."
    )


def test_every_row_of_the_permission_table_names_a_url():
    stale = sorted(set(TABLE) - {route.name for route in own_routes()})
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def _missing_object_params():
    for route in own_routes():
        if "<int:" in route.route:
            yield pytest.param(route.name, id=route.name)


@pytest.mark.parametrize("name", list(_missing_object_params()))
def test_a_missing_object_is_not_found(world, client, name):
    case = TABLE[name][0]
    kwargs = {
        key: 2_000_000_000 if isinstance(value, int) else value
        for key, value in case.kwargs(world).items()
    }
    path = reverse(name, kwargs=kwargs)
    failures = []
    for actor in SIGNED_IN:
        # Someone refused the action on every object (a permission checked before the lookup)
        # may hear 403 instead: either way nothing is revealed and nothing changes.
        expected = {404, 403} if case.post[actor] is Outcome.FORBIDDEN else {404}
        response = request_as(client, world.actor(actor), "post", path, case.data(world))
        if response.status_code not in expected or response.data_changed:
            failures.append(
                f"POST {path} as {actor}: expected {sorted(expected)}, got {describe(response)}"
            )
    assert not failures, "\n".join(failures)


# --- The admin, by rule -----------------------------------------------------------------------


def admin_pages():
    """Every registered model's changelist and add page, and one change page where rows exist."""
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield (
            f"{model._meta.label} changelist",
            model,
            reverse("admin:{}_{}_changelist".format(*info)),
        )
        yield f"{model._meta.label} add", model, reverse("admin:{}_{}_add".format(*info))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield (
                f"{model._meta.label} change",
                model,
                reverse("admin:{}_{}_change".format(*info), args=[first.pk]),
            )


def owner_may_open(model, path: str, owner) -> bool:
    """Ask the ModelAdmin, as the admin itself does, whether the owner may open the page."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get(path)
    request.user = owner
    if path.endswith("/add/"):
        return model_admin.has_add_permission(request)
    return model_admin.has_view_or_change_permission(request)


def test_the_admin_lets_in_owners_only(world):
    client = Client(raise_request_exception=False)
    failures = []
    pages = list(admin_pages())
    assert len(pages) >= 3 * 10, "the admin's registry looks empty"
    for about, model, path in pages:
        expected = {
            "anonymous": "sign-in redirect",
            **dict.fromkeys(("staff", "other_staff", "supervisor"), "sign-in redirect"),
            "owner": "200" if owner_may_open(model, path, world.owner) else "403",
        }
        for actor in ACTORS:
            response = request_as(client, world.actor(actor), "get", path)
            got = "sign-in redirect" if is_login_redirect(response) else str(response.status_code)
            if got != expected[actor]:
                failures.append(
                    f"GET {path} ({about}) as {actor}: expected {expected[actor]}, "
                    f"got {describe(response)}"
                )
    assert not failures, "\n".join(failures)


def test_the_admin_sign_in_page_turns_away_people_without_admin_access(world):
    client = Client()
    for actor in ("staff", "other_staff", "supervisor"):
        response = request_as(client, world.actor(actor), "get", reverse("admin:login"))
        assert response.status_code == 200, actor
        assert b"not authorized to access this page" in response.content, actor
