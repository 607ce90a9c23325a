import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from crm.models import WorkerHeartbeat


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
