"""The contract every deadline-ladder declaration keeps, run against each registered one.

Remind once; escalate once, only after the grace in business minutes; a restarted clock starts
the ladder again; a paused clock is not due; two runs at once remind once; and the queries of
a run do not grow with the items.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from crm import ladder
from crm.models import Notice
from tests.crm.ladder_clocks import (
    CLOCKS,
    ESCALATE_AT,
    MONDAY,
    PAST_DUE,
    REMIND_AT,
    SATURDAY,
    at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _business_settings(settings, weekdays_nine_to_five):
    settings.TIME_ZONE = "Europe/London"
    for name in (
        "FOLLOW_UP_ESCALATION_MINUTES",
        "COMPLAINT_ESCALATION_MINUTES",
        "ONBOARDING_HANDOFF_REMIND_MINUTES",
        "ONBOARDING_HANDOFF_ESCALATION_MINUTES",
        "ONBOARDING_STALL_ESCALATION_MINUTES",
        "REMEDY_APPROVAL_REMIND_MINUTES",
        "COMPLAINT_HANDOFF_REMIND_MINUTES",
        "COMPLAINT_HANDOFF_ESCALATION_MINUTES",
        "REMEDY_APPROVAL_ESCALATION_MINUTES",
    ):
        setattr(settings, name, 60)
    settings.ONBOARDING_STALL_DAYS = 5


@pytest.fixture
def people(staff, supervisor, owner):
    """Someone who owns the work, and the supervisor and owner escalations reach."""
    return staff


@pytest.fixture(params=CLOCKS, ids=str)
def clock_under_test(request):
    return request.param


def run(clock, now):
    """Sweep this clock alone at now; return (notified, escalated)."""
    report = ladder.sweep(now=now, ladders=[_ladder(clock)])
    return report.per_ladder[clock.ladder]


def _ladder(clock):
    return next(known for known in ladder.registered() if known.name == clock.ladder)


def notices_to(person):
    return list(Notice.objects.filter(recipient=person).order_by("pk"))


def test_every_registered_ladder_has_a_clock_in_this_suite():
    assert {known.name for known in ladder.registered()} == {clock.ladder for clock in CLOCKS}


def test_a_due_item_is_told_once(clock_under_test, people):
    item = clock_under_test.make_due(people)
    told = clock_under_test.told(item)
    assert told

    assert run(clock_under_test, REMIND_AT) == (1, 0)
    assert run(clock_under_test, REMIND_AT) == (0, 0)
    assert run(clock_under_test, REMIND_AT + timedelta(minutes=5)) == (0, 0)

    for person in told:
        assert len(notices_to(person)) == 1
    assert Notice.objects.count() == len(told)


def test_an_item_not_due_is_left_alone(clock_under_test, people):
    clock_under_test.make_not_due(people)
    assert run(clock_under_test, REMIND_AT) == (0, 0)
    assert not Notice.objects.exists()


def test_escalation_goes_once_after_the_grace_in_business_minutes(clock_under_test, people):
    item = clock_under_test.make_due(people)
    run(clock_under_test, REMIND_AT)
    told = Notice.objects.count()

    # An hour later by the clock, but the business closed at 17:00 and opens on Monday.
    assert run(clock_under_test, at(SATURDAY, 12)) == (0, 0)
    assert run(clock_under_test, ESCALATE_AT - timedelta(minutes=1)) == (0, 0)
    assert Notice.objects.count() == told
    assert run(clock_under_test, ESCALATE_AT) == (0, 1)
    assert run(clock_under_test, ESCALATE_AT + timedelta(hours=3)) == (0, 0)

    escalated = Notice.objects.filter(subject__contains="escalated")
    recipients = set(escalated.values_list("recipient_id", flat=True))
    expected = {person.pk for person in _ladder(clock_under_test).escalate_to()}
    owner_id = getattr(item, _ladder(clock_under_test).owner_field)
    assert recipients == expected - {owner_id}
    assert escalated.count() == len(recipients)


def test_restarting_the_clock_starts_the_ladder_again(clock_under_test, people, clock):
    if clock_under_test.restart is None:
        pytest.skip("nothing restarts this clock: the event that would ends it")
    item = clock_under_test.make_due(people)
    clock.set(REMIND_AT)
    assert run(clock_under_test, REMIND_AT) == (1, 0)

    due_again = clock_under_test.restart(item)
    assert run(clock_under_test, REMIND_AT + timedelta(minutes=1)) == (0, 0)
    assert run(clock_under_test, due_again) == (1, 0)
    # The grace runs from the new reminder, not from the first one.
    escalate_at = _ladder_cutoff_passed(due_again)
    assert run(clock_under_test, escalate_at - timedelta(minutes=1)) == (0, 0)
    assert run(clock_under_test, escalate_at) == (0, 1)


def _ladder_cutoff_passed(reminded_at):
    from crm.calendar import BusinessCalendar

    return BusinessCalendar.load().add_business_minutes(reminded_at, 60)


def test_a_paused_clock_is_not_due(clock_under_test, people, clock):
    if clock_under_test.pause is None:
        pytest.skip("this clock cannot be paused")
    item = clock_under_test.make_due(people)
    clock.set(PAST_DUE)
    clock_under_test.pause(item)
    assert run(clock_under_test, REMIND_AT) == (0, 0)
    assert run(clock_under_test, at(MONDAY, 16)) == (0, 0)
    assert not Notice.objects.exists()


def test_the_queries_of_a_run_do_not_grow_with_the_items(clock_under_test, people):
    def queries(count):
        Notice.objects.all().delete()
        for _item in range(count):
            clock_under_test.make_due(people)
        with CaptureQueriesContext(connection) as remind:
            assert run(clock_under_test, REMIND_AT) == (count, 0)
        with CaptureQueriesContext(connection) as escalate:
            assert run(clock_under_test, ESCALATE_AT) == (0, count)
        return len(remind), len(escalate)

    few = queries(3)
    many = queries(30)
    assert many == few


def test_a_second_claim_at_the_same_moment_sends_nothing(clock_under_test, people):
    clock_under_test.make_due(people)
    first = ladder.sweep(now=REMIND_AT, ladders=[_ladder(clock_under_test)])
    second = ladder.sweep(now=REMIND_AT, ladders=[_ladder(clock_under_test)])
    assert first.notices >= 1
    assert second.notices == 0
    assert second.per_ladder[clock_under_test.ladder] == (0, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_tell_once(clock_under_test, people):
    item = clock_under_test.make_due(people)
    told = clock_under_test.told(item)
    barrier = threading.Barrier(2)
    reports = []

    def worker():
        try:
            barrier.wait()
            reports.append(run(clock_under_test, REMIND_AT))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(reports) == [(0, 0), (1, 0)]
    assert Notice.objects.count() == len(told)
