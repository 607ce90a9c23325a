import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.calendar import today_bounds
from crm.text import SearchField
from customers.extensions import open_work_condition
from customers.forms import PersonChoiceField, staff_choices
from customers.models import Channel, Customer, FollowUp


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class SearchFilter(django_filters.CharFilter):
    """A free-text filter, cleaned and capped like every search box (crm.text)."""

    field_class = SearchField


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

    def filter_archived(self, queryset, name, value):
        return queryset.archived() if value == "only" else queryset

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_open_work(self, queryset, name, value):
        condition = open_work_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)


class FollowUpFilter(django_filters.FilterSet):
    DUE_CHOICES = [("overdue", _("Overdue")), ("today", _("Due today")), ("later", _("Later"))]

    q = SearchFilter(label=_("Subject"), method="filter_search")
    owner = PersonFilter(label=_("Owner"), queryset=staff_choices(), method="filter_owner")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FollowUp.Kind.choices)
    due = django_filters.ChoiceFilter(label=_("Due"), choices=DUE_CHOICES, method="filter_due")
    promised_to_customer = django_filters.BooleanFilter(label=_("Promised to the customer"))

    class Meta:
        model = FollowUp
        fields = ["q", "owner", "kind", "due", "promised_to_customer"]

    def __init__(self, *args, may_see_everyone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = staff_choices()
        if not may_see_everyone:
            del self.filters["owner"]

    def filter_search(self, queryset, name, value):
        return queryset.matching(value)

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
