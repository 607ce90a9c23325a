"""Times as a customer reads them: in the business's time zone, in words."""

from datetime import datetime

from django.utils import timezone


def when(moment: datetime | None) -> str:
    """Return the moment as "Tuesday 24 November at 14:00" in the business time zone."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"
