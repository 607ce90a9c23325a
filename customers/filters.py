import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.calendar import today_bounds
from crm.reporting import Period, range_condition
from crm.text import SearchField
from customers import reports, retention_reports
from customers.extensions import open_work_condition
from customers.forms import PersonChoiceField, staff_choices
from customers.models import Channel, Customer, FollowUp, FollowUpReschedule

# The largest key a filter accepts: anything larger is no row, and SQLite refuses it outright.
KEY_MAX = 2**63 - 1


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class KeyFilter(django_filters.NumberFilter):
    """A row's key typed into a query string: a whole number within the database's range.

    Hidden where only links set it: it costs the list no query, neither for choices to draw
    nor to check the key (a key of no row keeps no rows).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, min_value=1, max_value=KEY_MAX, **kwargs)


class TeamFilter(KeyFilter):
    """Rows whose person (``field_name``, a user) belongs to a team (an auth Group, by key).

    Set by the reports' drill-down links, so a team's figure lists the team's rows. A
    semi-join on the team's members, as crm.reporting.Scope.people does for the figures.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Team"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs if value is None else qs.filter(in_team(self.field_name, value))


def in_team(field_name: str, team: Group | int) -> Q:
    """Return the condition of rows whose ``field_name`` (a user) is a member of the team."""
    members = get_user_model().objects.filter(groups=team).values("pk")
    return Q(**{f"{field_name}__in": members})


class SearchFilter(django_filters.CharFilter):
    """A free-text filter, cleaned and capped like every search box (crm.text)."""

    field_class = SearchField


DATE_INPUT = django_filters.widgets.forms.DateInput(attrs={"type": "date"})


def happened_dates() -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    """Return a list's "from" and "to" date filters, for the time its "happened" choice names.

    Assigned in the class body (``happened_from, happened_to = happened_dates()``) so that
    they keep their place in the form; the FilterSet reads them with "happened" in its
    filter_queryset (see DatesReadTogether).
    """
    return (
        django_filters.DateFilter(
            label=_("From"), field_name="from", method="keep_all", widget=DATE_INPUT
        ),
        django_filters.DateFilter(
            label=_("To"), field_name="to", method="keep_all", widget=DATE_INPUT
        ),
    )


class DatesReadTogether:
    """A FilterSet mixin: the filters whose method is keep_all filter nothing on their own."""

    def keep_all(self, queryset, name, value):
        # Read together in filter_queryset: the dates apply to the time "happened" names.
        return queryset


# A loss without a reason given has its own choice: the report counts it as a reason.
NO_REASON = "none"
LOST_REASON_CHOICES = [*Customer.LostReason.choices, (NO_REASON, _("None given"))]
KEPT_IN_TOUCH_CHOICES = [("yes", _("Yes")), ("no", _("No, or not yet"))]


class CustomerFilter(django_filters.FilterSet):
    ARCHIVED_CHOICES = [("only", _("Archived only")), ("include", _("Current and archived"))]

    q = SearchFilter(label=_("Name, email or phone"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Customer.Status.choices)
    account_owner = PersonFilter(label=_("Account owner"), queryset=staff_choices())
    preferred_channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    open_work = django_filters.BooleanFilter(label=_("Has open work"), method="filter_open_work")
    archived = django_filters.ChoiceFilter(
        label=_("Archived customers"),
        choices=ARCHIVED_CHOICES,
        empty_label=_("Leave out"),
        method="filter_archived",
    )
    # The retention report's drill-down (customers/retention_reports.py customers_lost).
    lost_from = django_filters.DateFilter(
        label=_("Lost from"), field_name="lost_on", lookup_expr="gte", widget=DATE_INPUT
    )
    lost_to = django_filters.DateFilter(
        label=_("Lost until"), field_name="lost_on", lookup_expr="lte", widget=DATE_INPUT
    )
    lost_reason = django_filters.ChoiceFilter(
        label=_("Lost because"), choices=LOST_REASON_CHOICES, method="filter_lost_reason"
    )
    team = TeamFilter(field_name="account_owner")
    # The retention report's active customers and keep-in-touch coverage on a day (the end of
    # its period): customers/retention_reports.py active_on and kept_in_touch.
    active_on = django_filters.DateFilter(
        label=_("Active customer on"), method="keep_all", widget=DATE_INPUT
    )
    kept_in_touch = django_filters.ChoiceFilter(
        label=_("Kept in touch by then"), choices=KEPT_IN_TOUCH_CHOICES, method="keep_all"
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("name", "name"), ("status", "status"), ("updated_at", "updated")],
        field_labels={"name": _("Name"), "status": _("Status"), "updated_at": _("Last change")},
    )

    class Meta:
        model = Customer
        fields = ["q", "status", "account_owner", "preferred_channel", "open_work", "archived"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Archived customers are set aside: every list leaves them out unless asked for
        # (an unknown value asks for nothing).
        if (data or {}).get("archived") not in dict(self.ARCHIVED_CHOICES):
            self.queryset = self.queryset.current()

    def keep_all(self, queryset, name, value):
        # Read together in filter_queryset: kept in touch is judged on the "active on" day.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        day, kept = data.get("active_on"), data.get("kept_in_touch")
        if day is not None:
            queryset = queryset.filter(retention_reports.active_on(day))
        if kept:
            day = day or timezone.localdate()
            # Within the cadence before the end of that day, as the coverage figure counts.
            condition = retention_reports.kept_in_touch(Period.between(day, day).end)
            queryset = queryset.filter(retention_reports.keep_in_touch_wanted())
            queryset = queryset.filter(condition) if kept == "yes" else queryset.exclude(condition)
        return queryset

    def filter_lost_reason(self, queryset, name, value):
        return queryset.filter(lost_reason="" if value == NO_REASON else value)

    def filter_archived(self, queryset, name, value):
        return queryset.archived() if value == "only" else queryset

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_open_work(self, queryset, name, value):
        condition = open_work_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)


