"""Who may act on what. Views and services both ask these, so a forged post is refused too."""

MANAGE_ANY_FOLLOW_UP = "customers.manage_any_followup"


def can_manage_follow_up(user, follow_up) -> bool:
    """Tell whether the user may complete, reschedule or reassign the follow-up."""
    return user.is_active and (
        follow_up.owner_id == user.pk or user.has_perm(MANAGE_ANY_FOLLOW_UP)
    )
