"""Moved to the crm core (crm.notices, crm.background); kept so that older imports still work."""

from crm.background import enqueue_after_commit
from crm.notices import notify

__all__ = ["enqueue_after_commit", "notify"]
