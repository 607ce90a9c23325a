"""The outbox: rows written with the change they tell about, delivered by a worker, never lost.

One mechanism for every kind of row that must leave Tend (staff notices in crm/notices.py,
messages to customers in customers/messaging/): each kind is an ``Outbox`` naming its model (a
subclass of ``crm.models.OutboxItem``) and a function that delivers one row. The rest is here,
once:

- A sender first **claims** rows with a conditional update, so two deliveries of one task send
  once, and a sender that died mid-send is replaced once its **lease** runs out.
- A failing delivery is retried with **backoff**; after MAX_ATTEMPTS the row is marked failed,
  logged at ERROR and handed to the kind's ``on_failed`` (customer messages tell the owner).
- The **catch-up** (beat) sends what no task did: the broker was down or a worker died.
- A delivery may refuse a row for good by raising ``Skip(reason)``: the row is kept, skipped.
"""

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

QUEUED, SENT, FAILED, SKIPPED = "queued", "sent", "failed", "skipped"
ERROR_MAX_LENGTH = 2000
# Attempts before a row is marked failed; the waits between them double from FIRST_RETRY
# (1, 2, 4, 8, 16 minutes), which rides out a mail server restarting or a short outage.
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
# How long a claim holds a row. A sender still without an answer by then is taken to have
# died and another sends the row: longer than a batch of sends can take (EMAIL_TIMEOUT
# each), or a slow sender and its replacement would both send.
LEASE = timedelta(minutes=15)
# The catch-up leaves a due row this long to its own task, which normally runs at once.
CATCH_UP_AFTER = timedelta(minutes=2)
# The catch-up sends this many per batch (four queries each), at most MAX_BATCHES per run;
# the rest wait for the next run, so that a backlog never makes one run take hours.
BATCH_SIZE = 25
MAX_BATCHES = 20
# A queued row still unsent this long after it was due is reported overdue by /healthz:
# past the catch-up's next run, so neither the task nor the catch-up is sending.
OVERDUE_AFTER = timedelta(minutes=15)
# Failures older than this no longer count ("in the last week"); they stay listed in the admin.
FAILED_SHOWN_FOR = timedelta(days=7)


class Skip(Exception):
    """Raised by a delivery that will never send this row (no address, opted out)."""


@dataclass(frozen=True)
class Outbox:
    """One kind of outbox row and how to deliver it.

    ``deliver(row)`` sends one claimed row; it raises Skip to give up on it for good and any
    other exception to have it retried. ``describe(row)`` names the recipient in log lines.
    ``on_failed(rows)`` runs, in the sender, for the rows just marked failed.
    """

    name: str
    model: type
    deliver: Callable
    describe: Callable
    related: Sequence[str] = ()
    on_failed: Callable | None = None
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger(__name__))


_registered: dict[str, Outbox] = {}


def register(outbox: Outbox) -> Outbox:
    """Add an outbox to those /healthz counts; return it."""
    _registered[outbox.name] = outbox
    return outbox


def registered() -> list[Outbox]:
    """Return every outbox registered so far, in the order they were."""
    return list(_registered.values())


def send_one(outbox: Outbox, *, row_id: int, now: datetime | None = None):
    """Deliver one row if it is due and no other sender has it; return it as it was left.

    Returns None when there was nothing to do: sent already, failed, taken by another sender,
    or waiting for its next attempt.
    """
    now = now or timezone.now()
    claimed = claim(outbox, [row_id], now)
    if not claimed:
        return None
    deliver_claimed(outbox, claimed, now)
    return claimed[0]


