"""Each figure of sections 1 to 3 on hand-built data, with its exact value."""

from datetime import UTC, date, datetime, timedelta

import pytest

from complaints import reports as complaint_reports
from complaints import services as complaint_services
from complaints.models import RootCause
from crm.models import Holiday
from crm.percentiles import percentiles
from crm.reporting import Period, Scope
from customers import reports
from customers import services as customer_services
from customers.models import FollowUp
from customers.reports import Moves, Share
from tests.factories import ComplaintFactory, CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

# Monday 23 November to Sunday 6 December 2026; Monday 30 November is a holiday.
PERIOD = Period.between(date(2026, 11, 23), date(2026, 12, 6))
LATER = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def holiday(weekdays_nine_to_five):
    Holiday.objects.create(date=date(2026, 11, 30))


def request_callback(clock, actor, moment):
    clock.set(moment)
    _interaction, callback = customer_services.log_interaction(
        actor=actor, customer=CustomerFactory(), summary="Call me", needs_callback=True
    )
    return callback


def complete(clock, actor, follow_up, moment):
    clock.set(moment)
    return customer_services.complete_follow_up(actor=actor, follow_up=follow_up, outcome="Done")


def test_callback_response_counts_business_minutes_over_a_weekend_and_a_holiday(
    holiday, clock, staff
):
    # given: Friday 16:30 -> Tuesday 09:45 across a weekend and a holiday is 30 + 45 minutes
    slow = request_callback(clock, staff, at(27, 16, 30))
    quick = request_callback(clock, staff, at(24, 10, 0))
    forgotten = request_callback(clock, staff, at(25, 10, 0))
    complete(clock, staff, slow, at(1, 9, 45, month=12))
    complete(clock, staff, quick, at(24, 10, 20))
    # when
    clock.set(LATER)
    # then
    slow.refresh_from_db()
    assert slow.response_minutes == 75
    assert reports.callbacks_within_target(PERIOD, Scope(), now=LATER) == Share(1, 3)
    assert reports.callback_response_percentiles(PERIOD, Scope(), now=LATER) == {50: 20, 90: 75}
    by_week = reports.callbacks_within_target_by_week(PERIOD, Scope(), now=LATER)
    assert by_week == {date(2026, 11, 23): Share(1, 3), date(2026, 11, 30): Share(0, 0)}
    assert forgotten.status == FollowUp.Status.OPEN


def test_a_callback_not_yet_due_is_not_judged_and_an_undone_one_loses_its_time(
    weekdays_nine_to_five, clock, staff
):
    callback = request_callback(clock, staff, at(24, 10, 0))
    complete(clock, staff, callback, at(24, 10, 5))
    customer_services.reopen_follow_up(actor=staff, follow_up=callback)
    callback.refresh_from_db()
    assert callback.response_minutes is None
    assert reports.callbacks_within_target(PERIOD, Scope(), now=at(24, 10, 6)) == Share(0, 0)


def test_percentiles_take_the_nearest_rank_per_partition(staff):
    for minutes in range(1, 11):
        FollowUpFactory(
            owner=staff,
            kind="callback",
            status="done",
            response_minutes=minutes,
            completed_at=LATER,
            promised_to_customer=minutes % 2 == 0,
        )
    FollowUpFactory(owner=staff, kind="callback", response_minutes=None)
    assert percentiles(FollowUp.objects.all(), "response_minutes") == {None: {50: 5, 90: 9}}
    assert percentiles(
        FollowUp.objects.all(), "response_minutes", partition="promised_to_customer"
    ) == {False: {50: 5, 90: 9}, True: {50: 6, 90: 10}}
    assert percentiles(FollowUp.objects.none(), "response_minutes") == {}


