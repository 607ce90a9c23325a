"""Forms for the cross-cutting mechanisms every app shares."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.text import SingleLineField

# The length of a handoff's decline reason, in the form and in every app's handoff model.
DECLINE_REASON_MAX_LENGTH = 300


class DeclineHandoffForm(forms.Form):
    """Why the receiver declines a handoff (a complaint or an onboarding)."""

    reason = SingleLineField(
        label=_("Reason for declining"),
        max_length=DECLINE_REASON_MAX_LENGTH,
        error_messages={
            "required": _("Say why you decline, so the sender can find someone else."),
        },
    )

    def error_text(self) -> str:
        """Return the form's errors as one sentence, for a message above the page."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


class PasswordResetRequestForm(forms.Form):
    """The email address to send a password-reset link to."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class MarkAllReadForm(forms.Form):
    """ "Mark all read" on the notices page: up to the newest notice that page showed."""

    # A notice id; the bound keeps a forged number within what the database compares.
    up_to = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
