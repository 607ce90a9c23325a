"""Tell a person about work that needs them. Email for now, sent by a worker after commit."""

import logging

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, *args) -> None:
    """Send the task to the broker once the transaction commits, never failing the request.

    With the broker down the saved work stands; the error is logged, and periodic sweeps pick
    up whatever must still happen (the complaint intake does).
    """
    transaction.on_commit(lambda: task.delay(*args), robust=True)


def notify(*, user, subject: str, body: str, path: str = "") -> None:
    """Email the user once the current transaction commits; a user without email is skipped."""
    from customers.tasks import send_notification

    if not user.email:
        return
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{path}" if path else ""
    enqueue_after_commit(send_notification, user.pk, subject, body + link)
