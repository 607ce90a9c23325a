from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from customers import extensions, timeline

        extensions.register_timeline(timeline.interaction_entries)
        extensions.register_timeline(timeline.follow_up_entries)
        extensions.register_health(timeline.follow_up_health)
        extensions.register_open_work(timeline.has_open_follow_ups)
