"""The Jinja2 environment of the rows lists repeat: a follow-up, a complaint, a remedy to decide.

A page of rows drawn through the Django template language spends most of its time resolving
variables and tags node by node: a busy person's My day drew 25 rows in 12 ms, 0.7 ms a
follow-up. Jinja2 compiles each template to Python and draws the same rows several times
faster (crm/form_renderer.py does the same for form widgets). Pages stay Django templates; a
row comes in through ``{% row %}`` or ``{% rows %}`` (crm/templatetags/rows.py), and its
template lives in the app's ``jinja2/`` folder.

The environment offers what the Django templates of those rows used, under the same names:
``url()``, ``_()`` with Django's translations (``_("Proposed by %(name)s", name=…)`` has the
msgid ``{% blocktranslate %}`` had), and the filters ``date`` (in the current time zone, as
Django's), ``timesince``, ``timeuntil``, ``truncatechars``, ``floatformat``, ``person``,
``tel`` and ``mailto``.

A core module: it imports no app.
"""

from functools import lru_cache

from django.template import defaultfilters
from django.utils import translation
from django.utils.timezone import template_localtime
from jinja2 import Environment, pass_context

from crm.paths import path_for
from crm.templatetags.reach import mailto, tel
from crm.text import person_name


def url(name: str, *args) -> str:
    """Return the path of a named URL, as ``{% url %}`` (through crm.paths, kept per name)."""
    return path_for(name, *args)


def date(value, format_string=None) -> str:
    """Format a date or time as Django's ``date`` filter does, in the current time zone."""
    if format_string == "c" and value:
        # ISO 8601, a <time> element's datetime: what the filter's "c" gives, without its
        # parsing of the format and its lookups of the language (50 calls a row).
        return template_localtime(value).isoformat()
    return defaultfilters.date(template_localtime(value), format_string)


@pass_context
def gettext(context, message: str) -> str:
    """Return the message in the active language, as Django's gettext, remembered.

    The language is the one ``{% rows %}`` read once for all its rows (``LANGUAGE_CODE``);
    asking Django for it again at each of a row's dozen words was a tenth of the row's work.
    """
    return _translated(context.get("LANGUAGE_CODE") or translation.get_language(), message)


# A row asks for the same few words again and again (25 rows, 170 lookups a My day), and the
# catalogues do not change while the process runs.
@lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def environment(**options) -> Environment:
    # Rows show what customers and staff typed: escaped always, whatever the settings say.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, translation.ngettext, newstyle=True)
    env.globals["url"] = url
    env.filters.update(
        {
            "date": date,
            "timesince": defaultfilters.timesince_filter,
            "timeuntil": defaultfilters.timeuntil_filter,
            "truncatechars": defaultfilters.truncatechars,
            "floatformat": defaultfilters.floatformat,
            "person": person_name,
            "tel": tel,
            "mailto": mailto,
        }
    )
    return env
