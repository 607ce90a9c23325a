"""Self-service password reset: throttle the requests, then email a link from a worker.

The web request does the same work whether or not the address belongs to anyone (record,
count, enqueue), so neither its answer nor its timing tells an attacker who has an account.
The worker looks the accounts up and sends; a mail server that fails only retries the task.
"""

import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from crm.models import PasswordResetRequest

logger = logging.getLogger(__name__)


class TooManyResetRequests(Exception):
    """Too many password-reset requests from this address or for this email, recently."""


def request_password_reset(*, email: str, ip_address: str | None) -> None:
    """Record a reset request and have a worker email the link; refuse one past the limits.

    Raise TooManyResetRequests when the address or the email has asked more than its limit
    within PASSWORD_RESET_WINDOW; refused requests count too, so hammering keeps it closed.
    """
    now = timezone.now()
    email = email.strip().lower()
    window_start = now - settings.PASSWORD_RESET_WINDOW
    # Each statement commits on its own, on purpose: a request is visible to every other process
    # before it counts the window, so two racing requests can both be refused at the limit but
    # never both let through past it.
    PasswordResetRequest.objects.filter(requested_at__lt=window_start).delete()
    PasswordResetRequest.objects.create(requested_at=now, email=email, ip_address=ip_address)
    recent = PasswordResetRequest.objects.filter(requested_at__gte=window_start)
    if (
        recent.filter(ip_address=ip_address).count() > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        or recent.filter(email=email).count() > settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    ):
        raise TooManyResetRequests
    from crm.tasks import send_password_reset_email

    # robust: with the broker down the person sees the same page (and can ask again later);
    # the failure is logged instead of becoming a server error.
    transaction.on_commit(lambda: send_password_reset_email.delay(email), robust=True)


def send_password_reset_email(*, email: str) -> int:
    """Email a reset link to every active account with this address; return how many were sent.

    Accounts without a usable password (or inactive ones) get nothing, as in Django's own flow.
    The link starts with SITE_URL: no request, and so no forged Host header, is involved.
    """
    site = settings.SITE_URL.rstrip("/")
    subject = _("[Tend] Reset your password")
    sent = 0
    for user in PasswordResetForm().get_users(email):
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        body = render_to_string(
            "registration/reset_email.txt",
            {
                "user": user,
                "reset_url": site + path,
                "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            },
        )
        send_mail(subject, body, None, [getattr(user, user.get_email_field_name())])
        sent += 1
    if not sent:
        logger.info("Password reset asked for an address with no active account.")
    return sent
