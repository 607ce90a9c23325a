from celery import shared_task
from django.utils import timezone

from crm import accounts, imports, notices, weekly_report
from crm.models import Notice, WorkerHeartbeat


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


# The outbox counts attempts and decides when to give up; Celery only schedules the retry. A
# retry that cannot reach the broker is not lost either: the catch-up finds the notice due.
@shared_task(bind=True, ignore_result=True, max_retries=None)
def send_notice(self, notice_id: int) -> None:
    """Email one notice; one that failed with attempts left is tried again after its backoff."""
    notice = notices.send_notice(notice_id=notice_id)
    if notice is not None and notice.status == Notice.Status.QUEUED:
        wait = (notice.next_attempt_at - timezone.now()).total_seconds()
        raise self.retry(countdown=max(wait, 0))


@shared_task(ignore_result=True)
def send_due_notices() -> int:
    """Send the notices whose task never ran or is overdue (beat: every five minutes)."""
    return notices.send_due_notices()


# No automatic retry: a job that fails records why on itself, and a second delivery of the
# same message finds the job already claimed and does nothing.
@shared_task(ignore_result=True)
def run_import_job(job_id: int) -> None:
    """Run one background CSV import (see crm/imports.py)."""
    imports.run_import_job(job_id=job_id)


@shared_task(ignore_result=True)
def resume_import_jobs() -> int:
    """Re-send import jobs left waiting by a broker outage (beat: every five minutes)."""
    return imports.resume_import_jobs()


# Each owner's report is claimed and sent in one transaction: a mail server that fails rolls
# the claim back, and the retry sends what is still unsent, never a second copy.
@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_weekly_owner_report() -> int:
    """Email every active owner last week's headline figures (beat: WEEKLY_REPORT_DAY)."""
    return weekly_report.send_weekly_report()
