"""What the apps' report sections share beyond crm.reporting: whose rows, and drill-down links.

A core module: it imports no app.
"""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse

from crm.reporting import Period, Scope


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


def period_params(field: str, period: Period) -> dict[str, str]:
    """Return the changelist parameters keeping rows whose ``field`` lies in the period."""
    return {f"{field}__gte": period.start.isoformat(), f"{field}__lt": period.end.isoformat()}


def changelist_url(model: str, **params) -> str:
    """Return the admin changelist of ``model`` ("app_label.model") filtered by params.

    Plain field lookups are what the admin accepts from a query string without a list_filter.
    """
    app_label, model_name = model.split(".")
    url = reverse(f"admin:{app_label}_{model_name.lower()}_changelist")
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{url}?{query}" if query else url


def person_params(field: str, scope: Scope) -> dict[str, str]:
    """Return the changelist parameter narrowing rows to the scope's person, if any.

    A team is not narrowed: the admin refuses lookups across two relations from a query
    string, so a team's drill-down lists everyone's rows of the period.
    """
    if scope.person is not None:
        return {f"{field}__exact": str(scope.person.pk)}
    return {}
