from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    FREE_REMEDIES,
    MAX_REMEDY_AMOUNT,
    MONEY_REMEDIES,
    Category,
    RemedyKind,
    RootCause,
    Severity,
)
from crm.text import SearchField, SingleLineField
from customers.forms import PersonChoiceField, clean_phone_value, datetime_input, staff_choices
from customers.models import Channel, Customer, is_email_query, phone_in

AMOUNT_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"})


def amount_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_REMEDY_AMOUNT,
        widget=AMOUNT_INPUT,
        error_messages={
            "min_value": _("The amount must be more than zero."),
            "max_value": _("That amount is beyond any remedy; check the figure."),
        },
        **kwargs,
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} / {obj.name}" if obj.parent_id else obj.name


def category_choices():
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def check_amount_for_kind(form, kind_field: str, amount_field_name: str) -> None:
    """Add an error when a money remedy comes without its amount, or an apology with one."""
    kind = form.cleaned_data.get(kind_field)
    missing = form.cleaned_data.get(amount_field_name) is None
    if amount_field_name in form.errors:
        return
    if kind in MONEY_REMEDIES and missing:
        form.add_error(
            amount_field_name,
            forms.ValidationError(
                _("Say how much: a %(kind)s needs an amount."),
                code="amount_required",
                params={"kind": RemedyKind(kind).label.lower()},
            ),
        )
    elif kind in FREE_REMEDIES and not missing:
        form.add_error(
            amount_field_name,
            forms.ValidationError(
                _("An apology carries no amount; a gesture that costs money is “other”."),
                code="apology_has_no_amount",
            ),
        )


