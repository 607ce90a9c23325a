"""Who may act on what. Views and services both ask these, so a forged post is refused too."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

MANAGE_ANY_FOLLOW_UP = "customers.manage_any_followup"


def can_manage_follow_up(user, follow_up) -> bool:
    """Tell whether the user may complete, reschedule or reassign the follow-up."""
    return user.is_active and (
        follow_up.owner_id == user.pk or user.has_perm(MANAGE_ANY_FOLLOW_UP)
    )


def require(allowed: bool, message: str = "") -> None:
    """Raise PermissionDenied unless allowed."""
    if not allowed:
        raise PermissionDenied(message or "You may not do this.")


def supervisors():
    """Return the active people who receive escalations: those who manage anyone's work."""
    user_model = get_user_model()
    return (
        user_model.objects.filter(is_active=True)
        .filter(groups__permissions__codename="manage_any_followup")
        .distinct()
        .order_by("pk")
    )
