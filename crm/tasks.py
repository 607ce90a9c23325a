from celery import shared_task
from django.utils import timezone

from crm.models import WorkerHeartbeat


@shared_task(bind=True, ignore_result=True)
def record_worker_heartbeat(self) -> None:
    """Record that this worker is alive and executing tasks (beat schedules it every minute)."""
    WorkerHeartbeat.objects.update_or_create(
        worker=self.request.hostname or "unknown", defaults={"seen_at": timezone.now()}
    )
