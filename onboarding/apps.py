from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from crm import ladder, trigram_search
        from crm.my_day import register_section
        from crm.reporting import register_report_section
        from customers import extensions
        from onboarding import ladders, my_day, report_sections, timeline
        from onboarding.models import Onboarding

        ladder.register(ladders.HANDOFFS_UNANSWERED)
        ladder.register(ladders.STALLED)
        trigram_search.register(Onboarding, "name")
        extensions.register_timeline(timeline.onboarding_entries)
        extensions.register_open_work(timeline.has_active_onboarding)
        extensions.register_action(timeline.start_onboarding_action)
        register_section(my_day.onboarding_sections, order=300)
        register_report_section(report_sections.onboarding_sections, order=70)