def send_due(outbox: Outbox, *, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Send the queued rows whose task never ran or whose retry is overdue; return how many.

    Catches up after the broker was down or a worker died. Each batch costs four queries
    beyond the sends; a batch that sends nothing at all (the server is down) ends the run.
    """
    now = now or timezone.now()
    waiting = outbox.model.objects.due(now=now - CATCH_UP_AFTER).order_by("next_attempt_at", "pk")
    sent = 0
    for _batch in range(MAX_BATCHES):
        ids = list(waiting.values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        sent_now, failed_now = deliver_claimed(outbox, claim(outbox, ids, now), now)
        sent += sent_now
        if len(ids) < batch_size or (failed_now and not sent_now):
            break
    return sent


def requeue_failed(outbox: Outbox, rows) -> list[int]:
    """Queue the failed rows among these again, with fresh attempts; return their ids."""
    ids = list(rows.filter(status=FAILED).values_list("pk", flat=True))
    outbox.model.objects.filter(pk__in=ids, status=FAILED).update(
        status=QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    return ids


def retry_wait(row) -> float | None:
    """Return the seconds a task should wait to try the row again; None when it is done."""
    if row is None or row.status != QUEUED:
        return None
    return max((row.next_attempt_at - timezone.now()).total_seconds(), 0)


def health(*, now: datetime | None = None) -> dict[str, int]:
    """Count the rows of every registered outbox lately failed and waiting past their time."""
    now = now or timezone.now()
    failed = overdue = 0
    for outbox in registered():
        rows = outbox.model.objects
        failed += rows.failed_since(now - FAILED_SHOWN_FOR).count()
        overdue += rows.due(now=now - OVERDUE_AFTER).count()
    return {"failed": failed, "overdue": overdue}


def claim(outbox: Outbox, ids: list[int], now: datetime) -> list:
    """Take the due rows among ids for this sender; return those it won."""
    token = uuid.uuid4()
    model = outbox.model
    # The conditional update is the claim: of two senders racing for a row, the database
    # lets one through; the lease moves the next attempt ahead so the other finds it not due.
    claimed = (
        model.objects.due(now=now)
        .filter(pk__in=ids)
        .update(claim=token, attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    )
    if not claimed:
        return []
    rows = model.objects.filter(pk__in=ids, claim=token)
    return list(rows.select_related(*outbox.related).order_by("pk"))


def deliver_claimed(outbox: Outbox, rows: list, now: datetime) -> tuple[int, int]:
    """Deliver the claimed rows and record each outcome; return how many were sent, failed."""
    sent, skipped, failed = [], [], []
    for row in rows:
        try:
            outbox.deliver(row)
        except Skip as reason:
            row.status = SKIPPED
            row.last_error = _error_text(str(reason))
            skipped.append(row)
        # Whatever the failure (SMTP, HTTP, a header, an address), it is recorded, never lost.
        except Exception as error:
            _record_failure(outbox, row, error, now)
            failed.append(row)
        else:
            row.status = SENT
            sent.append(row.pk)
    # Outcomes are written per batch, not per send: a sender that dies mid-batch leaves its sent
    # rows claimed, and they go out again once the lease runs out (at least once, never lost).
    model = outbox.model
    if sent:
        model.objects.filter(pk__in=sent).update(status=SENT, sent_at=timezone.now())
    if skipped:
        model.objects.bulk_update(skipped, ["status", "last_error"])
    if failed:
        model.objects.bulk_update(failed, ["status", "last_error", "next_attempt_at"])
        given_up = [row for row in failed if row.status == FAILED]
        if given_up and outbox.on_failed is not None:
            outbox.on_failed(given_up)
    return len(sent), len(failed)


def _error_text(text: str) -> str:
    return text.replace("\x00", "")[:ERROR_MAX_LENGTH]


def _record_failure(outbox: Outbox, row, error: Exception, now: datetime) -> None:
    row.last_error = _error_text(f"{type(error).__name__}: {error}")
    name = row._meta.verbose_name.capitalize()
    if row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
        outbox.logger.error(
            "%s %s to %s failed after %s attempts and will not be retried: %s",
            name,
            row.pk,
            outbox.describe(row),
            row.attempts,
            row.last_error,
            exc_info=error,
        )
        return
    row.next_attempt_at = now + FIRST_RETRY * 2 ** (row.attempts - 1)
    outbox.logger.warning(
        "%s %s to %s failed (attempt %s of %s), retrying at %s: %s",
        name,
        row.pk,
        outbox.describe(row),
        row.attempts,
        MAX_ATTEMPTS,
        row.next_attempt_at.isoformat(),
        row.last_error,
    )
