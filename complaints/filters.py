import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import reports
from complaints.forms import CategoryChoiceField, category_choices
from complaints.models import Complaint, Severity
from crm.reporting import range_condition
from customers.filters import DATE_INPUT, PersonFilter, SearchFilter
from customers.forms import staff_choices


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


# When the "from" and "to" dates are: the field each choice filters on.
HAPPENED_FIELDS = {
    "": "received_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
    "promised": "promised_by",
    "expected": "expected_by",
}
HAPPENED_CHOICES = [
    ("resolved", _("Resolved")),
    ("closed", _("Closed")),
    ("promised", _("Promised by")),
    ("expected", _("Expected by")),
]
KEPT_CHOICES = [
    ("first_response", _("First response within SLA")),
    ("first_response_missed", _("First response late or missing")),
    ("resolution", _("Resolved within SLA")),
    ("resolution_missed", _("Resolved late")),
    ("promised", _("Satisfied by the promised time")),
    ("promised_missed", _("Not satisfied by the promised time")),
    ("expected", _("Satisfied by the expected time")),
    ("expected_missed", _("Not satisfied by the expected time")),
]
KEPT_CONDITIONS = {
    "first_response": reports.first_response_met,
    "resolution": reports.resolution_met,
    "promised": lambda: Q(satisfied_at__lte=F("promised_by")),
    "expected": lambda: Q(satisfied_at__lte=F("expected_by")),
}


# The largest key a filter accepts: anything larger is no row, and SQLite refuses it outright.
KEY_MAX = 2**63 - 1


class KeyFilter(django_filters.NumberFilter):
    """A row's key typed into a query string: a whole number within the database's range."""

    field_class = forms.IntegerField


class ComplaintFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Reference or words"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Complaint.Status.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    category = CategoryFilter(
        label=_("Category"), queryset=category_choices(), method="filter_category"
    )
    owner = PersonFilter(label=_("Owner"), queryset=staff_choices())
    breaching = django_filters.BooleanFilter(
        label=_("Past an SLA deadline"), method="filter_breaching"
    )
    is_repeat = django_filters.BooleanFilter(label=_("Repeat complaint"))
    # Set by the reports' root-cause links only, so kept hidden: a select of causes would
    # cost the list a query for its choices on every visit.
    root_cause = KeyFilter(
        label=_("Root cause"),
        field_name="root_cause",
        widget=forms.HiddenInput,
        min_value=1,
        max_value=KEY_MAX,
    )
    # The reports' drill-down (complaints/reports.py): which rows a figure counted.
    happened = django_filters.ChoiceFilter(
        label=_("Dates are when it was"),
        choices=HAPPENED_CHOICES,
        empty_label=_("Received"),
        method="keep_all",
    )
    happened_from = django_filters.DateFilter(
        label=_("From"), field_name="from", method="keep_all", widget=DATE_INPUT
    )
    happened_to = django_filters.DateFilter(
        label=_("To"), field_name="to", method="keep_all", widget=DATE_INPUT
    )
    kept = django_filters.ChoiceFilter(
        label=_("Deadline kept"), choices=KEPT_CHOICES, method="filter_kept"
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("next_deadline", "deadline"),
            ("received_at", "received"),
            ("severity", "severity"),
        ],
        field_labels={
            "next_deadline": _("Next deadline"),
            "received_at": _("Received"),
            "severity": _("Severity"),
        },
    )

    class Meta:
        model = Complaint
        fields = [
            "q",
            "status",
            "severity",
            "category",
            "owner",
            "breaching",
            "is_repeat",
            "root_cause",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].queryset = category_choices()
        self.filters["owner"].queryset = staff_choices()

    def filter_search(self, queryset, name, value):
        return queryset.matching(value)

    def filter_category(self, queryset, name, value):
        # A top-level category also finds the complaints filed under its children.
        if value.parent_id is None:
            return queryset.filter(category__in=[value, *value.children.all()])
        return queryset.filter(category=value)

    def keep_all(self, queryset, name, value):
        # Read together in filter_queryset: the dates apply to the time "happened" names.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        field = HAPPENED_FIELDS[data.get("happened") or ""]
        return queryset.filter(
            range_condition(field, data.get("happened_from"), data.get("happened_to"))
        )

    def filter_kept(self, queryset, name, value):
        condition = KEPT_CONDITIONS[value.removesuffix("_missed")]()
        return (
            queryset.exclude(condition)
            if value.endswith("_missed")
            else queryset.filter(condition)
        )

    def filter_breaching(self, queryset, name, value):
        breaching = Complaint.objects.breaching(now=timezone.now()).values("pk")
        return queryset.filter(pk__in=breaching) if value else queryset.exclude(pk__in=breaching)
