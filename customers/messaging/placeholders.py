"""The names a message template may use, and how they are filled.

A placeholder is a name in braces, ``{reference}``. Only the names below exist; the admin
refuses a template naming any other (``unknown_placeholders``), and filling never fails: a
name without a value for this event is left empty, and any other brace is kept as written.
"""

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "customer_name": _("the customer's (or their contact's) name"),
    "reference": _("the complaint's reference, e.g. C-000123"),
    "what_we_heard": _("what we understood the customer needs (else their own words)"),
    "owner_name": _("the name of the person who owns the complaint or the call back"),
    "next_contact": _("when the customer will hear from us next"),
    "promised_by": _("the time promised to the customer"),
    "reason": _("why the promised time moved"),
    "remedy": _("what was done for the customer"),
    "survey_link": _("the link to the check-in survey"),
    "callback_at": _("when we will call the customer back"),
    "sender_name": _("the business's name (message settings)"),
    "signature": _("the business's signature (message settings)"),
}

# A name in braces; a doubled or unmatched brace is not a placeholder.
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """Return the names in braces in the text that are no placeholder, each once, in order."""
    unknown = []
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def fill(text: str, values: Mapping[str, str]) -> str:
    """Return the text with each known placeholder replaced by its value (empty when unset)."""

    def value(match: re.Match) -> str:
        name = match[1]
        if name not in PLACEHOLDERS:
            return match[0]
        return str(values.get(name, ""))

    return _PLACEHOLDER.sub(value, text)
