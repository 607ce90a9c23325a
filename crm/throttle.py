"""A counter per client and purpose in Django's cache, for public pages that need a brake.

Fixed windows: the first request of a window starts its count, which expires with it. The
cache is per process unless CACHES names a shared one (Redis), so with several web processes
each counts on its own: the limit is a brake on one client hammering a page, not an exact
quota. Sign-ins and password resets count in the database instead, where exactness matters.
"""

from datetime import timedelta

from django.core.cache import cache


def allow(purpose: str, client: str | None, *, limit: int, window: timedelta) -> bool:
    """Count one request of the client for the purpose; tell whether it is within the limit."""
    key = f"throttle:{purpose}:{client or 'unknown'}"
    seconds = max(int(window.total_seconds()), 1)
    # add() starts the window only when no count runs; incr() is atomic in every cache backend.
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        # The count expired between add() and incr(): this request starts a new window.
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
