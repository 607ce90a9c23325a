"""Hostile input to every form and query string of Tend: never a server error, never a way out.

How endpoints are found
- Every case of the permission table (tests/crm/permission_table.py, one row per URL name the
  URL conf walk finds) whose POST someone may send is a POST endpoint here, with the object ids
  of the world (tests/world.py) and the first actor the table allows (staff, other_staff,
  supervisor, owner, then anonymous).
- Every page the table lets someone open is a GET endpoint here; its query parameters are the
  fields of the GET forms that target it (filters, the search box), the parameters of links to it,
  the table's query, and ``page`` and ``next``.
- The fields of a POST endpoint are those of the forms that post to it, found by crawling the
  world as every actor and parsing each page (tests/crm/crawl.py), with the values a person could
  send, overlaid with the table's accepted body; a ``next`` field is added to each.

What is sent
Hypothesis draws, for each request, one to three fields and gives them hostile values (NUL,
100,000 characters, CR/LF, the RTL override, emoji, huge and negative numbers, NaN, Infinity,
1e400, impossible dates, ``next`` values that are no URL or lead elsewhere, empty strings, or
several values at once), the other fields keep valid values. Each request runs in a savepoint
rolled back afterwards. Every response must be below 500, and a redirect must stay on the site;
the failures of an endpoint are collected and reported together, grouped by exception.

Adding an endpoint: give it its row in the permission table and show its form on a page; it is
then fuzzed without more. A 500 found here is fixed in the code, never marked as expected.
"""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.crm.crawl import Field, crawl
from tests.crm.permission_table import ALLOWED, TABLE
from tests.crm.routes import request_as

pytestmark = pytest.mark.django_db

# The order in which an actor is chosen to send an endpoint's requests: whoever the work is of.
PREFERRED_ACTORS = ("staff", "other_staff", "supervisor", "owner", "anonymous")
# Drawn requests per endpoint, after the explicit ones (see explicit_requests).
POST_EXAMPLES = 10
GET_EXAMPLES = 8
GENERIC_QUERY = ("page", "next")

# Kinds of hostile value; each request draws a kind, then a value of that kind.
HOSTILE_KINDS = {
    "NUL": ["\x00", "Bramble\x00Bakery", "\x00" * 10],
    "long": ["x" * 100_000, "é" * 5_000, "a" * 301],
    "line breaks": ["Rosa\r\nBcc: intruder@evil.example", "\r\n", "\n", "a\rb"],
    "unicode": ["\u202egnp.exe", "\U0001f382\U0001f44d\U0001f3fd", "\ufeff", "e\u0301" * 50],
    "huge numbers": ["99999999999999999999999", "2147483648", "9223372036854775808", "1e20"],
    "negative numbers": ["-1", "-0.01", "-99999999999999999999999", "-2147483649"],
    "special floats": ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400"],
    "malformed dates": [
        "2026-02-30",
        "99999-01-01",
        "0000-00-00",
        "2026-02-30T10:00",
        "99999-01-01T10:00",
        "2026-13-45T25:61",
        "25:61",
        "0001-01-01T00:00",
    ],
    "not a safe next": [
        "NaN",
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        "customers:list",
    ],
    "empty": ["", " "],
    "markup": ["<script>alert(1)</script>", "' OR '1'='1", "{{ request }}", "%00"],
}
hostile_value = st.one_of(
    st.sampled_from(sorted(HOSTILE_KINDS)).flatmap(
        lambda kind: st.sampled_from(HOSTILE_KINDS[kind])
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
)


def _first_actor(outcomes) -> str | None:
    return next((actor for actor in PREFERRED_ACTORS if outcomes[actor] == ALLOWED), None)


def _param(kind: str, name: str, index: int, about: str):
    key = f"{kind} {name}[{about}]"
    return pytest.param(name, index, id=key)


def post_endpoints():
    for name, cases in TABLE.items():
        for index, case in enumerate(cases):
            if _first_actor(case.post):
                yield _param("POST", name, index, case.about)


def get_endpoints():
    for name, cases in TABLE.items():
        for index, case in enumerate(cases):
            if _first_actor(case.get):
                yield _param("GET", name, index, case.about)
                break


# --- Discovery -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def discovery(world, django_db_blocker):
    """Crawl the world once for the module: every form and query parameter the pages offer."""
    from django.test import Client

    start_pages = defaultdict(list)
    for name, cases in TABLE.items():
        for case in cases:
            path = reverse(name, kwargs=case.kwargs(world))
            query = "&".join(f"{key}={value}" for key, value in case.query.items())
            for actor, outcome in case.get.items():
                if outcome == ALLOWED:
                    start_pages[actor].append(f"{path}?{query}" if query else path)

    def may_open(actor, url_name):
        return any(case.get[actor] == ALLOWED for case in TABLE.get(url_name, ()))

    with django_db_blocker.unblock():
        # A page that fails is the permission matrix's to report; the crawl goes on.
        return crawl(Client(raise_request_exception=False), world, start_pages, may_open)


def _typed_default(found: Field) -> str:
    """A valid value for an empty field, by its input type."""
    later = timezone.localtime(timezone.now() + timedelta(days=3))
    return {
        "date": f"{later:%Y-%m-%d}",
        "datetime-local": f"{later:%Y-%m-%dT%H:%M}",
        "time": "10:00",
        "number": "1",
        "email": "someone@example.com",
        "tel": "+1 202 555 0142",
    }.get(found.kind, "")


def valid_values(fields: dict[str, Field], accepted: dict) -> dict[str, list]:
    """Return, per field, the values a person could send; the accepted body's value first."""
    values = {}
    for name, found in fields.items():
        options = [value for value in found.values if value != ""] or [_typed_default(found)]
        values[name] = [*(["<absent>"] if found.optional else []), *options]
    for name, value in accepted.items():
        values[name] = [value, *values.get(name, [])]
    values.setdefault("next", ["", "/"])
    return values


# --- Sending -------------------------------------------------------------------------------------


@st.composite
def requests(draw, values: dict[str, list]):
    """A body (or query) with hostile fields, the others valid."""
    names = sorted(values)
    # Often one hostile field in an otherwise valid form, so the value reaches the service and
    # the database; sometimes many at once.
    most = draw(st.sampled_from([1, 1, len(names)]))
    hostile = draw(st.lists(st.sampled_from(names), min_size=1, max_size=most, unique=True))
    body, sent = {}, {}
    for name in names:
        if name in hostile:
            value = draw(hostile_value)
            shape = draw(st.sampled_from(["one", "one", "several", "absent"]))
            if shape == "absent":
                sent[name] = "<absent>"
                continue
            if shape == "several":
                value = [value, draw(st.sampled_from(values[name]))]
            body[name] = value
            sent[name] = value
        else:
            value = draw(st.sampled_from(values[name]))
            if value != "<absent>":
                body[name] = value
    return body, sent


def explicit_requests(values: dict[str, list]) -> list[tuple[dict, dict]]:
    """Requests sent to every endpoint before the drawn ones, so no kind of value is missed.

    Every field at once with the first value of each kind (a field read straight from the
    request meets each kind), and ``next`` alone with each unsafe value in an otherwise valid
    form (the redirect happens only after a valid one).
    """
    requests = []
    for kind_values in HOSTILE_KINDS.values():
        body = dict.fromkeys(values, kind_values[0])
        requests.append((body, body))
    valid = {name: options[0] for name, options in values.items() if options[0] != "<absent>"}
    for unsafe in HOSTILE_KINDS["not a safe next"]:
        requests.append(({**valid, "next": unsafe}, {"next": unsafe}))
    return requests


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}… ({len(text)} characters)"


