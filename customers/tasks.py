"""Celery tasks of customers: each loads what it needs and calls a service, nothing more."""

from celery import shared_task
from django.db import OperationalError

from crm import ladder, outbox
from customers import sweeps
from customers.messaging import delivery

# The periodic tasks need no retry of their own for the sweep: beat runs it again in five
# minutes. The daily ones retry a locked database (SQLite); being idempotent, a retry redoes
# only what is still undone. Mail goes through the notices outbox, which retries on its own.


# Named for where it began; it runs every app's clocks, each declared on the deadline ladder.
@shared_task
def run_deadline_sweep() -> dict:
    """Run every registered deadline ladder at one moment (beat: every five minutes)."""
    report = ladder.sweep()
    return {"per_ladder": report.per_ladder, "notices": report.notices}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def plan_keep_in_touch() -> int:
    """Plan keep-in-touch follow-ups for customers due some positive contact (beat: daily)."""
    return sweeps.plan_keep_in_touch()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_daily_digests() -> int:
    """Send the day's digests once the business has opened (beat: hourly)."""
    return sweeps.send_daily_digests()


# As for staff notices: the outbox counts attempts and decides when to give up; Celery only
# schedules the retry, and a retry that cannot reach the broker is found by the catch-up.
@shared_task(bind=True, ignore_result=True, max_retries=None)
def send_customer_message(self, message_id: int) -> None:
    """Send one message to a customer; one that failed with attempts left is tried again."""
    wait = outbox.retry_wait(delivery.send_customer_message(message_id=message_id))
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(ignore_result=True)
def send_due_customer_messages() -> int:
    """Send the messages whose task never ran or is overdue (beat: every five minutes)."""
    return delivery.send_due_customer_messages()
