"""My day, composed: the sections the apps registered (crm.my_day) and the owners' notices line."""

from typing import Literal

from django.conf import settings
from django.utils import timezone

from crm import my_day, notices
from crm.calendar import BusinessCalendar


def sections_for(user) -> list[my_day.Section]:
    """Return the signed-in person's My day sections, in display order."""
    return my_day.sections_for(user, timezone.now())


def failed_notice_count(user) -> int:
    """Count the notices lately not emailed, for those who may read them (owners); else 0."""
    # Only the admin lists notices; checking is_staff first spares everyone else the two
    # permission queries.
    if not (user.is_staff and user.has_perm("crm.view_notice")):
        return 0
    return notices.failed_notice_count()


def untuned_business_hours(user) -> dict | None:
    """Tell owners that the business hours are still Tend's defaults or not set at all.

    Every deadline counts in them, so an owner should see what they are until they make them
    their own (change an hour or add a holiday). None for everyone else, and once tuned.
    """
    if not (user.is_staff and user.has_perm("crm.change_businesshours")):
        return None
    calendar = BusinessCalendar.load()  # two small queries, for owners only
    state: Literal["unset", "default"]
    if calendar.always_open and not calendar.holidays:
        state = "unset"
    elif calendar.is_default_week:
        state = "default"
    else:
        return None
    return {"state": state, "zone": settings.TIME_ZONE}
