"""What the apps' report sections share beyond crm.reporting: whose rows, and drill-down links.

A core module: it imports no app.
"""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse

from crm.reporting import Period, Scope, period_query


def people_of(scope: Scope):
    """Return the ``people`` argument of the apps' report functions for a scope.

    None for the whole business, a one-item list for a person, and a subquery of the team's
    members for a team (so a team costs no query of its own).
    """
    if scope.person is not None:
        return [scope.person.pk]
    if scope.team is not None:
        return get_user_model().objects.filter(groups=scope.team).values("pk")
    return None


def list_url(name: str, **params) -> str:
    """Return the web list named ``name`` ("complaints:list") filtered by params.

    Every drill-down goes to a web list: supervisors and staff never work in the admin, and a
    link to the admin's changelist answered them with its sign-in page.
    """
    query = urlencode({key: value for key, value in params.items() if value is not None})
    url = reverse(name)
    return f"{url}?{query}" if query else url


def dates_of(period: Period, happened: str) -> dict[str, str]:
    """Return the lists' "dates are when it was …" parameters for the period's days.

    An empty ``happened`` is the list's default time (when a complaint was received, say).
    """
    dates = {f"happened_{key}": value for key, value in period_query(period).items()}
    return {"happened": happened or None, **dates}
