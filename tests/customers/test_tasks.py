import time as wall_clock
from datetime import UTC, date, datetime, time, timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.utils import timezone

from crm import ladder
from crm.celery import app
from customers import tasks
from customers.models import DigestLog, FollowUp
from tests.factories import CustomerFactory, FollowUpFactory, UserFactory
from tests.worker import celery_worker

pytestmark = pytest.mark.django_db

# 2026: Monday 2 March.
MONDAY = date(2026, 3, 2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@pytest.fixture(autouse=True)
def _business_settings(settings):
    settings.TIME_ZONE = "UTC"
    # Notifications are Celery tasks enqueued after commit; run them in-process to see the mail.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


def test_deadline_task_reminds_the_owner_of_an_overdue_follow_up(
    staff, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    FollowUpFactory(owner=staff, subject="Call Ada back", due_at=at(MONDAY, 10))
    time_machine.move_to(at(MONDAY, 10, 5), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.run_deadline_sweep()

    assert result["per_ladder"]["followup_overdue"] == (1, 0)
    assert result["notices"] == 1
    [message] = mailoutbox
    assert message.to == [staff.email]
    assert message.subject == "[Tend] 1 overdue follow-up"
    assert "Call Ada back" in message.body


def test_deadline_task_runs_every_registered_ladder_at_one_moment(time_machine, monkeypatch):
    time_machine.move_to(at(MONDAY, 10), tick=False)
    seen = []

    def sweep(*, now=None, ladders=None):
        seen.append((now, ladders))
        return ladder.SweepReport(per_ladder={"handoffs": (0, 3)}, notices=2)

    monkeypatch.setattr(ladder, "sweep", sweep)

    assert tasks.run_deadline_sweep() == {"per_ladder": {"handoffs": (0, 3)}, "notices": 2}
    assert seen == [(None, None)]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_deadline_sweep(tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # An owner without email: a reminder would be one more task, on the default queue that a
    # developer's own worker may be consuming.
    owner = UserFactory(email="")
    follow_up = FollowUpFactory(owner=owner, due_at=timezone.now() - timedelta(minutes=5))
    log = tmp_path / "worker.log"

    with celery_worker(log) as queue:
        tasks.run_deadline_sweep.apply_async(queue=queue)
        deadline = wall_clock.monotonic() + 60
        while wall_clock.monotonic() < deadline:
            follow_up.refresh_from_db()
            if follow_up.overdue_notified_at:
                break
            wall_clock.sleep(0.2)

    assert follow_up.overdue_notified_at is not None, log.read_text()


def test_keep_in_touch_task_plans_follow_ups(weekdays_nine_to_five, staff, time_machine):
    time_machine.move_to(at(MONDAY, 6), tick=False)
    customer = CustomerFactory(account_owner=staff, keep_in_touch_days=30)

    assert tasks.plan_keep_in_touch() == 1
    follow_up = FollowUp.objects.get(customer=customer)
    assert follow_up.kind == FollowUp.Kind.KEEP_IN_TOUCH
    assert follow_up.owner == staff


def test_digest_task_sends_the_days_digest_once(
    weekdays_nine_to_five, staff, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    FollowUpFactory(owner=staff, due_at=at(MONDAY, 11))
    time_machine.move_to(at(MONDAY, 9), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests() == 1
        assert tasks.send_daily_digests() == 0
    assert len(mailoutbox) == 1
    assert DigestLog.objects.filter(user=staff, day=MONDAY).exists()


@pytest.mark.parametrize(
    ("entry", "task"),
    [
        ("deadline-sweep", "customers.tasks.run_deadline_sweep"),
        ("complaint-intake-catch-up", "complaints.tasks.process_pending_intakes"),
        ("keep-in-touch-planner", "customers.tasks.plan_keep_in_touch"),
        ("daily-digest", "customers.tasks.send_daily_digests"),
        ("worker-heartbeat", "crm.tasks.record_worker_heartbeat"),
        ("notice-catch-up", "crm.tasks.send_due_notices"),
        ("import-catch-up", "crm.tasks.resume_import_jobs"),
    ],
)
def test_beat_schedules_registered_tasks(entry, task):
    app.loader.import_default_modules()

    assert django_settings.CELERY_BEAT_SCHEDULE[entry]["task"] == task
    assert task in app.tasks


def test_beat_runs_the_sweep_every_five_minutes_the_planner_daily_and_the_digest_hourly():
    schedule = django_settings.CELERY_BEAT_SCHEDULE

    assert schedule["deadline-sweep"]["schedule"] == 300
    assert schedule["keep-in-touch-planner"]["schedule"] == crontab(hour=6, minute=0)
    assert schedule["daily-digest"]["schedule"] == crontab(minute=0)
