"""Notices to staff: written with the change they tell about, emailed by a worker, never lost.

notify() writes a Notice in the caller's transaction and, once that commits, enqueues the send
task with the row's id. With the broker down the row waits and the catch-up (beat, every five
minutes) sends it. A sender first claims the row with a conditional update, so two deliveries
of one task send one email, and a sender that died mid-send is replaced once its lease runs
out. A failing send is retried with backoff and after MAX_ATTEMPTS marked failed: logged at
ERROR, listed in the admin and counted on owners' My day. The claiming, leases, retries and
catch-up are the shared outbox's (crm/outbox.py); this module says what a notice is and how one
is emailed.
"""

import logging
import re
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from crm import outbox
from crm.background import enqueue_after_commit
from crm.models import Notice
from crm.outbox import (  # noqa: F401 — the outbox's policy, read by callers from here too
    CATCH_UP_AFTER,
    FAILED_SHOWN_FOR,
    LEASE,
    MAX_ATTEMPTS,
)

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Tend] "
SUBJECT_MAX_LENGTH = Notice._meta.get_field("subject").max_length
PATH_MAX_LENGTH = Notice._meta.get_field("path").max_length
# The catch-up sends this many per batch (see crm.outbox.BATCH_SIZE).
BATCH_SIZE = outbox.BATCH_SIZE

# C0 and C1 control characters (CR, LF, NUL, tab …) and the Unicode line and paragraph
# separators: any of them in a mail header either breaks the header or refuses to send.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(text: str, max_length: int) -> str:
    """Return the text as one line safe for a mail header, at most ``max_length`` long.

    Control characters become spaces and runs of spaces one; a longer text is cut with "…".
    """
    line = " ".join(_CONTROL_CHARACTERS.sub(" ", str(text)).split())
    if len(line) > max_length:
        line = line[: max_length - 1].rstrip() + "…"
    return line


def notify(*, user, subject: str, body: str, path: str = "") -> Notice:
    """Write a notice to the user in the current transaction; email it once that commits.

    Someone without an email address, or no longer active, keeps the notice unsent (skipped).
    """
    notice = _new_notice(user=user, subject=subject, body=body, path=path)
    notice.save()
    _enqueue([notice])
    return notice


def notify_many(messages: Iterable[tuple]) -> list[Notice]:
    """Write one notice per (user, subject, body, path) in one statement; email them on commit.

    The same rules as notify(): someone unreachable keeps an unsent (skipped) notice.
    """
    notices = Notice.objects.bulk_create(
        [
            _new_notice(user=user, subject=subject, body=body, path=path)
            for user, subject, body, path in messages
        ]
    )
    _enqueue(notices)
    return notices


def _new_notice(*, user, subject: str, body: str, path: str) -> Notice:
    reachable = bool(user.email) and user.is_active
    return Notice(
        recipient=user,
        subject=single_line(subject, SUBJECT_MAX_LENGTH),
        # PostgreSQL refuses NUL in text: a customer's words must not fail the caller's change.
        body=str(body).replace("\x00", ""),
        path=path[:PATH_MAX_LENGTH],
        status=Notice.Status.QUEUED if reachable else Notice.Status.SKIPPED,
    )


def _enqueue(notices: list[Notice]) -> None:
    from crm.tasks import send_notice  # crm.tasks imports this module

    for notice in notices:
        # bulk_create returns the ids on PostgreSQL and SQLite; a row without one waits for
        # the catch-up, which finds every queued notice.
        if notice.status == Notice.Status.QUEUED and notice.pk is not None:
            enqueue_after_commit(send_notice, notice.pk)


def send_notice(*, notice_id: int, now: datetime | None = None) -> Notice | None:
    """Email one notice if it is due and no other sender has it; return it as it was left.

    Returns None when there was nothing to do: sent already, failed, taken by another sender,
    or waiting for its next attempt.
    """
    return outbox.send_one(NOTICES, row_id=notice_id, now=now)


def send_due_notices(*, now: datetime | None = None) -> int:
    """Send the queued notices whose task never ran or whose retry is overdue; return how many.

    Catches up after the broker was down or a worker died (see crm.outbox.send_due).
    """
    return outbox.send_due(NOTICES, now=now, batch_size=BATCH_SIZE)


@transaction.atomic
def resend_notices(*, notices: QuerySet) -> int:
    """Queue the failed notices among these again, with fresh attempts; return how many."""
    from crm.tasks import send_notice

    ids = outbox.requeue_failed(NOTICES, notices)
    for notice_id in ids:
        enqueue_after_commit(send_notice, notice_id)
    return len(ids)


def failed_notice_count(*, now: datetime | None = None) -> int:
    """Count the notices that could not be emailed lately (FAILED_SHOWN_FOR)."""
    now = now or timezone.now()
    return Notice.objects.failed_since(now - FAILED_SHOWN_FOR).count()


def outbox_health(*, now: datetime | None = None) -> dict[str, int]:
    """Count what every outbox (notices, customer messages) lately failed or holds overdue.

    For /healthz: either says that mail is not going out.
    """
    counts = outbox.health(now=now)
    return {"notices_failed": counts["failed"], "notices_overdue": counts["overdue"]}


def _deliver(notice: Notice) -> None:
    """Email one claimed notice; someone without an email address, or gone, is skipped."""
    recipient = notice.recipient
    if not (recipient.email and recipient.is_active):
        raise outbox.Skip("")
    # Looked up here, at call time, so that tests may stand in for the mail server.
    send_mail(mail_subject(notice), mail_body(notice), None, [recipient.email])


NOTICES = outbox.register(
    outbox.Outbox(
        name="notices",
        model=Notice,
        deliver=_deliver,
        describe=lambda notice: f"user {notice.recipient_id}",
        related=("recipient",),
        logger=logger,
    )
)


def mail_subject(notice: Notice) -> str:
    """Return the notice's email subject: one line, whatever its text held."""
    return SUBJECT_PREFIX + single_line(notice.subject, SUBJECT_MAX_LENGTH)


def mail_body(notice: Notice) -> str:
    """Return the notice's email body, ending with the link to what it is about."""
    if not notice.path:
        return notice.body
    return f"{notice.body}\n\n{settings.SITE_URL.rstrip('/')}{notice.path}"