def run_fuzz(client, user, method: str, path: str, values: dict, examples: int) -> list[str]:
    """Send hostile requests; return the failures, grouped by what went wrong."""
    client.raise_request_exception = False
    problems = defaultdict(list)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(request=requests(values))
    def send(request):
        body, sent = request
        response = request_as(client, user, method, path, body, compare=False)
        fields = ", ".join(f"{name}={_short(value)}" for name, value in sent.items())
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            cause = f"{error[0].__name__}: {str(error[1])[:200]}" if error else "no exception"
            problems[f"{response.status_code} {cause}"].append(fields)
        location = response.get("Location")
        if location and not url_has_allowed_host_and_scheme(location, {"testserver"}):
            problems[f"redirect off the site to {_short(location)}"].append(fields)

    for body, sent in explicit_requests(values):
        send = example(request=(body, sent))(send)
    send()
    return [
        f"{method.upper()} {path}: {cause}\n    e.g. " + "\n    e.g. ".join(examples[:3])
        for cause, examples in problems.items()
    ]


@pytest.mark.parametrize(("name", "index"), list(post_endpoints()))
def test_hostile_posts_never_cause_a_server_error(world, discovery, client, name, index):
    case = TABLE[name][index]
    actor = _first_actor(case.post)
    path = reverse(name, kwargs=case.kwargs(world))
    fields = {}
    for form in discovery.forms_posting_to(path):
        fields.update(form.fields)
    values = valid_values(fields, case.data(world))
    failures = run_fuzz(client, world.actor(actor), "post", path, values, POST_EXAMPLES)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("name", "index"), list(get_endpoints()))
def test_hostile_query_strings_never_cause_a_server_error(world, discovery, client, name, index):
    case = TABLE[name][index]
    actor = _first_actor(case.get)
    path = reverse(name, kwargs=case.kwargs(world))
    fields = {}
    for form in discovery.get_forms_of(name):
        fields.update(form.fields)
    values = valid_values(fields, dict(case.query))
    for param, seen in discovery.query_params.get(name, {}).items():
        values.setdefault(param, []).extend(sorted(seen))
    for param in GENERIC_QUERY:
        values.setdefault(param, ["", "1"])
    failures = run_fuzz(client, world.actor(actor), "get", path, values, GET_EXAMPLES)
    assert not failures, "\n".join(failures)


def test_the_crawl_finds_the_forms_of_every_app(discovery):
    """The discovery itself works: forms of each app, with their fields, are found."""
    posted_to = {form.path.split("/")[1] for form in discovery.forms if form.method == "post"}
    assert {"customers", "followups", "complaints", "onboarding", "accounts"} <= posted_to
    searched = discovery.get_forms_of("crm:search")
    assert searched and "q" in searched[0].fields
    assert discovery.query_params.get("customers:list", {}).keys() or discovery.get_forms_of(
        "customers:list"
    )
