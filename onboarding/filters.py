import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.filters import PersonFilter, SearchFilter
from customers.forms import staff_choices
from onboarding.models import Onboarding, OnboardingStep


class OnboardingFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Name or customer"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Onboarding.Status.choices, empty_label=_("Any status")
    )
    owner = PersonFilter(label=_("Owner"), queryset=staff_choices())
    stalled = django_filters.BooleanFilter(label=_("Stalled"), method="filter_stalled")
    overdue = django_filters.BooleanFilter(label=_("Has overdue steps"), method="filter_overdue")
    # My day's "Your onboarding steps" links here: the steps' onboardings, whoever owns them.
    assignee = PersonFilter(
        label=_("Has open steps for"), queryset=staff_choices(), method="filter_assignee"
    )

    class Meta:
        model = Onboarding
        fields = ["q", "status", "owner", "stalled", "overdue", "assignee"]

    def __init__(self, *args, stalled_since, **kwargs):
        super().__init__(*args, **kwargs)
        self.stalled_since = stalled_since
        self.filters["owner"].queryset = staff_choices()
        self.filters["assignee"].queryset = staff_choices()

    def filter_search(self, queryset, name, value):
        return queryset.matching(value)

    def filter_stalled(self, queryset, name, value):
        stalled = Q(status=Onboarding.Status.ACTIVE, last_progress_at__lt=self.stalled_since)
        return queryset.filter(stalled) if value else queryset.exclude(stalled)

    def filter_overdue(self, queryset, name, value):
        late = Q(steps__done_at__isnull=True, steps__due_at__lt=timezone.now())
        ids = Onboarding.objects.filter(late).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_assignee(self, queryset, name, value):
        # By id, not a join: the list's step counts would count the joined rows twice.
        ids = OnboardingStep.objects.filter(assignee=value, done_at__isnull=True).values(
            "onboarding_id"
        )
        return queryset.filter(pk__in=ids) if value else queryset