HAPPENED_CHOICES = [
    ("requested", _("Requested")),
    ("moved", _("Promised time moved")),
]
RESPONSE_CHOICES = [("within", _("Within the target")), ("late", _("Late or not yet"))]
KEPT_CHOICES = [("on_time", _("On time")), ("late", _("Late or not yet"))]
TOLD_CHOICES = [("yes", _("Yes")), ("no", _("No"))]
ANY_STATUS = "any"


class FollowUpFilter(DatesReadTogether, django_filters.FilterSet):
    DUE_CHOICES = [("overdue", _("Overdue")), ("today", _("Due today")), ("later", _("Later"))]

    q = SearchFilter(label=_("Subject"), method="filter_search")
    owner = PersonFilter(label=_("Owner"), queryset=staff_choices(), method="filter_owner")
    everyone = django_filters.BooleanFilter(
        label=_("Everyone's, when no owner is chosen"), method="keep_all"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FollowUp.Kind.choices)
    due = django_filters.ChoiceFilter(label=_("Due"), choices=DUE_CHOICES, method="filter_due")
    promised_to_customer = django_filters.BooleanFilter(label=_("Promised to the customer"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*FollowUp.Status.choices, (ANY_STATUS, _("Any"))],
        empty_label=_("Open"),
        method="filter_status",
    )
    team = TeamFilter(field_name="owner")
    # The reports' drill-down (customers/reports.py): which rows a figure counted.
    happened = django_filters.ChoiceFilter(
        label=_("Dates are when it was"),
        choices=HAPPENED_CHOICES,
        empty_label=_("Due"),
        method="keep_all",
    )
    happened_from, happened_to = happened_dates()
    response = django_filters.ChoiceFilter(
        label=_("Callback returned"), choices=RESPONSE_CHOICES, method="filter_response"
    )
    kept = django_filters.ChoiceFilter(label=_("Kept"), choices=KEPT_CHOICES, method="filter_kept")
    told = django_filters.ChoiceFilter(
        label=_("Promised time moved, customer told"), choices=TOLD_CHOICES, method="keep_all"
    )

    class Meta:
        model = FollowUp
        fields = ["q", "owner", "everyone", "kind", "due", "promised_to_customer", "status"]

    def __init__(self, *args, may_see_everyone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = staff_choices()
        if not may_see_everyone:
            del self.filters["owner"]
            del self.filters["everyone"]
            del self.filters["team"]

    def filter_search(self, queryset, name, value):
        return queryset.matching(value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        first_day, last_day = data.get("happened_from"), data.get("happened_to")
        if data.get("happened") == "moved" or data.get("told"):
            return queryset.filter(pk__in=self._moved(data, first_day, last_day))
        field = "created_at" if data.get("happened") == "requested" else "due_at"
        return queryset.filter(range_condition(field, first_day, last_day))

    def _moved(self, data, first_day, last_day):
        """Return the ids of the follow-ups whose promised time was moved.

        Moves as customers/reports.py promises_moved counts them, made in the dates when
        "happened" is "moved", the customer told or not as ``told`` asks.
        """
        moves = FollowUpReschedule.objects.filter(customer_told__isnull=False)
        if data.get("told"):
            moves = moves.filter(customer_told=data["told"] == "yes")
        if data.get("happened") == "moved":
            moves = moves.filter(range_condition("changed_at", first_day, last_day))
        return moves.values("follow_up_id")

    def filter_status(self, queryset, name, value):
        # The view lists open ones unless a status is asked for; "any" asks for all.
        return queryset if value == ANY_STATUS else queryset.filter(status=value)

    def filter_response(self, queryset, name, value):
        within = reports.within_response_target()
        return queryset.filter(within) if value == "within" else queryset.exclude(within)

    def filter_kept(self, queryset, name, value):
        kept = reports.kept_on_time()
        return queryset.filter(kept) if value == "on_time" else queryset.exclude(kept)

    def filter_owner(self, queryset, name, value):
        # The view narrows to the signed-in person unless a supervisor picks someone.
        return queryset.filter(owner=value) if value else queryset

    def filter_due(self, queryset, name, value):
        _start, end = today_bounds()
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(due_at__lt=now)
        if value == "today":
            return queryset.filter(due_at__gte=now, due_at__lt=end)
        return queryset.filter(due_at__gte=end)
