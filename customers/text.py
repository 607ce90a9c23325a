"""Normal forms of what people type, so that lookups match however it was written."""

import unicodedata

import phonenumbers
from django.conf import settings

# Naming a person lives in the core (templates use it too); kept importable from here.
from crm.text import person_name as person_name


def normalise_phone(text: str, region: str | None = None) -> str | None:
    """Return the number in E.164 form (+442079460958), or None when it is not a phone number.

    Numbers without a country code are read as from ``settings.PHONE_REGION``.
    """
    if not text or sum(char.isdigit() for char in text) < 5:
        return None
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def search_key(text: str) -> str:
    """Return text folded for matching: lower case, accents removed, blanks collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.split())
