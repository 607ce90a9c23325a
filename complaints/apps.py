from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import my_day, services, sweeps, timeline
        from crm.my_day import register_section
        from customers import extensions
        from customers.sweeps import register_deadline_sweep

        register_deadline_sweep(sweeps.sweep_complaint_deadlines)
        # Intakes whose task never reached a worker (the broker was down) run here instead.
        register_deadline_sweep(services.process_pending_intakes)
        extensions.register_timeline(timeline.complaint_entries)
        extensions.register_health(timeline.complaint_health)
        extensions.register_open_work(timeline.has_open_complaints)
        extensions.register_action(timeline.log_complaint_action)
        register_section(my_day.complaint_sections, order=200)
