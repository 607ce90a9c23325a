"""Durations of business time as people write them: "4 h", "1 h 30 min", "5 days".

Targets are stored in business minutes (what the calendar counts); owners enter and read them
in hours and minutes, or in days for long ones. A business day here is BUSINESS_DAY_MINUTES of
open time, the default week's day (09:00 to 17:00): "5 days" is 40 business hours, whatever
hours the business keeps, so a target never changes when the opening hours do.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

BUSINESS_DAY_MINUTES = 8 * 60
# Below two days a duration reads better in hours ("8 h" for an update interval).
DAYS_FROM_MINUTES = 2 * BUSINESS_DAY_MINUTES
# A year of business days: a target beyond it is a typing mistake.
MAX_MINUTES = 260 * BUSINESS_DAY_MINUTES

_PART = re.compile(r"(\d{1,6})\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m)(?![a-z])", re.IGNORECASE)
_UNIT_MINUTES = {"d": BUSINESS_DAY_MINUTES, "h": 60, "m": 1}


def format_business_minutes(minutes: int | None, *, days: bool = True) -> str:
    """Return minutes of business time as people read them: "45 min", "1 h 30 min", "5 days".

    With days=False, in hours and minutes only ("40 h"): where the reader may not know that a
    day here means BUSINESS_DAY_MINUTES, such as beside a countdown in real time.
    """
    if minutes is None:
        return ""
    minutes = int(minutes)
    parts = []
    if days and minutes >= DAYS_FROM_MINUTES:
        days, minutes = divmod(minutes, BUSINESS_DAY_MINUTES)
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    hours, minutes = divmod(minutes, 60)
    if hours:
        parts.append(_("%(count)d h") % {"count": hours})
    if minutes or not parts:
        parts.append(_("%(count)d min") % {"count": minutes})
    return " ".join(parts)


def parse_business_duration(text: str) -> int:
    """Return the business minutes of "1 h 30 min", "90 min", "5 days" or "1d 4h".

    A bare number counts minutes. Raise ValueError when text is not such a duration.
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    rest = _PART.sub("", text).replace(",", "").strip()
    parts = _PART.findall(text)
    if not parts or rest:
        raise ValueError(text)
    return sum(int(number) * _UNIT_MINUTES[unit[0].lower()] for number, unit in parts)


class BusinessDurationInput(forms.TextInput):
    """A text box showing stored minutes as "1 h 30 min"."""

    def format_value(self, value):
        if isinstance(value, int):
            return format_business_minutes(value)
        return super().format_value(value)


class BusinessDurationField(forms.Field):
    """Business minutes entered as "4 h", "1 h 30 min", "45 min" or "5 days"."""

    widget = BusinessDurationInput
    default_error_messages = {
        "invalid": _('Write a duration such as "45 min", "4 h", "1 h 30 min" or "5 days".'),
        "too_short": _("Give at least one minute."),
        "too_long": _("That is more than a year of business days."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                'Business time, e.g. "45 min", "4 h", "1 h 30 min" or "5 days" '
                "(a day is 8 business hours)."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            minutes = parse_business_duration(str(value)[:100])
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if minutes < 1:
            raise ValidationError(self.error_messages["too_short"], code="too_short")
        if minutes > MAX_MINUTES:
            raise ValidationError(self.error_messages["too_long"], code="too_long")
        return minutes
