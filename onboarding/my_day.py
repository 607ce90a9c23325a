"""The onboarding app's part of My day (registered in apps.py)."""

from django.utils.translation import gettext_lazy as _

from crm.my_day import Section
from onboarding.models import Handoff, OnboardingStep

MAX_STEPS = 50


def onboarding_sections(user, now) -> list[Section]:
    """Return the person's open onboarding steps and the onboardings handed to them."""
    return [
        Section(
            "onboarding_steps",
            _("Your onboarding steps"),
            list(OnboardingStep.objects.open_for(user)[:MAX_STEPS]),
            "onboarding/_step_item.html",
            _("No onboarding steps are yours."),
        ),
        Section(
            "onboarding_handoffs",
            _("Onboardings handed to you"),
            list(Handoff.objects.offered_to(user)),
            "crm/_handoff_offer.html",
            _("Nobody is handing you an onboarding."),
        ),
    ]
