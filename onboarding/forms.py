from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crm.text import SingleLineField
from customers.forms import PersonChoiceField, staff_choices, time_input
from customers.models import Channel, Customer, Weekday
from onboarding.models import ChecklistTemplate, TemplateStep


def members_of(group):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups=group)
        .order_by("first_name", "username")
    )


class StartOnboardingForm(forms.Form):
    """Choose the template, the accountable owner and who does each team's steps."""

    template = forms.ModelChoiceField(
        label=_("Checklist"), queryset=ChecklistTemplate.objects.none(), empty_label=None
    )
    owner = PersonChoiceField(label=_("Accountable owner"), queryset=staff_choices())

    def __init__(self, *args, customer: Customer, actor, **kwargs):
        super().__init__(*args, **kwargs)
        templates = ChecklistTemplate.objects.filter(is_active=True)
        self.fields["template"].queryset = templates
        self.fields["owner"].queryset = staff_choices()
        self.initial.setdefault("template", templates.first())
        # The account owner is accountable by default, when they can own work at all.
        candidates = self.fields["owner"].queryset
        account_owner = customer.account_owner
        if account_owner is None or not candidates.filter(pk=account_owner.pk).exists():
            account_owner = actor
        self.initial.setdefault("owner", account_owner)
        owner = self.initial["owner"]
        self.groups = list({step.group_id: step.group for step in _steps_of(templates)}.values())
        for group in self.groups:
            members = members_of(group)
            name = f"assignee_{group.pk}"
            self.fields[name] = PersonChoiceField(
                label=_("%(group)s steps done by") % {"group": group.name},
                queryset=members,
                required=False,
                empty_label=_("The owner"),
            )
            default = owner if owner and members.filter(pk=owner.pk).exists() else None
            self.initial.setdefault(name, default)

    def assignees(self) -> dict[int, object]:
        """Return who does each group's steps, by group pk (missing: the owner)."""
        return {
            group.pk: self.cleaned_data[f"assignee_{group.pk}"]
            for group in self.groups
            if self.cleaned_data.get(f"assignee_{group.pk}")
        }


def _steps_of(templates):
    return TemplateStep.objects.filter(template__in=templates).select_related("group")


class CompleteStepForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PreferencesStepForm(CompleteStepForm):
    """Completing the welcome call: what the customer told us about reaching them."""

    preferred_channel = forms.ChoiceField(label=_("Preferred channel"), choices=Channel.choices)
    contact_days = forms.TypedMultipleChoiceField(
        label=_("Days to contact"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for any day."),
    )
    contact_from = forms.TimeField(label=_("Contact from"), widget=time_input())
    contact_until = forms.TimeField(label=_("Contact until"), widget=time_input())
    interests = SingleLineField(
        label=_("Interests"), max_length=500, help_text=_("Separate them with commas.")
    )

    def clean_contact_days(self):
        return "".join(str(day) for day in sorted(set(self.cleaned_data["contact_days"])))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("contact_from"), cleaned.get("contact_until")
        if start and end and end <= start:
            self.add_error(
                "contact_until",
                forms.ValidationError(
                    _("The contact window must end after it starts."), code="window_order"
                ),
            )
        return cleaned

    def preferences(self) -> dict:
        return {
            field: self.cleaned_data[field]
            for field in (
                "preferred_channel",
                "contact_days",
                "contact_from",
                "contact_until",
                "interests",
            )
        }

    @classmethod
    def initial_from(cls, customer: Customer) -> dict:
        return {
            "preferred_channel": customer.preferred_channel,
            "contact_days": sorted(customer.contact_weekdays),
            "contact_from": customer.contact_from,
            "contact_until": customer.contact_until,
            "interests": customer.interests,
        }


class HandoffForm(forms.Form):
    to_user = PersonChoiceField(label=_("Hand it to"), queryset=staff_choices())
    note = forms.CharField(
        label=_("What was promised to the customer, what they expect next"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the receiving team is offered; the service refuses anyone else all the same.
        self.fields["to_user"].queryset = members_of(group) if group else staff_choices()


class ReasonForm(forms.Form):
    reason = SingleLineField(label=_("Why"), max_length=300)
