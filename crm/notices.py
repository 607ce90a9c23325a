"""Notices to staff: written with the change they tell about, emailed by a worker, never lost.

notify() writes a Notice in the caller's transaction and, once that commits, enqueues the send
task with the row's id. With the broker down the row waits and the catch-up (beat, every five
minutes) sends it. A sender first claims the row with a conditional update, so two deliveries
of one task send one email, and a sender that died mid-send is replaced once its lease runs
out. A failing send is retried with backoff and after MAX_ATTEMPTS marked failed: logged at
ERROR, listed in the admin and counted on owners' My day.
"""

import logging
import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from crm.background import enqueue_after_commit
from crm.models import Notice

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Tend] "
SUBJECT_MAX_LENGTH = Notice._meta.get_field("subject").max_length
PATH_MAX_LENGTH = Notice._meta.get_field("path").max_length
ERROR_MAX_LENGTH = 2000
# Attempts before a notice is marked failed; the waits between them double from FIRST_RETRY
# (1, 2, 4, 8, 16 minutes), which rides out a mail server restarting or a short outage.
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
# How long a claim holds a notice. A sender still without an answer by then is taken to have
# died and another sends the notice: longer than a batch of sends can take (EMAIL_TIMEOUT
# each), or a slow sender and its replacement would both send.
LEASE = timedelta(minutes=15)
# The catch-up leaves a due notice this long to its own task, which normally runs at once.
CATCH_UP_AFTER = timedelta(minutes=2)
# The catch-up sends this many per batch (four queries each), at most MAX_BATCHES per run;
# the rest wait for the next run, so that a backlog never makes one run take hours.
BATCH_SIZE = 25
MAX_BATCHES = 20
# A queued notice still unsent this long after it was due is reported overdue by /healthz:
# past the catch-up's next run, so neither the task nor the catch-up is sending mail.
OVERDUE_AFTER = timedelta(minutes=15)
# Failures older than this no longer count on My day ("in the last week"); they stay listed
# in the admin.
FAILED_SHOWN_FOR = timedelta(days=7)

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
    now = now or timezone.now()
    claimed = _claim([notice_id], now)
    if not claimed:
        return None
    _send(claimed, now)
    return claimed[0]


def send_due_notices(*, now: datetime | None = None) -> int:
    """Send the queued notices whose task never ran or whose retry is overdue; return how many.

    Catches up after the broker was down or a worker died. Each batch costs four queries
    beyond the sends; a batch that sends nothing at all (the mail server is down) ends the run.
    """
    now = now or timezone.now()
    waiting = Notice.objects.due(now=now - CATCH_UP_AFTER).order_by("next_attempt_at", "pk")
    sent = 0
    for _batch in range(MAX_BATCHES):
        ids = list(waiting.values_list("pk", flat=True)[:BATCH_SIZE])
        if not ids:
            break
        sent_now, failed_now = _send(_claim(ids, now), now)
        sent += sent_now
        if len(ids) < BATCH_SIZE or (failed_now and not sent_now):
            break
    return sent


@transaction.atomic
def resend_notices(*, notices: QuerySet) -> int:
    """Queue the failed notices among these again, with fresh attempts; return how many."""
    from crm.tasks import send_notice

    ids = list(notices.filter(status=Notice.Status.FAILED).values_list("pk", flat=True))
    Notice.objects.filter(pk__in=ids, status=Notice.Status.FAILED).update(
        status=Notice.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    for notice_id in ids:
        enqueue_after_commit(send_notice, notice_id)
    return len(ids)


def failed_notice_count(*, now: datetime | None = None) -> int:
    """Count the notices that could not be emailed lately (FAILED_SHOWN_FOR)."""
    now = now or timezone.now()
    return Notice.objects.failed_since(now - FAILED_SHOWN_FOR).count()


def outbox_health(*, now: datetime | None = None) -> dict[str, int]:
    """Count the notices lately failed and those waiting past their time (for /healthz)."""
    now = now or timezone.now()
    return {
        "notices_failed": failed_notice_count(now=now),
        "notices_overdue": Notice.objects.due(now=now - OVERDUE_AFTER).count(),
    }


def _claim(ids: list[int], now: datetime) -> list[Notice]:
    """Take the due notices among ids for this sender; return those it won, with recipients."""
    token = uuid.uuid4()
    # The conditional update is the claim: of two senders racing for a row, the database
    # lets one through; the lease moves the next attempt ahead so the other finds it not due.
    claimed = (
        Notice.objects.due(now=now)
        .filter(pk__in=ids)
        .update(claim=token, attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    )
    if not claimed:
        return []
    return list(
        Notice.objects.filter(pk__in=ids, claim=token).select_related("recipient").order_by("pk")
    )


def _send(notices: list[Notice], now: datetime) -> tuple[int, int]:
    """Email the claimed notices and record each outcome; return how many were sent, failed."""
    sent, skipped, failed = [], [], []
    for notice in notices:
        recipient = notice.recipient
        if not (recipient.email and recipient.is_active):
            notice.status = Notice.Status.SKIPPED
            skipped.append(notice.pk)
            continue
        try:
            send_mail(mail_subject(notice), mail_body(notice), None, [recipient.email])
        # Whatever the failure (SMTP, a header, an address), it is recorded, never lost.
        except Exception as error:
            _record_failure(notice, error, now)
            failed.append(notice)
        else:
            notice.status = Notice.Status.SENT
            sent.append(notice.pk)
    # Outcomes are written per batch, not per send: a sender that dies mid-batch leaves its sent
    # notices claimed, and they go out again once the lease runs out (at least once, never lost).
    if sent:
        Notice.objects.filter(pk__in=sent).update(
            status=Notice.Status.SENT, sent_at=timezone.now()
        )
    if skipped:
        Notice.objects.filter(pk__in=skipped).update(status=Notice.Status.SKIPPED)
    if failed:
        Notice.objects.bulk_update(failed, ["status", "last_error", "next_attempt_at"])
    return len(sent), len(failed)


def _record_failure(notice: Notice, error: Exception, now: datetime) -> None:
    notice.last_error = f"{type(error).__name__}: {error}".replace("\x00", "")[:ERROR_MAX_LENGTH]
    if notice.attempts >= MAX_ATTEMPTS:
        notice.status = Notice.Status.FAILED
        logger.error(
            "Notice %s to user %s failed after %s attempts and will not be retried: %s",
            notice.pk,
            notice.recipient_id,
            notice.attempts,
            notice.last_error,
            exc_info=error,
        )
        return
    notice.next_attempt_at = now + FIRST_RETRY * 2 ** (notice.attempts - 1)
    logger.warning(
        "Notice %s to user %s failed (attempt %s of %s), retrying at %s: %s",
        notice.pk,
        notice.recipient_id,
        notice.attempts,
        MAX_ATTEMPTS,
        notice.next_attempt_at.isoformat(),
        notice.last_error,
    )


def mail_subject(notice: Notice) -> str:
    """Return the notice's email subject: one line, whatever its text held."""
    return SUBJECT_PREFIX + single_line(notice.subject, SUBJECT_MAX_LENGTH)


def mail_body(notice: Notice) -> str:
    """Return the notice's email body, ending with the link to what it is about."""
    if not notice.path:
        return notice.body
    return f"{notice.body}\n\n{settings.SITE_URL.rstrip('/')}{notice.path}"
