"""``{% filter_fields form %}``: a list's filter fields, drawn once and then kept.

A list page's filters are the same few selects on every request, yet drawing them through
crispy-forms cost 12-16 ms of a 50 ms page (each option of each select is a template of its
own). The HTML depends only on the fields, what was typed into them, their choices and the
language, so it is kept in the cache under a digest of exactly those, and a change of any of
them (a new member of staff in an owner select, another filter) draws it afresh.

A core module: it imports no app.
"""

import hashlib

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Long enough to serve every request of a busy morning, short enough that a changed template
# shows within minutes of a deploy without a cache flush.
KEPT_SECONDS = 300


@register.simple_tag
def filter_fields(form, *names: str) -> str:
    """Draw the named fields of a filter form (all of them when none is named), in columns."""
    fields = [form[name] for name in names] if names else list(form)
    key = _cache_key(form, fields)
    html = cache.get(key)
    if html is None:
        html = render_to_string("partials/filter_fields.html", {"fields": fields})
        cache.set(key, html, KEPT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes


def _cache_key(form, fields) -> str:
    digest = hashlib.sha256()
    digest.update(f"{type(form).__module__}.{type(form).__qualname__}|{get_language()}".encode())
    for field in fields:
        digest.update(f"|{field.html_name}={_typed(form, field)!r}".encode())
        choices = getattr(field.field, "choices", None)
        if choices is not None:
            # Read once (a model choice field queries), and drawn from the same list. Through
            # iter(): list() of a model choice iterator first counts its rows, a second query.
            choices = field.field.choices = list(iter(choices))
            # str() of each value: a model choice's value object has no stable repr.
            digest.update(repr([(str(value), str(label)) for value, label in choices]).encode())
    return f"tend:filter-fields:{digest.hexdigest()}"


def _typed(form, field) -> list[str]:
    """Return what the request holds for the field: every value, as typed."""
    if not form.is_bound:
        return []
    getlist = getattr(form.data, "getlist", None)
    return getlist(field.html_name) if getlist else [form.data.get(field.html_name)]
