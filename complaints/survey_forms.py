"""The check-in survey's one form: two answers and an optional comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

RATINGS = [(number, str(number)) for number in range(1, 6)]
COMMENT_MAX_LENGTH = 2000


class SurveyForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with how this turned out?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    rating = forms.TypedChoiceField(
        label=_("How did we handle it?"),
        help_text=_("1 is poorly, 5 is very well."),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