class LogComplaintForm(forms.Form):
    """The phone-first intake: one column, one round trip in the common case."""

    customer = forms.ModelChoiceField(
        queryset=Customer.objects.all(), required=False, widget=forms.HiddenInput
    )
    customer_query = SearchField(
        label=_("Customer: name, phone or email"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
    )
    # The query last carried into the new customer's fields (see _set_new_customer).
    carried_query = SearchField(widget=forms.HiddenInput)
    new_customer_name = SingleLineField(
        label=_("New customer's name"),
        required=False,
        max_length=200,
        help_text=_("Only when the customer is not in Tend yet."),
    )
    new_customer_phone = SingleLineField(
        label=_("New customer's phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    new_customer_email = forms.EmailField(label=_("New customer's email"), required=False)
    channel = forms.ChoiceField(label=_("How it reached us"), choices=Channel.choices)
    customer_words = forms.CharField(
        label=_("The customer's words"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_we_heard = forms.CharField(
        label=_("What we heard"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The problem in your words, as you restated it to them."),
    )
    heard_confirmed = forms.BooleanField(label=_("The customer confirmed it"), required=False)
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Pick a category from the list.")},
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL
    )
    asked_remedy_kind = forms.ChoiceField(
        label=_("What would they consider fair?"),
        choices=[("", _("Not said")), *RemedyKind.choices],
        required=False,
    )
    asked_amount = amount_field(_("Amount asked for"), required=False)
    asked_words = SingleLineField(label=_("In their words"), required=False, max_length=500)
    needs_by = forms.DateTimeField(
        label=_("They need it resolved by"), required=False, widget=datetime_input()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_choices()
        self.matches: list[Customer] = []

    def clean_new_customer_phone(self):
        return clean_phone_value(self.cleaned_data["new_customer_phone"])

    def clean_needs_by(self):
        needs_by = self.cleaned_data["needs_by"]
        if needs_by and needs_by <= timezone.now():
            raise forms.ValidationError(
                _("That time has passed; when do they need it now?"), code="needs_by_past"
            )
        return needs_by

    def clean(self):
        cleaned = super().clean()
        check_amount_for_kind(self, "asked_remedy_kind", "asked_amount")
        carried = cleaned.get("carried_query", "")
        if carried and cleaned.get("customer_query") != carried:
            # The search was changed after its words were carried into the new customer's
            # fields: those words are not a new customer any more; look the new query up.
            self._set_new_customer(carried=carried, query="")
        if cleaned.get("customer") is None and not cleaned.get("new_customer_name"):
            self._find_customer(cleaned.get("customer_query", "").strip())
        return cleaned

    def _set_new_customer(self, *, carried: str, query: str) -> None:
        """Put the query into the new customer's field it reads as, replacing what was carried.

        A field the person has typed over since (it no longer holds the carried words) keeps
        what they typed.
        """
        target = _new_customer_field_for(query) if query else None
        data = self.data.copy()
        for name in NEW_CUSTOMER_FIELDS:
            key = self.add_prefix(name)
            value = data.get(key, "").strip()
            if name == target:
                if not value or value == carried:
                    data[key] = query
            elif carried and value == carried:
                data[key] = ""
                self.cleaned_data[name] = ""
        data[self.add_prefix("carried_query")] = query
        self.data = data

    def _find_customer(self, query: str) -> None:
        if not query:
            self.add_error(
                "customer_query",
                forms.ValidationError(
                    _("Who is complaining? Type a name, phone or email, or add a new customer."),
                    code="customer_required",
                ),
            )
            return
        # An archived record (a duplicate, a customer set aside) is not offered for new work.
        matches = list(Customer.objects.current().search(query)[:6])
        if len(matches) == 1:
            self.cleaned_data["customer"] = matches[0]
            return
        self.matches = matches
        if not matches:
            # Most often a customer not in Tend yet: what was typed starts their record.
            self._set_new_customer(carried=self.cleaned_data.get("carried_query", ""), query=query)
        message = (
            _("Several customers match: pick one below.")
            if matches
            else _(
                "No customer matches; check it, or check the new customer's details below "
                "and log the complaint again."
            )
        )
        self.add_error(
            "customer_query",
            forms.ValidationError(message, code="ambiguous" if matches else "no_match"),
        )


NEW_CUSTOMER_FIELDS = ("new_customer_name", "new_customer_phone", "new_customer_email")


def _new_customer_field_for(query: str) -> str:
    """Return the new customer's field a customer query reads as: email, phone or name."""
    if is_email_query(query):
        return "new_customer_email"
    if phone_in(query):
        return "new_customer_phone"
    return "new_customer_name"


class ComplaintLinkForm(forms.Form):
    """The customer named by a link to the complaint form (``?customer=<id>``)."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.all(), required=False)


class VersionForm(forms.Form):
    """The complaint version the page was drawn from, posted with every action on it."""

    version = forms.IntegerField(min_value=0, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CustomerUpdateForm(forms.Form):
    channel = forms.ChoiceField(label=_("How you told them"), choices=Channel.choices)
    text = forms.CharField(
        label=_("What you told them"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = SingleLineField(label=_("Why"), max_length=500)


class OptionalNoteForm(forms.Form):
    note = SingleLineField(label=_("Note"), max_length=500, required=False)


class PromiseForm(forms.Form):
    promised_by = forms.DateTimeField(label=_("Promise it by"), widget=datetime_input())
    reason = SingleLineField(
        label=_("Why it moves"),
        required=False,
        max_length=500,
        help_text=_("Needed when a promised time moves."),
    )

    def clean_promised_by(self):
        promised_by = self.cleaned_data["promised_by"]
        if promised_by <= timezone.now():
            raise forms.ValidationError(_("Promise a time in the future."), code="promise_in_past")
        return promised_by


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Remedy"), choices=RemedyKind.choices)
    amount = amount_field(
        _("Amount"),
        required=False,
        help_text=_(
            "Empty for an apology or a gesture without a price; any amount counts against "
            "your authority."
        ),
    )
    description = SingleLineField(label=_("Details"), required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        check_amount_for_kind(self, "kind", "amount")
        return cleaned


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = SingleLineField(label=_("Note for the proposer"), required=False, max_length=500)


class ResolveForm(forms.Form):
    note = SingleLineField(label=_("How it was resolved"), required=False, max_length=500)
    no_remedy = forms.BooleanField(
        label=_("No remedy is given"),
        required=False,
        help_text=_("Tick when the complaint is resolved without one."),
    )


def root_cause_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Root cause"),
        queryset=RootCause.objects.filter(is_active=True),
        required=False,
        error_messages={"invalid_choice": _("Pick a root cause from the list.")},
    )


class CloseForm(forms.Form):
    root_cause = root_cause_field()
    corrective_note = forms.CharField(
        label=_("What we change so it does not happen again"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root_cause"].queryset = RootCause.objects.filter(is_active=True)


class CheckInForm(CloseForm):
    satisfied = forms.TypedChoiceField(
        label=_("Is the customer satisfied with the outcome?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label=_("How do they rate our handling (1 to 5)?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = SingleLineField(label=_("What they said"), required=False, max_length=2000)

    field_order = ["satisfied", "rating", "note", "root_cause", "corrective_note"]


class HandoffForm(forms.Form):
    to_user = PersonChoiceField(label=_("Hand it to"), queryset=staff_choices())
    note = forms.CharField(
        label=_("What was promised, what they expect next"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = staff_choices()
