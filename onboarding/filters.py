import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.reporting import range_condition
from customers.filters import (
    DatesReadTogether,
    KeyFilter,
    PersonFilter,
    SearchFilter,
    TeamFilter,
    happened_dates,
    in_team,
)
from customers.forms import staff_choices
from onboarding.models import Handoff, Onboarding, OnboardingStep

# The reports' drill-down (onboarding/reports.py): the time the "from" and "to" dates are.
HAPPENED_FIELDS = {
    "started": "started_at",
    "completed": "completed_at",
    "cancelled": "cancelled_at",
}
# Or the handoffs answered in the dates: the onboardings with such a handoff are listed.
HANDOFF_FIELDS = {"handoff_accepted": "accepted_at", "handoff_declined": "declined_at"}
HAPPENED_CHOICES = [
    ("started", _("Started")),
    ("completed", _("Completed")),
    ("cancelled", _("Cancelled")),
    ("handoff_accepted", _("A handoff accepted")),
    ("handoff_declined", _("A handoff declined")),
]
# A handoff declined when its onboarding had already ended was withdrawn, not the receiver's
# answer: left out, as onboarding/reports.py handoff_answers leaves it out.
WITHDRAWN = Q(onboarding__completed_at__lte=F("declined_at")) | Q(
    onboarding__cancelled_at__lte=F("declined_at")
)


class OnboardingFilter(DatesReadTogether, django_filters.FilterSet):
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
    team = TeamFilter(field_name="owner")
    happened = django_filters.ChoiceFilter(
        label=_("Dates are when it was"), choices=HAPPENED_CHOICES, method="keep_all"
    )
    happened_from, happened_to = happened_dates()
    # Whose handoffs, for the handoff choices: the report counts them by the receiver.
    receiver = KeyFilter(label=_("Handed to"), method="keep_all")
    receiver_team = TeamFilter(label=_("Handed to the team"), method="keep_all")

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

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        happened = data.get("happened") or ""
        dates = data.get("happened_from"), data.get("happened_to")
        if happened in HAPPENED_FIELDS:
            field = HAPPENED_FIELDS[happened]
            return queryset.filter(range_condition(field, *dates), **{f"{field}__isnull": False})
        if happened in HANDOFF_FIELDS:
            return queryset.filter(pk__in=self._handoffs(happened, data, dates))
        return queryset

    def _handoffs(self, happened: str, data, dates):
        """Return the ids of the onboardings with a handoff answered so in the dates."""
        field = HANDOFF_FIELDS[happened]
        handoffs = Handoff.objects.filter(
            range_condition(field, *dates), **{f"{field}__isnull": False}
        )
        if happened == "handoff_declined":
            handoffs = handoffs.exclude(WITHDRAWN)
        if data.get("receiver"):
            handoffs = handoffs.filter(to_user_id=data["receiver"])
        if data.get("receiver_team"):
            handoffs = handoffs.filter(in_team("to_user", data["receiver_team"]))
        return handoffs.values("onboarding_id")

    def filter_stalled(self, queryset, name, value):
        stalled = Q(status=Onboarding.Status.ACTIVE, last_progress_at__lt=self.stalled_since)
        return queryset.filter(stalled) if value else queryset.exclude(stalled)

    def filter_overdue(self, queryset, name, value):
        late = Q(steps__done_at__isnull=True, steps__due_at__lt=timezone.now())
        ids = Onboarding.objects.filter(late).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_assignee(self, queryset, name, value):
        # By id, not a join: the list's step counts would count the joined rows twice. Steps
        # still to do: one left open when its onboarding ended waits for no one.
        ids = OnboardingStep.objects.filter(
            assignee=value, done_at__isnull=True, onboarding_running=True
        ).values("onboarding_id")
        return queryset.filter(pk__in=ids) if value else queryset
