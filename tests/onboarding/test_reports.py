"""Onboarding report figures (onboarding/reports.py) on hand-built data, exact values."""

from datetime import UTC, date, datetime, timedelta

import pytest

from crm.models import Holiday
from onboarding import reports
from tests.factories import HandoffFactory, OnboardingFactory, UserFactory

pytestmark = pytest.mark.django_db

# Monday 2 November 2026 to Monday 30 November (four weeks), the business in UTC.
START = datetime(2026, 11, 2, tzinfo=UTC)
END = datetime(2026, 11, 30, tzinfo=UTC)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def finished(started, completed, **fields):
    return OnboardingFactory(
        started_at=started, completed_at=completed, status="completed", **fields
    )


def test_cycle_time_counts_business_days_and_skips_a_holiday(weekdays_nine_to_five):
    # given Thursday 12 November a holiday, and three onboardings completed in the period
    Holiday.objects.create(date=date(2026, 11, 12), name="Closed")
    finished(at(2), at(4))  # Mon -> Wed: 2 business days
    finished(at(6), at(9))  # Fri -> Mon: the weekend does not count, 1
    finished(at(10), at(16))  # Tue -> Mon: Tue, Wed, (Thu holiday), Fri: 3
    finished(at(1), at(3), owner=UserFactory())  # Sun -> Tue: Mon only, 1
    finished(at(2), at(30))  # completed after the period: not counted
    # when
    stats = reports.cycle_time(start=START, end=END)
    # then: 1, 1, 2, 3, whose nearest-rank median is the second value
    assert (stats.count, stats.median, stats.p90) == (4, 1.0, 3.0)


def test_cycle_time_around_the_clock_counts_every_day():
    finished(at(6), at(9))
    stats = reports.cycle_time(start=START, end=END)
    assert (stats.count, stats.median, stats.p90) == (1, 3.0, 3.0)


def test_cycle_time_of_an_empty_period_and_of_a_person_with_no_data(weekdays_nine_to_five):
    finished(at(2), at(4))
    nobody = UserFactory()
    assert reports.cycle_time(start=END, end=END + timedelta(days=7)).median is None
    assert reports.cycle_time(start=START, end=END, people=[nobody.pk]).count == 0


def test_flow_counts_each_event_by_its_own_time():
    owner = UserFactory()
    OnboardingFactory(owner=owner, started_at=at(3))  # started
    finished(at(1), at(5), owner=owner)  # completed (started before the period)
    finished(at(3), at(5), owner=owner)  # started and completed
    OnboardingFactory(
        owner=owner, started_at=at(4), status="cancelled", cancelled_at=at(6)
    )  # started and cancelled
    OnboardingFactory(started_at=at(3))  # someone else's
    mine = reports.onboarding_flow(start=START, end=END, people=[owner.pk])
    assert mine == reports.Flow(started=3, completed=2, cancelled=1)
    assert reports.onboarding_flow(start=START, end=END).started == 4
    empty = reports.onboarding_flow(start=END, end=END + timedelta(days=1))
    assert empty == reports.Flow(started=0, completed=0, cancelled=0)


def test_stalled_now_follows_the_ladder(weekdays_nine_to_five, settings):
    settings.ONBOARDING_STALL_DAYS = 5
    now = at(20, 12)  # Friday
    OnboardingFactory(started_at=at(2), last_progress_at=at(12))  # 6 business days: stalled
    OnboardingFactory(started_at=at(2), last_progress_at=at(16))  # 4: not yet
    finished(at(2), at(3), last_progress_at=at(3))  # finished: never stalled
    assert reports.stalled_now(now=now) == 1


def test_handoff_answers_time_acceptances_and_count_real_declines():
    receiver = UserFactory()
    HandoffFactory(to_user=receiver, created_at=at(3, 9), accepted_at=at(3, 10))  # 60 min
    HandoffFactory(to_user=receiver, created_at=at(4, 9), accepted_at=at(4, 12))  # 180 min
    HandoffFactory(to_user=receiver, created_at=at(5, 9), accepted_at=at(6, 9))  # 1440 min
    HandoffFactory(to_user=receiver, created_at=at(5, 9), declined_at=at(5, 11))  # declined
    withdrawn = HandoffFactory(to_user=receiver, created_at=at(5, 9), declined_at=at(7, 11))
    withdrawn.onboarding.status, withdrawn.onboarding.cancelled_at = "cancelled", at(7, 11)
    withdrawn.onboarding.save()
    HandoffFactory(created_at=at(5, 9), declined_at=at(5, 11))  # someone else's
    answers = reports.handoff_answers(start=START, end=END, people=[receiver.pk])
    assert answers.acceptance == reports.OrderStatistics(3, 180.0, 1440.0)
    assert answers.declined == 1
    assert reports.handoff_answers(start=START, end=END).declined == 2
