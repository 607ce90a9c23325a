from celery import shared_task
from django.utils import timezone

from crm import imports
from crm.models import WorkerHeartbeat


@shared_task(bind=True, ignore_result=True)
def record_worker_heartbeat(self) -> None:
    """Record that this worker is alive and executing tasks (beat schedules it every minute)."""
    WorkerHeartbeat.objects.update_or_create(
        worker=self.request.hostname or "unknown", defaults={"seen_at": timezone.now()}
    )


# No automatic retry: a job that fails records why on itself, and a second delivery of the
# same message finds the job already claimed and does nothing.
@shared_task(ignore_result=True)
def run_import_job(job_id: int) -> None:
    """Run one background CSV import (see crm/imports.py)."""
    imports.run_import_job(job_id=job_id)
