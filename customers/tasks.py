from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(user_id: int, subject: str, body: str) -> None:
    """Email one person; a person deleted since is skipped."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    send_mail(f"[Tend] {subject}", body, None, [user.email])
