from celery import shared_task
from django.utils import timezone

from crm import accounts
from crm.models import WorkerHeartbeat


@shared_task(bind=True, ignore_result=True)
def record_worker_heartbeat(self) -> None:
    """Record that this worker is alive and executing tasks (beat schedules it every minute)."""
    WorkerHeartbeat.objects.update_or_create(
        worker=self.request.hostname or "unknown", defaults={"seen_at": timezone.now()}
    )


# A mail server that refuses or drops the connection raises OSError (smtplib's errors are
# OSErrors): try again with growing pauses, well within the link's validity.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset_email(email: str) -> int:
    """Email a password-reset link to the accounts with this address."""
    return accounts.send_password_reset_email(email=email)
