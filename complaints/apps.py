from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import (
            headlines,
            ladders,
            messages,
            my_day,
            remedy_sections,
            replies,
            report_sections,
            timeline,
        )
        from complaints.models import Complaint
        from crm import ladder, trigram_search
        from crm.headlines import register_headlines
        from crm.my_day import register_section
        from crm.reporting import register_report_section
        from customers import extensions, inbound
        from customers.messaging import previews

        for clock in ladders.LADDERS:
            ladder.register(clock)
        trigram_search.register(Complaint, "customer_words", "what_we_heard")
        extensions.register_timeline(timeline.complaint_entries)
        extensions.register_health(timeline.complaint_health)
        extensions.register_open_work(timeline.has_open_complaints)
        extensions.register_action(timeline.log_complaint_action)
        # Replies to a complaint's own address thread into it before any other routing.
        inbound.register_reply_router(replies.thread_reply)
        previews.register_sample(messages.complaint_sample)
        # Supervisors' waiting approvals and their team's breaches come first.
        register_headlines(headlines.complaint_headlines, order=10)
        register_section(my_day.approval_sections, order=10)
        register_section(my_day.team_breach_sections, order=20)
        register_section(my_day.complaint_sections, order=200)
        # Sections 1 to 3 (responsiveness, promises, complaints); 4 and on come after.
        register_report_section(report_sections.report_sections, order=10)
        register_report_section(remedy_sections.remedy_sections, order=40)
        register_report_section(remedy_sections.satisfaction_sections, order=50)
