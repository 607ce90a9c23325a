"""The onboarding app's part of My day (registered in apps.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from crm.my_day import RETURNED_DAYS, Section
from onboarding.models import Handoff, OnboardingStep


def onboarding_sections(user, now) -> list[Section]:
    """Return the person's open onboarding steps, onboardings handed to them and their own
    offers declined."""
    return [
        Section(
            "onboarding_steps",
            _("Your onboarding steps"),
            "onboarding/rows/step.html",
            rows=OnboardingStep.objects.open_for(user),
            empty_text=_("No onboarding steps are yours."),
            more_url=f"{reverse('onboarding:list')}?{urlencode({'assignee': user.pk})}",
            more_label=_("All onboardings with your steps"),
        ),
        Section(
            "onboarding_handoffs",
            _("Onboardings handed to you"),
            "crm/rows/handoff_offer.html",
            rows=Handoff.objects.offered_to(user),
            empty_text=_("Nobody is handing you an onboarding."),
            more_url=reverse("onboarding:handoffs"),
            more_label=_("All onboardings handed to you (%(count)s)"),
        ),
        Section(
            "onboarding_handoffs_declined",
            _("Onboarding handoffs declined"),
            "crm/rows/handoff_returned.html",
            rows=Handoff.objects.returned_to(user, since=now - timedelta(days=RETURNED_DAYS)),
            # They came back to their sender, who still owns the onboarding.
            more_url=f"{reverse('onboarding:list')}?{urlencode({'owner': user.pk})}",
            more_label=_("All your onboardings"),
            hide_when_empty=True,
        ),
    ]
