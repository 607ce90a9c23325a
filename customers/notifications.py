"""Tell a person about work that needs them. Email for now, sent by a worker after commit."""

from django.conf import settings


def notify(*, user, subject: str, body: str, path: str = "") -> None:
    """Email the user once the current transaction commits; a user without email is skipped."""
    from customers.tasks import send_notification

    if not user.email:
        return
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{path}" if path else ""
    send_notification.delay_on_commit(user.pk, subject, body + link)
