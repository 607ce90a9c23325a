from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Business setup")

    def ready(self):
        from crm import inbox, roles
        from crm.my_day import register_section

        # Later migrations bring new models and so new permissions; keeping the role groups in
        # step after every migrate means no app has to write its own permissions migration.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        create_broker_folders()
        # Above everyone's work: a notice tells of something that went wrong since.
        register_section(inbox.unread_notice_sections, order=50)


def create_broker_folders():
    """Create the embedded broker's folders, which kombu expects to exist."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
