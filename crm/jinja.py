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

from datetime import datetime
from functools import lru_cache

from django.template import defaultfilters
from django.utils import translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.timezone import template_localtime
from jinja2 import Environment, pass_context
from markupsafe import Markup

from crm.paths import path_for
from crm.templatetags.reach import mailto, tel
from crm.text import person_name


def url(name: str, *args) -> str:
    """Return the path of a named URL, as ``{% url %}`` (through crm.paths, kept per name)."""
    return path_for(name, *args)


@pass_context
def date(context, value, format_string=None) -> str:
    """Format a date or time as Django's ``date`` filter does, in the current time zone.

    The formats rows use most ("c", and those of D, d, M, H and i: "D d M, H:i") are put
    together here, the words looked up once per language: the filter parses the format and
    resolves the names anew for every date, 165 calls of a follow-up's row of 1,100. Any
    other format is the filter's.
    """
    if value in (None, ""):
        return ""
    local = template_localtime(value)
    if format_string == "c":
        return local.isoformat()
    if isinstance(local, datetime) and format_string and _is_quick(format_string):
        language = context.get("LANGUAGE_CODE") or translation.get_language()
        return "".join(_quick_piece(local, char, language) for char in format_string)
    return defaultfilters.date(local, format_string)


# Django's format characters (django.utils.dateformat); of them, those put together here.
FORMAT_CHARACTERS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")
QUICK_CHARACTERS = frozenset("DdMHi")


@lru_cache(maxsize=64)
def _is_quick(format_string: str) -> bool:
    return "\\" not in format_string and not (
        set(format_string) & FORMAT_CHARACTERS - QUICK_CHARACTERS
    )


def _quick_piece(moment: datetime, char: str, language: str | None) -> str:
    if char == "D":
        return _weekday_abbreviation(language, moment.weekday())
    if char == "M":
        return _month_abbreviation(language, moment.month)
    if char == "d":
        return f"{moment.day:02d}"
    if char == "H":
        return f"{moment.hour:02d}"
    if char == "i":
        return f"{moment.minute:02d}"
    return char


@lru_cache(maxsize=256)
def _weekday_abbreviation(language: str | None, weekday: int) -> str:
    with translation.override(language):
        return str(WEEKDAYS_ABBR[weekday])


@lru_cache(maxsize=256)
def _month_abbreviation(language: str | None, month: int) -> str:
    with translation.override(language):
        return str(MONTHS_3[month]).title()


@pass_context
def gettext(context, message: str, **variables) -> str:
    """``_("Proposed by %(name)s", name=…)``: the message in the active language, with the
    variables put in escaped, as Jinja's "newstyle" gettext; a message without variables is
    remembered whole.

    The language is the one ``{% rows %}`` read once for all its rows (``LANGUAGE_CODE``);
    asking Django for it at each of a row's dozen words, and marking up and formatting the
    same words again, was a tenth of drawing a row.
    """
    language = context.get("LANGUAGE_CODE") or translation.get_language()
    if not variables:
        return _markup(language, message)
    # Markup: the translation is Tend's own; % escapes the variables put into it.
    return Markup(_translated(language, message)) % variables  # noqa: S704


# A row asks for the same few words again and again (25 rows, 170 lookups a My day), and the
# catalogues do not change while the process runs.
@lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@lru_cache(maxsize=4096)
def _markup(language: str | None, message: str) -> Markup:
    # Formatted even without variables, as Jinja's newstyle gettext does: "%%" is a percent.
    return Markup(_translated(language, message)) % {}  # noqa: S704 - Tend's own catalogue


def environment(**options) -> Environment:
    # Rows show what customers and staff typed: escaped always, whatever the settings say.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, translation.ngettext, newstyle=True)
    # Already newstyle, and quicker than the wrapping Jinja puts around a plain gettext.
    env.globals.update(gettext=gettext, _=gettext)
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
