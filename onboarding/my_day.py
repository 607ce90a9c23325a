"""The onboarding app's part of My day (registered in apps.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.my_day import RETURNED_DAYS, Section, count_text, first_rows
from onboarding.models import Handoff, OnboardingStep


def onboarding_sections(user, now) -> list[Section]:
    """Return the person's first open onboarding steps, onboardings handed to them and their
    own offers declined."""
    # One query each: the first rows and the count of all of them (capped, crm/my_day.py).
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
            total=handoffs_total,
            more_url=reverse("onboarding:handoffs"),
            more_label=gettext("All onboardings handed to you (%(count)s)")
            % {"count": count_text(handoffs_total)},
        ),
        Section(
            "onboarding_handoffs_declined",
            _("Onboarding handoffs declined"),
            returned,
            "crm/_handoff_returned.html",
            total=returned_total,
            # They came back to their sender, who still owns the onboarding.
            more_url=f"{reverse('onboarding:list')}?{urlencode({'owner': user.pk})}",
            more_label=gettext("All your onboardings"),
            hide_when_empty=True,
        ),
    ]
