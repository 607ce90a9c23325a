"""The onboarding app's part of My day (registered in apps.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.my_day import RETURNED_DAYS, Section, first_rows
from onboarding.models import Handoff, OnboardingStep


def onboarding_sections(user, now) -> list[Section]:
    """Return the person's first open onboarding steps, onboardings handed to them and their
    own offers declined."""
    # One query each: the first rows and, by a window, the count of all of them.
    steps, steps_total = first_rows(OnboardingStep.objects.open_for(user))
    handoffs, handoffs_total = first_rows(Handoff.objects.offered_to(user))
    returned, returned_total = first_rows(
        Handoff.objects.returned_to(user, since=now - timedelta(days=RETURNED_DAYS))
    )
    return [
        Section(
            "onboarding_steps",
            _("Your onboarding steps"),
            steps,
            "onboarding/_step_item.html",
            _("No onboarding steps are yours."),
            total=steps_total,
            more_url=f"{reverse('onboarding:list')}?{urlencode({'assignee': user.pk})}",
            more_label=gettext("All onboardings with your steps"),
        ),
        Section(
            "onboarding_handoffs",
            _("Onboardings handed to you"),
            handoffs,
            "crm/_handoff_offer.html",
            _("Nobody is handing you an onboarding."),
            # No list gathers the offers: the section shows the first ones and their count.
            total=handoffs_total,
        ),
        Section(
            "onboarding_handoffs_declined",
            _("Onboarding handoffs declined"),
            returned,
            "crm/_handoff_returned.html",
            # No list gathers them: the section shows the first ones and their count.
            total=returned_total,
            hide_when_empty=True,
        ),
    ]