def test_promises_kept_on_time_and_a_promise_moved_twice(clock, staff):
    clock.set(at(23, 9))
    due = at(25, 12)
    kept = FollowUpFactory(owner=staff, promised_to_customer=True, due_at=due)
    late = FollowUpFactory(owner=staff, promised_to_customer=True, due_at=due)
    FollowUpFactory(owner=staff, promised_to_customer=True, due_at=due)  # open, past due
    FollowUpFactory(owner=staff, promised_to_customer=True, due_at=at(4, 12, month=12))  # ahead
    FollowUpFactory(owner=staff, promised_to_customer=True, due_at=due, status="cancelled")
    FollowUpFactory(owner=staff, promised_to_customer=False, due_at=due)  # not a promise
    moved = FollowUpFactory(owner=staff, promised_to_customer=True, due_at=at(24, 12))
    complete(clock, staff, kept, at(25, 11))
    complete(clock, staff, late, at(25, 13))
    clock.set(at(24, 10))
    customer_services.reschedule_follow_up(
        actor=staff, follow_up=moved, due_at=at(26, 12), reason="Parts late", customer_told=True
    )
    customer_services.reschedule_follow_up(
        actor=staff, follow_up=moved, due_at=at(27, 12), reason="Again", customer_told=False
    )
    now = at(28, 9)
    # kept, late, open past due, moved (open past its new time): 1 of 4
    assert reports.promises_kept(PERIOD, Scope(), now=now) == Share(1, 4)
    assert reports.promises_moved(PERIOD, Scope()) == Moves(moves=2, promises=1, told=1)
    assert reports.promises_moved(PERIOD, Scope(person=CustomerFactory().account_owner)) == Moves(
        0, 0, 0
    )


def _complaint(owner, received, **fields):
    return ComplaintFactory(owner=owner, logged_by=owner, received_at=received, **fields)


def test_paused_time_is_left_out_of_the_time_to_resolve(weekdays_nine_to_five, clock, staff):
    # given: received Monday 09:00, waiting on the customer Monday 11:00 to Tuesday 11:00
    complaint = _complaint(staff, at(23, 9), first_response_due=at(23, 10))
    clock.set(at(23, 10))
    complaint = complaint_services.acknowledge(actor=staff, complaint=complaint)
    clock.set(at(23, 11))
    complaint = complaint_services.wait_on_customer(
        actor=staff, complaint=complaint, reason="Photos"
    )
    clock.set(at(24, 11))
    complaint = complaint_services.start_investigating(actor=staff, complaint=complaint)
    # when: resolved Tuesday 12:00
    clock.set(at(24, 12))
    complaint = complaint_services.resolve(actor=staff, complaint=complaint, no_remedy=True)
    # then: 480 + 180 business minutes spent, 480 of them paused
    assert complaint.paused_minutes == 480
    assert complaint.resolution_minutes == 180
    assert complaint_reports.resolution_percentiles_by_severity(PERIOD, Scope()) == {
        "normal": {50: 180, 90: 180}
    }
    assert complaint_reports.resolutions_within_sla(PERIOD, Scope()) == Share(1, 1)
    assert complaint_reports.first_responses_within_sla(PERIOD, Scope(), now=LATER) == Share(1, 1)


def test_first_responses_late_missing_and_not_yet_due(clock, staff):
    on_time = _complaint(staff, at(23, 9), first_response_due=at(23, 10))
    late = _complaint(staff, at(23, 9), first_response_due=at(23, 10))
    _complaint(staff, at(23, 9), first_response_due=at(23, 10))  # never acknowledged
    _complaint(staff, at(28, 9), first_response_due=at(28, 10))  # not yet due
    clock.set(at(23, 10))
    complaint_services.acknowledge(actor=staff, complaint=on_time)
    clock.set(at(23, 10, 1))
    complaint_services.acknowledge(actor=staff, complaint=late)
    now = at(28, 9, 30)
    assert complaint_reports.first_responses_within_sla(PERIOD, Scope(), now=now) == Share(1, 3)
    weeks = complaint_reports.first_responses_within_sla_by_week(PERIOD, Scope(), now=now)
    assert weeks[date(2026, 11, 23)] == Share(1, 3)


def test_customer_updates_on_time_and_late(clock, staff):
    complaint = _complaint(staff, at(23, 9), next_update_due=at(24, 9))
    clock.set(at(23, 12))
    complaint = complaint_services.record_customer_update(
        actor=staff, complaint=complaint, channel="phone", text="On it"
    )
    clock.set(complaint.next_update_due + timedelta(minutes=1))
    complaint_services.record_customer_update(
        actor=staff, complaint=complaint, channel="phone", text="Still on it"
    )
    assert complaint_reports.customer_updates_on_time(PERIOD, Scope()) == Share(1, 2)


