"""My day, composed: the sections the apps registered (crm.my_day) and the owners' notices line."""

from django.utils import timezone

from crm import my_day, notices


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
