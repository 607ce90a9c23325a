from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from crm import ladder, trigram_search
        from crm.my_day import register_section
        from customers import extensions, ladders, my_day, timeline
        from customers.models import Contact, Customer, FollowUp

        register_section(my_day.follow_up_sections, order=100)
        ladder.register(ladders.FOLLOW_UPS_OVERDUE)
        trigram_search.register(Customer, "search_name")
        trigram_search.register(Contact, "search_name")
        trigram_search.register(FollowUp, "subject")

        extensions.register_timeline(timeline.interaction_entries)
        extensions.register_timeline(timeline.follow_up_entries)
        extensions.register_health(timeline.follow_up_health)
        extensions.register_open_work(timeline.has_open_follow_ups)
