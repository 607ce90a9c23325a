"""``{{ number|tel }}`` and ``{{ address|mailto }}``: one tap calls or writes to the customer.

Every phone number and email address a page shows goes through these filters, so the link
(and its thumb-sized class) is written once. A number is dialled in E.164 form when it parses
(``(202) 555-0142`` → ``tel:+12025550142``); anything else keeps its digits and a leading plus.
Text that is no number at all is shown as it is, never as a link that would dial nonsense.
"""

from functools import lru_cache

import phonenumbers
from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()

LINK_CLASS = "tend-reach"


def dial_string(text: str) -> str:
    """Return what a ``tel:`` link dials for the number as typed, or "" when it is none."""
    return _dialled((text or "").strip(), settings.PHONE_REGION)


# Kept: parsing a number takes phonenumbers some 50 µs, a busy person's My day shows 20, and
# the same rows come back page after page.
@lru_cache(maxsize=4096)
def _dialled(text: str, region: str) -> str:
    digits = "".join(char for char in text if char.isdigit())
    if len(digits) < 3:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ("+" if text.startswith("+") else "") + digits


@register.filter
def tel(number) -> str:
    """Render a phone number as a link that calls it."""
    shown = str(number or "").strip()
    dial = dial_string(shown)
    if not dial:
        return shown
    return format_html('<a class="{}" href="tel:{}">{}</a>', LINK_CLASS, dial, shown)


@register.filter
def mailto(address) -> str:
    """Render an email address as a link that writes to it."""
    shown = str(address or "").strip()
    if "@" not in shown or any(char.isspace() for char in shown):
        return shown
    return format_html('<a class="{}" href="mailto:{}">{}</a>', LINK_CLASS, shown, shown)
