import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import remedy_reports, reports
from complaints.forms import CategoryChoiceField, category_choices
from complaints.models import Complaint, ComplaintUpdate, Remedy, RemedyKind, Severity
from complaints.remedy_reports import HAPPY_RATING, UNHAPPY_RATING
from complaints.reports import customer_told, promise_moved
from crm.reporting import range_condition
from customers.filters import (
    DatesReadTogether,
    KeyFilter,
    PersonFilter,
    SearchFilter,
    TeamFilter,
    happened_dates,
)
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
    "checked_in": "checked_in_at",
}
# When the dates are those of a line of the complaint's timeline (complaints/reports.py
# counts these lines): the lines each choice keeps. The list keeps the complaints with such a
# line in the dates, a semi-join on the reports' partial indexes of the lines.
HAPPENED_LINES = {
    "updated": Q(kind=ComplaintUpdate.Kind.CUSTOMER_UPDATE, on_time__isnull=False),
    "reopened": Q(
        kind=ComplaintUpdate.Kind.STATUS,
        from_status=Complaint.Status.RESOLVED,
        to_status=Complaint.Status.INVESTIGATING,
    ),
    "promise_moved": promise_moved(),
    "promise_told": promise_moved() & customer_told(),
}
HAPPENED_CHOICES = [
    ("resolved", _("Resolved")),
    ("closed", _("Closed")),
    ("promised", _("Promised by")),
    ("expected", _("Expected by")),
    ("checked_in", _("Checked in")),
    ("updated", _("Customer updated")),
    ("reopened", _("Reopened at the check-in")),
    ("promise_moved", _("Promised time moved")),
    ("promise_told", _("Promised time moved, customer told")),
]
UPDATED_CHOICES = [("on_time", _("On time")), ("late", _("Late"))]
RATING_CHOICES = [
    *((str(rating), str(rating)) for rating in range(1, 6)),
    ("happy", _("4 or 5 (happy)")),
    ("unhappy", _("1 or 2 (unhappy)")),
]
RATING_CONDITIONS = {
    "happy": Q(handling_rating__gte=HAPPY_RATING),
    "unhappy": Q(handling_rating__lte=UNHAPPY_RATING),
}
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


class ComplaintFilter(DatesReadTogether, django_filters.FilterSet):
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
    root_cause = KeyFilter(label=_("Root cause"), field_name="root_cause")
    # The reports' drill-down (complaints/reports.py): which rows a figure counted.
    happened = django_filters.ChoiceFilter(
        label=_("Dates are when it was"),
        choices=HAPPENED_CHOICES,
        empty_label=_("Received"),
        method="keep_all",
    )
    happened_from, happened_to = happened_dates()
    kept = django_filters.ChoiceFilter(
        label=_("Deadline kept"), choices=KEPT_CHOICES, method="filter_kept"
    )
    updated = django_filters.ChoiceFilter(
        label=_("Customer update"), choices=UPDATED_CHOICES, method="keep_all"
    )
    outcome_satisfied = django_filters.BooleanFilter(label=_("Satisfied with the outcome"))
    rating = django_filters.ChoiceFilter(
        label=_("Handling rating"), choices=RATING_CHOICES, method="filter_rating"
    )
    team = TeamFilter(field_name="owner")
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("next_deadline", "deadline"),
            ("received_at", "received"),
            # By rank, most severe first (the text would put low before normal).
            ("severity_rank", "severity"),
        ],
        field_labels={
            "next_deadline": _("Next deadline"),
            "received_at": _("Received"),
            "severity_rank": _("Severity"),
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

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        happened, updated = data.get("happened") or "", data.get("updated")
        dates = data.get("happened_from"), data.get("happened_to")
        if happened in HAPPENED_LINES:
            lines = self._lines(happened, updated if happened == "updated" else None)
            queryset = queryset.filter(pk__in=lines.filter(range_condition("created_at", *dates)))
        else:
            queryset = queryset.filter(range_condition(HAPPENED_FIELDS[happened], *dates))
        if updated and happened != "updated":
            queryset = queryset.filter(pk__in=self._lines("updated", updated))
        return queryset

    def _lines(self, happened: str, updated: str | None):
        """Return the ids of the complaints with a timeline line of the kind "happened" names.

        The lines complaints/reports.py counts (customer_updates_on_time, check_in_outcomes),
        so the list shows exactly the complaints the counted lines belong to; ``updated``
        keeps the customer updates that came late or on time.
        """
        lines = ComplaintUpdate.objects.filter(HAPPENED_LINES[happened])
        if updated:
            lines = lines.filter(on_time=updated == "on_time")
        return lines.values("complaint_id")

    def filter_rating(self, queryset, name, value):
        return queryset.filter(RATING_CONDITIONS.get(value) or Q(handling_rating=int(value)))

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


# --- /complaints/remedies/ ---------------------------------------------------------------------

# A remedy is granted once approved (within authority or by an approver), delivered or not:
# the reports' "granted" (complaints/remedy_reports.py GRANTED).
GRANTED = "granted"
DECISION_CHOICES = [*Remedy.Decision.choices, (GRANTED, _("Granted (approved or delivered)"))]
REMEDY_HAPPENED_FIELDS = {"": "proposed_at", "decided": "decided_at"}


class RemedyFilter(DatesReadTogether, django_filters.FilterSet):
    decision = django_filters.ChoiceFilter(
        label=_("Decision"), choices=DECISION_CHOICES, method="filter_decision"
    )
    kind = django_filters.ChoiceFilter(label=_("Remedy"), choices=RemedyKind.choices)
    auto_approved = django_filters.BooleanFilter(label=_("Approved within authority"))
    happened = django_filters.ChoiceFilter(
        label=_("Dates are when it was"),
        choices=[("decided", _("Decided"))],
        empty_label=_("Proposed"),
        method="keep_all",
    )
    happened_from, happened_to = happened_dates()
    proposed_by = PersonFilter(label=_("Proposed by"), queryset=staff_choices())
    decided_by = PersonFilter(label=_("Decided by"), queryset=staff_choices())
    # The reports' team links: remedies proposed (or decided) by the team's members.
    team = TeamFilter(field_name="proposed_by")
    decider_team = TeamFilter(field_name="decided_by", label=_("Decided by the team"))

    class Meta:
        model = Remedy
        fields = ["decision", "kind", "auto_approved", "proposed_by", "decided_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["proposed_by"].queryset = staff_choices()
        self.filters["decided_by"].queryset = staff_choices()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        field = REMEDY_HAPPENED_FIELDS[data.get("happened") or ""]
        return queryset.filter(
            range_condition(field, data.get("happened_from"), data.get("happened_to"))
        )

    def filter_decision(self, queryset, name, value):
        if value == GRANTED:
            return queryset.filter(remedy_reports.GRANTED)
        return queryset.filter(decision=value)
