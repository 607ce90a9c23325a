from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from crm import ladder, outbox, trigram_search
        from crm.headlines import register_headlines
        from crm.my_day import register_section
        from crm.reporting import register_report_section
        from customers import extensions, headlines, ladders, my_day, retention_sections, timeline
        from customers.messaging import delivery, previews
        from customers.messaging import timeline as message_timeline
        from customers.models import Contact, Customer, FollowUp

        register_section(my_day.team_overdue_sections, order=30)
        register_headlines(headlines.promise_headlines, order=20)
        register_section(my_day.follow_up_sections, order=100)
        register_report_section(retention_sections.retention_sections, order=60)
        ladder.register(ladders.FOLLOW_UPS_OVERDUE)
        trigram_search.register(Customer, "search_name")
        trigram_search.register(Contact, "search_name")
        trigram_search.register(FollowUp, "subject")

        extensions.register_timeline(timeline.interaction_entries)
        extensions.register_timeline(timeline.follow_up_entries)
        extensions.register_health(timeline.follow_up_health)
        extensions.register_open_work(timeline.has_open_follow_ups)

        extensions.register_timeline(message_timeline.message_entries)
        # The customer messages' outbox, counted by /healthz with the notices'.
        outbox.register(delivery.MESSAGES)
        previews.register_sample(previews.callback_sample)

        from anymail.signals import inbound

        from customers.mail_webhook import receive_inbound_mail

        inbound.connect(receive_inbound_mail, dispatch_uid="customers.receive_inbound_mail")
