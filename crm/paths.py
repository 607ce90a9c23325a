"""``path_for("followups:detail", 12)``: the path of a named URL whose arguments are record
numbers, as ``reverse()`` gives it, reversed once per URL name and then filled in.

Every row of a list links to its record and its customer, and posts its one-tap forms to
paths of their own: a busy person's My day asked ``reverse()`` for 66 paths, and each one
matched its candidates against the URL pattern again. Here the first call for a name reverses
it with stand-in numbers and keeps the path with their places marked; later calls only put
the numbers in. Anything but non-negative whole numbers, and a name whose pattern refuses the
stand-ins, goes through ``reverse()`` every time.

A core module: it imports no app.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Numbers no record reaches and no path holds otherwise; each argument gets its own.
STAND_IN = 7_350_918_264_000


def path_for(name: str, *numbers) -> str:
    """Return the path of the named URL for these record numbers, as reverse() would."""
    if all(type(number) is int and number >= 0 for number in numbers):
        where = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
        template = _template(name, len(numbers), *where)
        if template is not None:
            return template % numbers
    return reverse(name, args=numbers)


# Keyed by what reverse() reads besides the name: the URLconf (this thread's, else the site's),
# the prefix the site is served under and the language (translated patterns).
@lru_cache(maxsize=1024)
def _template(name: str, count: int, urlconf, prefix: str, language: str | None) -> str | None:
    stand_ins = [STAND_IN + place for place in range(count)]
    try:
        path = reverse(name, args=stand_ins, urlconf=urlconf)
    except NoReverseMatch:
        return None
    template = path.replace("%", "%%")
    for stand_in in stand_ins:
        # Each in its place once, in the order given (positional arguments fill a pattern
        # from the left); anything else is left to reverse().
        if template.count(str(stand_in)) != 1:
            return None
        template = template.replace(str(stand_in), "%d")
    if stand_ins != sorted(stand_ins, key=lambda stand_in: path.index(str(stand_in))):
        return None
    return template
