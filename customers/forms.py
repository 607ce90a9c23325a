from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.text import SingleLineField
from customers.models import (
    CUSTOMER_RECORD_FIELDS,
    Channel,
    Contact,
    Customer,
    FollowUp,
    Interaction,
    QuickOutcome,
    Weekday,
)
from customers.text import normalise_phone

PHONE_ERROR = _("Enter a phone number we can call, e.g. +1 202 555 0142 or (202) 555-0142.")


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def staff_choices():
    """People who can own work: active members of a role group."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def clean_phone_value(value: str) -> str:
    """Refuse a phone number that cannot be called; keep it as typed otherwise."""
    if value and normalise_phone(value) is None:
        raise forms.ValidationError(PHONE_ERROR, code="invalid_phone")
    return value


class CustomerForm(forms.ModelForm):
    contact_days = forms.TypedMultipleChoiceField(
        label=_("Days to contact"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for any day."),
    )
    account_owner = PersonChoiceField(
        label=_("Account owner"), queryset=staff_choices(), required=False
    )
    referred_by_name = SingleLineField(
        label=_("Referred by"),
        required=False,
        max_length=200,
        help_text=_("Name, phone or email of the customer who referred them."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # Set once the possible duplicates were shown: the next save creates the customer anyway.
    confirmed_new = forms.BooleanField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Customer
        fields = list(CUSTOMER_RECORD_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 2}),
            "lost_note": forms.Textarea(attrs={"rows": 2}),
            "contact_from": time_input(),
            "contact_until": time_input(),
            "became_customer_on": date_input(),
            "lost_on": date_input(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_owner"].queryset = staff_choices()
        if self.instance.pk:
            self.initial["contact_days"] = sorted(self.instance.contact_weekdays)
            self.initial.setdefault("version", self.instance.version)
            if self.instance.referred_by_id:
                self.initial["referred_by_name"] = self.instance.referred_by.name

    def clean_phone(self):
        return clean_phone_value(self.cleaned_data["phone"])

    def clean_contact_days(self):
        return "".join(str(day) for day in sorted(set(self.cleaned_data["contact_days"])))

    def clean_referred_by_name(self):
        text = self.cleaned_data["referred_by_name"].strip()
        if not text:
            return None
        if self.instance.referred_by_id and text == self.instance.referred_by.name:
            return self.instance.referred_by
        matches = list(Customer.objects.search(text).exclude(pk=self.instance.pk)[:2])
        if not matches:
            raise forms.ValidationError(
                _("No customer matches “%(text)s”."),
                code="unknown_referrer",
                params={"text": text},
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several customers match “%(text)s”: type more of the name, or a phone."),
                code="ambiguous_referrer",
                params={"text": text},
            )
        return matches[0]

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
        if cleaned.get("status") == Customer.Status.FORMER and not cleaned.get("lost_reason"):
            self.add_error(
                "lost_reason",
                forms.ValidationError(
                    _("Say why we lost this customer."), code="lost_reason_required"
                ),
            )
        if cleaned.get("status") == Customer.Status.FORMER and not cleaned.get("lost_on"):
            cleaned["lost_on"] = timezone.localdate()
        return cleaned

    def save(self, commit=True):
        self.instance.referred_by = self.cleaned_data.get("referred_by_name")
        return super().save(commit=commit)


class ContactForm(forms.ModelForm):
    """A person at the customer's: who they are and how to reach them."""

    class Meta:
        model = Contact
        fields = ["name", "role", "phone", "email", "preferred_channel", "is_primary", "notes"]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_phone(self):
        return clean_phone_value(self.cleaned_data["phone"])


class InteractionForm(forms.Form):
    """Log a call or request: the customer's need restated, and whether to call back."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Interaction.Direction.choices, initial="inbound"
    )
    contact = forms.ModelChoiceField(
        label=_("Who"), queryset=Contact.objects.none(), required=False, empty_label=_("—")
    )
    summary = SingleLineField(
        label=_("What it is about"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Asked about a delivery date")}),
    )
    what_we_heard = forms.CharField(
        label=_("What we heard"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Their need in your words, as you restated it to them."),
    )
    needs_callback = forms.BooleanField(label=_("Needs a call back"), required=False)
    is_positive = forms.BooleanField(
        label=_("Positive contact (not about a problem)"), required=False
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = customer.contacts.all()
        self.initial.setdefault("channel", customer.preferred_channel)


class FollowUpForm(forms.ModelForm):
    """A new commitment made to the customer."""

    owner = PersonChoiceField(label=_("Owner"), queryset=staff_choices())

    class Meta:
        model = FollowUp
        fields = ["kind", "subject", "due_at", "promised_to_customer", "owner", "channel"]
        widgets = {"due_at": datetime_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choices()
        self.fields["kind"].choices = [
            choice
            for choice in FollowUp.Kind.choices
            if choice[0] in {"callback", "promise", "check_in", "other"}
        ]

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at <= timezone.now():
            raise forms.ValidationError(
                _("The due time has passed; choose a time in the future."), code="due_in_past"
            )
        return due_at


class CompleteFollowUpForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What happened; what the customer said."),
    )
    log_channel = forms.ChoiceField(
        label=_("Also log the contact as"),
        choices=[("", _("Don't log a contact")), *Channel.choices],
        required=False,
    )
    positive = forms.BooleanField(label=_("It was a positive contact"), required=False)


class QuickOutcomeForm(forms.Form):
    """One tap on a follow-up: the outcome of working it (see FollowUp.quick_outcomes)."""

    outcome = forms.ChoiceField(choices=QuickOutcome.choices)


class RescheduleFollowUpForm(forms.Form):
    due_at = forms.DateTimeField(label=_("New due time"), widget=datetime_input())
    reason = SingleLineField(label=_("Why it moves"), max_length=300)
    customer_told = forms.TypedChoiceField(
        label=_("Was the customer told of the new time?"),
        choices=[("", _("—")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, follow_up: FollowUp, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up = follow_up
        if not follow_up.promised_to_customer:
            del self.fields["customer_told"]

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at <= timezone.now():
            raise forms.ValidationError(
                _("The new due time has passed; choose a time in the future."),
                code="due_in_past",
            )
        return due_at

    def clean_customer_told(self):
        told = self.cleaned_data.get("customer_told")
        if told is None:
            raise forms.ValidationError(
                _("The time was promised to the customer: say whether they were told."),
                code="customer_told_required",
            )
        return told


class ReassignFollowUpForm(forms.Form):
    owner = PersonChoiceField(label=_("Give it to"), queryset=staff_choices())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choices()


class ArchiveCustomerForm(forms.Form):
    reason = SingleLineField(
        label=_("Why archive them?"),
        max_length=300,
        required=False,
        help_text=_("For whoever finds them later, e.g. “duplicate of …” or “closed in 2023”."),
    )
