from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Business setup")

    def ready(self):
        from crm import inbox, roles, trigram_search
        from crm.my_day import register_section

        # Later migrations bring new models and so new permissions; keeping the role groups in
        # step after every migrate means no app has to write its own permissions migration.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        # SQLite's substring search indexes, and statistics for its planner (both SQLite only).
        post_migrate.connect(trigram_search.ensure_sqlite_indexes, sender=self)
        post_migrate.connect(refresh_sqlite_statistics, sender=self)
        create_broker_folders()
        # Above everyone's work: a notice tells of something that went wrong since.
        register_section(inbox.unread_notice_sections, order=50)


def refresh_sqlite_statistics(using="default", **kwargs):
    """Bring SQLite's planner statistics up to date after a migration, where there are any.

    SQLite plans with the statistics ANALYZE last stored (seed_scale stores them) and never
    refreshes them itself; an index a migration adds has none. At 100,000 complaints the
    planner then read the list through the owner index and sorted every complaint (320 ms)
    instead of walking the deadline index (0.7 ms). A database that never had statistics keeps
    the planner's own estimates, which are consistent.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("ANALYZE")


def create_broker_folders():
    """Create the embedded broker's folders, which kombu expects to exist."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
