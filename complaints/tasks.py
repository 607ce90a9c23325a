from celery import shared_task

from complaints import services


@shared_task
def process_complaint_intake(complaint_id: int) -> None:
    """Run a new complaint's background work (once, however often it is delivered)."""
    services.process_intake(complaint_id=complaint_id)


@shared_task(ignore_result=True)
def process_pending_intakes() -> int:
    """Run the intakes whose task never reached a worker (beat: every five minutes)."""
    return services.process_pending_intakes()
