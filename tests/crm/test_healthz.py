from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from crm.models import Notice, WorkerHeartbeat


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "worker_last_seen_seconds": None,
        "notices_failed": 0,
        "notices_overdue": 0,
    }


@pytest.mark.django_db
def test_healthz_reports_how_long_ago_a_worker_was_seen(client, time_machine):
    time_machine.move_to("2026-11-23 09:00:00+00:00", tick=False)
    WorkerHeartbeat.objects.create(worker="celery@a", seen_at=timezone.now())
    time_machine.shift(90)
    assert client.get("/healthz").json()["worker_last_seen_seconds"] == 90


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
def test_healthz_reports_notices_failed_and_overdue_and_still_answers_200(
    client, staff, time_machine
):
    time_machine.move_to("2026-11-23 09:00:00+00:00", tick=False)
    now = timezone.now()
    Notice.objects.create(recipient=staff, subject="Failed", status=Notice.Status.FAILED)
    Notice.objects.create(
        recipient=staff, subject="Stuck", next_attempt_at=now - timedelta(hours=1)
    )
    Notice.objects.create(recipient=staff, subject="Just written", next_attempt_at=now)
    Notice.objects.create(recipient=staff, subject="Sent", status=Notice.Status.SENT)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["notices_failed"] == 1
    assert response.json()["notices_overdue"] == 1
