import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.forms import CategoryChoiceField, category_choices
from complaints.models import Complaint, Severity
from customers.filters import PersonFilter, SearchFilter
from customers.forms import staff_choices


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


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
        fields = ["q", "status", "severity", "category", "owner", "breaching", "is_repeat"]

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

    def filter_breaching(self, queryset, name, value):
        breaching = Complaint.objects.breaching(now=timezone.now()).values("pk")
        return queryset.filter(pk__in=breaching) if value else queryset.exclude(pk__in=breaching)