def test_a_complaint_reopened_at_the_check_in_then_closed(clock, staff):
    cause = RootCause.objects.create(name="Test courier delay")
    complaint = _complaint(
        staff, at(23, 9), promised_by=at(27, 17), expected_by=at(26, 17), is_repeat=True
    )
    _complaint(staff, at(24, 9), customer=complaint.customer)
    clock.set(at(23, 10))
    complaint = complaint_services.acknowledge(actor=staff, complaint=complaint)
    clock.set(at(24, 10))
    complaint = complaint_services.resolve(actor=staff, complaint=complaint, no_remedy=True)
    clock.set(at(25, 10))
    complaint = complaint_services.record_check_in(
        actor=staff, complaint=complaint, satisfied=False, rating=2
    )
    assert complaint.resolution_minutes is None
    clock.set(at(26, 10))
    complaint = complaint_services.resolve(actor=staff, complaint=complaint, no_remedy=True)
    clock.set(at(27, 10))
    complaint_services.record_check_in(
        actor=staff,
        complaint=complaint,
        satisfied=True,
        rating=4,
        root_cause=cause,
        corrective_note="New courier",
    )
    assert complaint_reports.check_in_outcomes(PERIOD, Scope()) == Share(1, 2)
    assert complaint_reports.root_causes_of_closed(PERIOD, Scope()) == [
        {"root_cause": cause.pk, "root_cause__name": "Test courier delay", "count": 1}
    ]
    # Satisfied Friday 10:00: by the promised Friday 17:00, after the expected Thursday 17:00.
    assert complaint_reports.times_met(PERIOD, Scope(), "promised_by", now=LATER) == Share(1, 1)
    assert complaint_reports.times_met(PERIOD, Scope(), "expected_by", now=LATER) == Share(0, 1)
    # One customer, who had complained before: a repeat complainant.
    assert complaint_reports.repeat_complainants(PERIOD, Scope()) == Share(1, 1)


def test_volume_by_category_levels_and_severity(staff):
    from tests.factories import CategoryFactory

    delivery = CategoryFactory(name="Parcel")
    late = CategoryFactory(name="Slow", parent=delivery)
    _complaint(staff, at(23, 9), category=late, severity="high")
    _complaint(staff, at(24, 9), category=delivery)
    _complaint(staff, at(1, 9, month=12))
    summary = complaint_reports.received_summary(PERIOD, Scope(), now=LATER)
    assert complaint_reports.volume_by_week_and_parent(summary) == {
        (date(2026, 11, 23), "Parcel"): 2,
        (date(2026, 11, 30), ""): 1,
    }
    assert {
        (row["category__parent__name"], row["category__name"], row["count"])
        for row in complaint_reports.volume_by_category(summary)
    } == {("Parcel", "Slow", 1), (None, "Parcel", 1), (None, None, 1)}
    assert complaint_reports.volume_by_week_and_severity(summary) == {
        (date(2026, 11, 23), "high"): 1,
        (date(2026, 11, 23), "normal"): 1,
        (date(2026, 11, 30), "normal"): 1,
    }


def test_an_empty_period_and_a_person_with_no_data(staff, other_staff):
    _complaint(staff, at(23, 9))
    nobody = Scope(person=other_staff)
    empty = Period.between(date(2025, 1, 1), date(2025, 1, 7))
    for period, scope in ((empty, Scope()), (PERIOD, nobody)):
        assert reports.callbacks_within_target(period, scope, now=LATER) == Share(0, 0)
        assert reports.callback_response_percentiles(period, scope, now=LATER) == {}
        assert reports.promises_kept(period, scope, now=LATER) == Share(0, 0)
        assert complaint_reports.first_responses_within_sla(period, scope, now=LATER) == Share(
            0, 0
        )
        assert complaint_reports.resolution_percentiles_by_severity(period, scope) == {}
        assert complaint_reports.root_causes_of_closed(period, scope) == []
        assert complaint_reports.repeat_complainants(period, scope) == Share(0, 0)


def test_weeks_start_at_the_business_midnight_across_daylight_saving(settings, staff):
    settings.TIME_ZONE = "America/New_York"
    period = Period.between(date(2026, 3, 2), date(2026, 3, 15))
    # Sunday 8 March 23:30 in New York is Monday 03:30 UTC: still the week of 2 March.
    late_sunday = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)
    FollowUpFactory(
        owner=staff,
        kind="callback",
        status="done",
        created_at=late_sunday,
        completed_at=late_sunday,
        response_minutes=10,
    )
    weeks = reports.callbacks_within_target_by_week(period, Scope(), now=LATER)
    assert weeks == {date(2026, 3, 2): Share(1, 1), date(2026, 3, 9): Share(0, 0)}
