"""The onboarding app's part of My day (registered in apps.py)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.my_day import Section, count_text, first_rows
from onboarding.models import Handoff, OnboardingStep


def onboarding_sections(user, now) -> list[Section]:
    """Return the person's first open onboarding steps and onboardings handed to them."""
    # One query each: the first rows and the count of all of them (capped, crm/my_day.py).
    steps, steps_total = first_rows(OnboardingStep.objects.open_for(user))
    handoffs, handoffs_total = first_rows(Handoff.objects.offered_to(user))
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
            total=handoffs_total,
            more_url=reverse("onboarding:handoffs"),
            more_label=gettext("All onboardings handed to you (%(count)s)")
            % {"count": count_text(handoffs_total)},
        ),
    ]
