"""What Tend accepts as text from people: one search cleaner, one single-line rule, one way of
naming a person. Used by every app; imports none of them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Longer than any name, phone or email anyone searches for, and far below SQLite's limit on a
# LIKE pattern (50,000 bytes) that a pasted page of text would otherwise reach.
SEARCH_MAX_LENGTH = 100

# The fewest characters a search for words in a title or text runs with: a trigram index
# (pg_trgm) serves LIKE '%…%' only from three characters; shorter, it reads the whole index.
SEARCH_MIN_WORDS = 3

# Every character str.splitlines() breaks on: a mail header or a CSV cell treats them as breaks.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def clean_search_text(text: str) -> str:
    """Return search input fit for a query.

    Control and other unprintable characters (NUL among them) become spaces, runs of blanks
    collapse to one, and the result is cut to ``SEARCH_MAX_LENGTH`` characters.
    """
    printable = "".join(char if char.isprintable() else " " for char in str(text or ""))
    return " ".join(printable.split())[:SEARCH_MAX_LENGTH].rstrip()


def searches_words(query: str) -> bool:
    """Tell whether a cleaned query is long enough to look for in titles and texts."""
    return len(query) >= SEARCH_MIN_WORDS


def validate_single_line(value) -> None:
    """Refuse a line break in text shown and sent on one line (names, phones, subjects)."""
    if value and any(char in LINE_BREAKS for char in str(value)):
        raise ValidationError(
            _("Keep this on one line: remove the line breaks."), code="line_break"
        )


class SingleLineField(forms.CharField):
    """A plain form's one-line text box; model fields carry ``validate_single_line`` instead."""

    default_validators = [validate_single_line]


class SearchField(forms.CharField):
    """A search box: whatever is typed is cleaned by ``clean_search_text``, never refused."""

    def __init__(self, **kwargs):
        # Drawn with maxlength; never failing on it, since to_python has already cut the text.
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_search_text(super().to_python(value))


# What person_name reads of a person: a query that shows people by name reads no more of them.
PERSON_NAME_FIELDS = ("username", "first_name", "last_name")


def person_name(user) -> str:
    """Return how Tend names a person to others: full name, else username; '' for nobody."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()
