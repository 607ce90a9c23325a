import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from crm.models import Notice, WorkerHeartbeat
from crm.notices import CATCH_UP_AFTER, notify
from crm.tasks import record_worker_heartbeat, send_due_notices
from tests.factories import UserFactory
from tests.worker import celery_worker

WAIT_SECONDS = 60


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_task_enqueued_after_commit(tmp_path, settings):
    log = tmp_path / "worker.log"
    with celery_worker(log) as queue:
        # given: a task enqueued inside a transaction goes to the broker only on commit
        with transaction.atomic():
            record_worker_heartbeat.apply_async_on_commit(queue=queue)
        # when: the worker process picks it up from the broker
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and not WorkerHeartbeat.objects.exists():
            time.sleep(0.2)
    # then: its write is in the test database
    beat = WorkerHeartbeat.objects.first()
    assert beat is not None, (
        f"no heartbeat after {WAIT_SECONDS}s on {settings.CELERY_BROKER_URL}:\n"
        + (log.read_text())
    )
    assert beat.worker == f"{queue}@tend-tests"


@pytest.mark.django_db
def test_delay_on_commit_sends_nothing_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(record_worker_heartbeat, "apply_async", lambda *a, **k: sent.append(k))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_worker_heartbeat.delay_on_commit()
    assert len(callbacks) == 1
    assert len(sent) == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        record_worker_heartbeat.delay_on_commit()
        raise RuntimeError("rolled back")
    assert len(sent) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_sends_a_notice_written_while_the_broker_was_down(tmp_path, broker):
    # given: a notice written while the broker was down, its task never sent
    broker.down()
    with transaction.atomic():
        notice = notify(user=UserFactory(), subject="Handoff offered", body="Will you take it?")
    broker.up()
    Notice.objects.filter(pk=notice.pk).update(
        next_attempt_at=timezone.now() - CATCH_UP_AFTER - timedelta(seconds=1)
    )
    log = tmp_path / "worker.log"
    with celery_worker(log) as queue:
        # when: the worker runs the catch-up
        send_due_notices.apply_async(queue=queue)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            notice.refresh_from_db()
            if notice.status != Notice.Status.QUEUED:
                break
            time.sleep(0.2)
    # then: it went out, by the mail backend of the worker's settings
    assert notice.status == Notice.Status.SENT, log.read_text()
