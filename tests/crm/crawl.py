"""Find every form and query string Tend's pages offer, by crawling the world as each actor.

The crawl starts at every page of the permission table an actor may open, follows the links to
Tend's own pages (the admin is left out) and parses each page with ``html.parser``: every
``<form>`` gives its target, its method and its fields with the values a person could send
(the prefilled value, the options of a select or of radio buttons, a checkbox's value), every
link with a query string gives the names of the parameters it sends. A form a developer adds to
a page is found without telling this module anything.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.urls import Resolver404, resolve

from tests.crm.routes import ACTORS, request_as

PAGES_PER_ACTOR = 120
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "select", "textarea" …
    values: list[str] = field(default_factory=list)  # what a person could send
    optional: bool = False  # a checkbox or a submit button: sent only when used
    multiple: bool = False


@dataclass
class Form:
    method: str
    path: str
    fields: dict[str, Field]
    actor: str
    page: str


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, dict[str, Field]]] = []
        self.links: list[str] = []
        self._fields: dict[str, Field] | None = None
        self._select: Field | None = None
        self._option_value: str | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._fields = {}
            self.forms.append((attrs, self._fields))
        elif self._fields is None:
            return
        elif tag in {"input", "button"}:
            self._input(tag, attrs)
        elif tag == "select":
            self._select = self._field(attrs["name"], "select") if attrs.get("name") else None
            if self._select is not None:
                self._select.multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._select.values.append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = self._field(attrs["name"], "textarea")
            self._textarea.values.append("")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def _field(self, name: str, kind: str) -> Field:
        return self._fields.setdefault(name, Field(name, kind))

    def _input(self, tag, attrs):
        name = attrs.get("name")
        if not name or name in SKIPPED_FIELDS:
            return
        kind = attrs.get("type", "submit" if tag == "button" else "text").lower()
        found = self._field(name, kind)
        value = attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")
        if kind in {"checkbox", "submit"}:
            found.optional = True
            found.multiple = found.multiple or (kind == "checkbox" and bool(found.values))
        found.values.append(value)


@dataclass
class Discovery:
    forms: list[Form] = field(default_factory=list)
    # url name -> parameter -> values seen in links
    query_params: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def forms_posting_to(self, path: str) -> list[Form]:
        return [form for form in self.forms if form.method == "post" and form.path == path]

    def get_forms_of(self, url_name: str) -> list[Form]:
        return [
            form
            for form in self.forms
            if form.method == "get" and url_name_of(form.path) == url_name
        ]


def url_name_of(path: str) -> str | None:
    """Return the full URL name of one of Tend's own paths; None for the admin or elsewhere."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.namespace == "admin" else match.view_name


def crawl(client, world, start_pages: dict[str, list[str]], may_open) -> Discovery:
    """Crawl from each actor's start pages (paths with their query strings).

    ``may_open(actor, url_name)`` tells whether the actor may open pages of that name, so the
    crawl stays on pages that answer 200.
    """
    found = Discovery()
    seen_forms = set()
    for actor in ACTORS:
        queue = list(start_pages.get(actor, []))
        visited = set()
        while queue and len(visited) < PAGES_PER_ACTOR:
            page = queue.pop(0)
            path, query = _split(page)
            if path in visited:
                continue
            visited.add(path)
            response = request_as(client, world.actor(actor), "get", path, query)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = PageParser()
            parser.feed(response.content.decode())
            for attrs, fields in parser.forms:
                method = attrs.get("method", "get").lower()
                target, _query = _split(urljoin(path, attrs.get("action") or path))
                key = (method, target, frozenset(fields))
                if key not in seen_forms and url_name_of(target):
                    seen_forms.add(key)
                    found.forms.append(Form(method, target, fields, actor, path))
            for href in parser.links:
                absolute = urljoin(path, href)
                if urlsplit(absolute).netloc:
                    continue
                target, params = _split(absolute)
                name = url_name_of(target)
                if name is None:
                    continue
                for param, value in params.items():
                    found.query_params.setdefault(name, {}).setdefault(param, set()).add(value)
                if may_open(actor, name):
                    queue.append(target)
    return found


def _split(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
