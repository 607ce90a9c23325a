from celery import shared_task

from complaints import messages, services


@shared_task
def process_complaint_intake(complaint_id: int) -> None:
    """Run a new complaint's background work (once, however often it is delivered)."""
    services.process_intake(complaint_id=complaint_id)


@shared_task(ignore_result=True)
def process_pending_intakes() -> int:
    """Run the intakes whose task never reached a worker (beat: every five minutes)."""
    return services.process_pending_intakes()


@shared_task(ignore_result=True)
def send_check_in_surveys() -> int:
    """Send the survey link of every check-in fallen due (beat: every fifteen minutes)."""
    return messages.send_check_in_surveys()
