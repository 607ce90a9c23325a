"""Celery tasks of customers: each loads what it needs and calls a service, nothing more."""

from dataclasses import asdict

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import OperationalError

from customers import sweeps


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(user_id: int, subject: str, body: str) -> None:
    """Email one person; a person deleted since is skipped."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    send_mail(f"[Tend] {subject}", body, None, [user.email])


# The periodic tasks need no retry of their own for the sweep: beat runs it again in five
# minutes. The daily ones retry a locked database (SQLite) or a failing mail server; being
# idempotent, a retry redoes only what is still undone.


@shared_task
def run_deadline_sweep() -> dict:
    """Run every app's deadline sweep (beat: every five minutes)."""
    return asdict(sweeps.run_deadline_sweeps())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def plan_keep_in_touch() -> int:
    """Plan keep-in-touch follow-ups for customers due some positive contact (beat: daily)."""
    return sweeps.plan_keep_in_touch()


@shared_task(autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=3)
def send_daily_digests() -> int:
    """Send the day's digests once the business has opened (beat: hourly)."""
    return sweeps.send_daily_digests()
