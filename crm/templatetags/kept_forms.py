"""Forms drawn through crispy-forms once, then kept: ``{% kept_form form %}`` for an empty
form, ``{% kept_fields form "name" ... %}`` for some of its fields, ``{% filter_fields form %}``
for a list's filters.

crispy-forms draws each field, and each option of a select, through templates of its own: a
list page's filters cost 12-16 ms of a 50 ms page, and the seven empty action forms of a
complaint page more than half of its drawing. Their HTML depends only on what is in the
digest below: each field's name, label, help, value (what was typed, or else the initial
value), choices, widget and the attributes the field gives it, and the language. So it is
kept in the cache under that digest, and any change to one of them (a new member of staff in
an owner select, another initial value, a limit in the help text) draws it afresh. A form
showing errors is always drawn: it is bound, and rare.

A core module: it imports no app.
"""

import hashlib

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import template
from django.core.cache import cache
from django.forms import Widget
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Long enough to serve every request of a busy morning, short enough that a changed template
# shows within minutes of a deploy without a cache flush.
KEPT_SECONDS = 300


@register.simple_tag
def kept_form(form) -> str:
    """Draw the form as ``{{ form|crispy }}`` does; an unbound one is drawn once and kept."""
    key = None if form.is_bound else _cache_key("form", form, list(form))
    if key is None:
        return as_crispy_form(form)
    html = cache.get(key)
    if html is None:
        html = as_crispy_form(form)
        cache.set(key, html, KEPT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes


@register.simple_tag
def kept_fields(form, *names: str) -> str:
    """Draw the named fields as ``{{ field|as_crispy_field }}`` does, one after the other; of
    an unbound form they are drawn once and kept."""
    fields = [form[name] for name in names]
    key = None if form.is_bound else _cache_key("fields", form, fields)
    html = None if key is None else cache.get(key)
    if html is None:
        html = "".join(as_crispy_field(field) for field in fields)
        if key is not None:
            cache.set(key, html, KEPT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes


@register.simple_tag
def filter_fields(form, *names: str) -> str:
    """Draw the named fields of a filter form (all of them when none is named), in columns."""
    fields = [form[name] for name in names] if names else list(form)
    key = _cache_key("filter-fields", form, fields)
    html = None if key is None else cache.get(key)
    if html is None:
        html = render_to_string("partials/filter_fields.html", {"fields": fields})
        if key is not None:
            cache.set(key, html, KEPT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes


def _cache_key(kind: str, form, fields) -> str | None:
    """Return the key the fields' HTML is kept under, or None when it cannot be told apart
    from another drawing's (a value shown only by its address in memory)."""
    form_class = type(form)
    state = repr(
        [
            f"{form_class.__module__}.{form_class.__qualname__}",
            get_language(),
            form.prefix,
            form.auto_id,
            form.use_required_attribute,
            form.label_suffix,
            *(_field_state(form, field) for field in fields),
        ]
    )
    if " at 0x" in state:
        return None
    return f"tend:{kind}:{hashlib.sha256(state.encode()).hexdigest()}"


def _field_state(form, field) -> tuple:
    """Return all that the field's HTML is drawn from."""
    widget = field.field.widget
    choices = getattr(field.field, "choices", None)
    if choices is not None:
        # Read once (a model choice field queries), and drawn from the same list.
        choices = field.field.choices = _listed(choices)
        # str() of each value: a model choice's value object has no stable repr.
        choices = [(str(value), str(label)) for value, label in choices]
    return (
        field.html_name,
        str(field.label),
        str(field.help_text),
        field.field.required,
        field.field.disabled,
        field.field.show_hidden_initial,
        _stable(widget),
        _stable(field.field.widget_attrs(widget)),
        _typed(form, field) if form.is_bound else _stable(field.value()),
        choices,
        [str(error) for error in field.errors],
    )


def _listed(choices) -> list:
    """Return a field's choices as a list; a model choice field's rows in one plain query.

    Through iter(): list() of a model choice iterator first counts its rows, a second query.
    And its rows not through QuerySet.iterator(), which on PostgreSQL is a server-side cursor,
    declared, fetched and closed: three round trips for a dozen people or categories (a list
    page's filters paid about 2 ms a select).
    """
    if isinstance(choices, ModelChoiceIterator):
        choices.queryset = _ReadRows(choices.queryset)
    return list(iter(choices))


class _ReadRows(list):
    """A queryset's rows, read at once, in the place of the queryset a model choice iterator
    reads (Django's own and django-filter's, which adds the "none" choice)."""

    _prefetch_related_lookups = ()

    def iterator(self):
        return iter(self)


def _stable(value):
    """Return the value with widgets as their settings, lazy translations and model choices
    as text, functions by name and dictionaries in key order, so that equal states have equal
    reprs."""
    if isinstance(value, dict):
        return sorted((str(key), _stable(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return [_stable(item) for item in value]
    if isinstance(value, Widget):
        # Its type and settings (format, attributes, the widgets inside it); its choices are
        # the field's, digested with them.
        settings = {
            name: item for name, item in vars(value).items() if name not in ("choices", "_choices")
        }
        return [type(value).__qualname__, _stable(settings)]
    if isinstance(value, Promise | ModelChoiceIteratorValue):
        return str(value)
    if callable(value):
        # A widget's check_test and the like: the function, not where it sits in memory.
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    return value


def _typed(form, field) -> list[str]:
    """Return what the request holds for the field: every value, as typed."""
    getlist = getattr(form.data, "getlist", None)
    return getlist(field.html_name) if getlist else [form.data.get(field.html_name)]
