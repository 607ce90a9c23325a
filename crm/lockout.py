"""Sign-in lockout on top of django-axes: one username from one address, or a whole address.

Axes records each failure in the database under (username, address) and, with two lockout
parameter sets, counts failures for the pair and for the address; it locks out when the larger
count reaches one failure limit. Each set needs its own limit (5 for a pair, 20 for an address),
so the limit is this callable: the pair's limit once that pair has reached it, else the
address's. The address limit is never below the pair limit (settings refuse it), so:

- a pair at its limit is locked (the larger count is at least the pair's);
- otherwise only the address count can reach the address limit.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def failure_limit(request, credentials=None) -> int:
    """Return the failure limit that applies to this sign-in (axes' AXES_FAILURE_LIMIT)."""
    if username_locked_out(request, credentials):
        return settings.AXES_USERNAME_FAILURE_LIMIT
    return settings.AXES_IP_FAILURE_LIMIT


def username_locked_out(request, credentials=None) -> bool:
    """Tell whether this username has used up its own failures from this address."""
    AxesProxyHandler.update_request(request)
    recent = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    )
    failures = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
    return failures >= settings.AXES_USERNAME_FAILURE_LIMIT


def forget_failures(*, username: str) -> int:
    """Forget the failed sign-ins recorded for a username, from every address.

    Called once its owner has proved who they are another way (a password reset by email).
    """
    return AxesProxyHandler.reset_attempts(username=username)


class AxesHandler(AxesDatabaseHandler):
    """Axes' database handler, resetting only the signed-in person's own failures on success.

    Axes deletes every attempt that matches any lockout parameter set, which with the address set
    means every failure from the address: one colleague signing in would wipe the office's count,
    and an attacker with an account of their own could reset it at will between guesses.
    """

    def reset_user_attempts(self, request, credentials=None) -> int:
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count
