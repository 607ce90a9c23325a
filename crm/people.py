"""Who may act, and who is told when something escalates: rules every app asks.

A core module: it imports no app, so `complaints` and `onboarding` need not reach into
`customers` for them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from crm.roles import OWNERS

# The permission that makes someone a supervisor: managing anyone's work. It is declared on
# customers.FollowUp; named here by codename only, so that the core imports no app.
SUPERVISOR_CODENAME = "manage_any_followup"


def require(allowed: bool, message: str = "") -> None:
    """Raise PermissionDenied unless allowed."""
    if not allowed:
        raise PermissionDenied(message or "You may not do this.")


def owners():
    """Return the active people in the Owners group: they may decide any remedy."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=OWNERS)
        .distinct()
        .order_by("pk")
    )


def supervisors():
    """Return the active people who receive escalations: those who manage anyone's work."""
    user_model = get_user_model()
    return (
        user_model.objects.filter(is_active=True)
        .filter(groups__permissions__codename=SUPERVISOR_CODENAME)
        .distinct()
        .order_by("pk")
    )
