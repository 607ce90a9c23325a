from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from crm import calendar
from crm.calendar import BusinessCalendar
from crm.models import BusinessHours, Holiday, Weekday

LONDON = ZoneInfo("Europe/London")
NINE_TO_FIVE = [(time(9), time(17))]
WEEKDAYS_NINE_TO_FIVE = dict.fromkeys(range(5), NINE_TO_FIVE)
EVERY_DAY_NINE_TO_FIVE = dict.fromkeys(range(7), NINE_TO_FIVE)
# 2026: Monday 2 March; the clocks go forward on Sunday 29 March and back on Sunday 25 October.
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
FRIDAY = date(2026, 3, 6)
SATURDAY = date(2026, 3, 7)
NEXT_MONDAY = date(2026, 3, 9)
SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)


def at(day: date, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, fold=fold), tzinfo=LONDON)


def office(holidays=(), hours=None) -> BusinessCalendar:
    """Return a London calendar open 09:00 to 17:00 on weekdays unless told otherwise."""
    return BusinessCalendar(
        WEEKDAYS_NINE_TO_FIVE if hours is None else hours, holidays=holidays, tz=LONDON
    )


def around_the_clock(holidays=()) -> BusinessCalendar:
    return BusinessCalendar({}, holidays=holidays, tz=LONDON)


# add_business_minutes


def test_minutes_within_one_day_are_added_as_they_are():
    assert office().add_business_minutes(at(MONDAY, 10), 90) == at(MONDAY, 11, 30)


def test_minutes_ending_exactly_at_closing_give_the_closing_time():
    assert office().add_business_minutes(at(MONDAY, 16), 60) == at(MONDAY, 17)


def test_minutes_left_at_closing_continue_at_the_next_days_opening():
    assert office().add_business_minutes(at(MONDAY, 16, 30), 60) == at(TUESDAY, 9, 30)


def test_minutes_left_on_friday_evening_continue_on_monday_morning():
    assert office().add_business_minutes(at(FRIDAY, 16, 30), 60) == at(NEXT_MONDAY, 9, 30)


def test_minutes_skip_the_lunch_break():
    lunch_break = {0: [(time(9), time(12)), (time(13), time(17))]}
    calendar_ = office(hours=lunch_break)

    assert calendar_.add_business_minutes(at(MONDAY, 11, 30), 60) == at(MONDAY, 13, 30)


def test_counting_starts_at_opening_when_moment_is_before_it():
    assert office().add_business_minutes(at(MONDAY, 7), 30) == at(MONDAY, 9, 30)


def test_counting_starts_next_morning_when_moment_is_after_closing():
    assert office().add_business_minutes(at(MONDAY, 19), 30) == at(TUESDAY, 9, 30)


def test_counting_starts_after_a_holiday():
    calendar_ = office(holidays={MONDAY})

    assert calendar_.add_business_minutes(at(MONDAY, 10), 30) == at(TUESDAY, 9, 30)


def test_zero_minutes_while_open_give_the_moment_itself():
    assert office().add_business_minutes(at(MONDAY, 10, 15), 0) == at(MONDAY, 10, 15)


def test_zero_minutes_while_closed_give_the_next_opening():
    assert office().add_business_minutes(at(SATURDAY, 10), 0) == at(NEXT_MONDAY, 9)


def test_zero_minutes_at_closing_give_the_next_opening():
    assert office().add_business_minutes(at(MONDAY, 17), 0) == at(TUESDAY, 9)


def test_a_weeks_worth_of_minutes_from_monday_morning_ends_on_friday_at_closing():
    week = 5 * 8 * 60

    assert office().add_business_minutes(at(MONDAY, 9), week) == at(FRIDAY, 17)
    assert office().add_business_minutes(at(MONDAY, 9), week + 1) == at(NEXT_MONDAY, 9, 1)


def test_minutes_run_on_through_midnight_into_an_interval_that_opens_at_midnight():
    late_friday = {4: [(time(18), time(0))], 5: [(time(0), time(2))]}
    calendar_ = office(hours=late_friday)

    assert calendar_.add_business_minutes(at(FRIDAY, 23, 30), 60) == at(SATURDAY, 0, 30)


def test_an_interval_closing_at_midnight_counts_its_last_hour():
    until_midnight = {0: [(time(18), time(0))]}
    calendar_ = office(hours=until_midnight)

    assert calendar_.add_business_minutes(at(MONDAY, 23), 60) == at(MONDAY + timedelta(1), 0)
    assert calendar_.business_minutes_between(at(MONDAY, 18), at(TUESDAY, 0)) == 6 * 60


def test_overlapping_intervals_are_not_counted_twice():
    overlapping = {0: [(time(9), time(13)), (time(12), time(17))]}
    calendar_ = office(hours=overlapping)

    assert calendar_.business_minutes_between(at(MONDAY, 8), at(MONDAY, 18)) == 8 * 60


def test_result_is_in_the_business_zone_whatever_the_zone_of_the_moment():
    moment = datetime(2026, 7, 6, 9, tzinfo=UTC)  # 10:00 in London (summer time)

    result = office().add_business_minutes(moment, 30)

    assert result.tzinfo is LONDON
    assert (result.hour, result.minute) == (10, 30)


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        office().add_business_minutes(at(MONDAY, 10), -1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        office().add_business_minutes(datetime(2026, 3, 2, 10), 30)  # noqa: DTZ001


def test_a_calendar_that_never_opens_raises_instead_of_searching_forever():
    mondays_only = {0: NINE_TO_FIVE}
    every_monday_for_four_years = {MONDAY + timedelta(weeks=n) for n in range(4 * 53)}
    calendar_ = office(holidays=every_monday_for_four_years, hours=mondays_only)

    with pytest.raises(ValueError, match="does not open"):
        calendar_.add_business_minutes(at(MONDAY, 10), 30)


def test_a_long_run_of_holidays_shorter_than_the_limit_is_crossed():
    mondays_only = {0: NINE_TO_FIVE}
    every_monday_for_two_years = {MONDAY + timedelta(weeks=n) for n in range(2 * 52)}
    calendar_ = office(holidays=every_monday_for_two_years, hours=mondays_only)

    first_open_monday = MONDAY + timedelta(weeks=2 * 52)
    assert calendar_.next_opening(at(MONDAY, 10)) == at(first_open_monday, 9)


# daylight-saving time (Europe/London)


def test_opening_after_spring_forward_keeps_its_wall_clock_time():
    calendar_ = office(hours=EVERY_DAY_NINE_TO_FIVE)
    saturday = SPRING_FORWARD - timedelta(days=1)

    result = calendar_.add_business_minutes(at(saturday, 16, 30), 60)

    assert result == at(SPRING_FORWARD, 9, 30)
    assert result.utcoffset() == timedelta(hours=1)
    assert result.astimezone(UTC) == datetime(2026, 3, 29, 8, 30, tzinfo=UTC)


def test_opening_after_fall_back_keeps_its_wall_clock_time():
    calendar_ = office(hours=EVERY_DAY_NINE_TO_FIVE)
    saturday = FALL_BACK - timedelta(days=1)

    result = calendar_.add_business_minutes(at(saturday, 16, 30), 60)

    assert result.astimezone(UTC) == datetime(2026, 10, 25, 9, 30, tzinfo=UTC)
    assert (result.hour, result.minute, result.utcoffset()) == (9, 30, timedelta(0))


def test_minutes_across_the_spring_forward_gap_count_real_time():
    all_sunday = {6: [(time(0), time(0))]}
    calendar_ = office(hours=all_sunday)

    result = calendar_.add_business_minutes(at(SPRING_FORWARD, 0, 30), 60)

    # 00:30 GMT plus an hour is 01:30 GMT, which the clocks call 02:30 BST.
    assert (result.hour, result.minute) == (2, 30)
    assert result.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_minutes_across_the_fall_back_overlap_count_real_time():
    all_sunday = {6: [(time(0), time(0))]}
    calendar_ = office(hours=all_sunday)

    result = calendar_.add_business_minutes(at(FALL_BACK, 0, 30), 120)

    # 00:30 BST plus two hours is the second 01:30 of the night, in GMT.
    assert result.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert (result.hour, result.minute, result.utcoffset()) == (1, 30, timedelta(0))


def test_a_day_open_around_the_clock_is_23_hours_in_spring_and_25_in_autumn():
    all_sunday = {6: [(time(0), time(0))]}
    calendar_ = office(hours=all_sunday)
    next_day = timedelta(days=1)

    spring = calendar_.business_minutes_between(
        at(SPRING_FORWARD, 0), at(SPRING_FORWARD + next_day, 0)
    )
    autumn = calendar_.business_minutes_between(at(FALL_BACK, 0), at(FALL_BACK + next_day, 0))

    assert (spring, autumn) == (23 * 60, 25 * 60)


def test_an_interval_inside_the_spring_forward_gap_does_not_open():
    in_the_gap = {6: [(time(1), time(2))]}
    calendar_ = office(hours=in_the_gap)

    assert calendar_.opening_time(SPRING_FORWARD) is None
    assert calendar_.opening_time(SPRING_FORWARD + timedelta(weeks=1)) is not None


# around the clock (no business hours)


def test_without_hours_minutes_are_plain_minutes_even_on_weekends_and_holidays():
    calendar_ = around_the_clock(holidays={SATURDAY})

    assert calendar_.add_business_minutes(at(FRIDAY, 23), 120) == at(SATURDAY, 1)
    assert calendar_.business_minutes_between(at(FRIDAY, 23), at(SATURDAY, 1)) == 120


def test_without_hours_minutes_count_real_time_across_spring_forward():
    result = around_the_clock().add_business_minutes(at(SPRING_FORWARD, 0, 30), 60)

    assert (result.hour, result.minute) == (2, 30)


def test_without_hours_the_business_is_always_open():
    calendar_ = around_the_clock(holidays={SATURDAY})

    assert calendar_.is_open(at(SATURDAY, 3))
    assert calendar_.is_business_day(SATURDAY)
    assert calendar_.opening_time(SATURDAY) == at(SATURDAY, 0)
    assert calendar_.next_opening(at(SATURDAY, 3)) == at(SATURDAY, 3)


def test_without_hours_business_days_are_calendar_days():
    assert around_the_clock().add_business_days(at(FRIDAY, 14), 2) == at(FRIDAY + timedelta(2), 14)


# add_business_days


def test_one_business_day_after_friday_is_monday_at_the_same_time():
    assert office().add_business_days(at(FRIDAY, 14), 1) == at(NEXT_MONDAY, 14)


def test_business_days_skip_holidays():
    calendar_ = office(holidays={NEXT_MONDAY})

    assert calendar_.add_business_days(at(FRIDAY, 14), 1) == at(NEXT_MONDAY + timedelta(1), 14)


def test_five_business_days_are_a_week():
    assert office().add_business_days(at(MONDAY, 11), 5) == at(NEXT_MONDAY, 11)


def test_zero_business_days_give_the_moment_itself():
    assert office().add_business_days(at(SATURDAY, 11), 0) == at(SATURDAY, 11)


def test_business_days_keep_the_wall_clock_time_across_spring_forward():
    friday_before = SPRING_FORWARD - timedelta(days=2)

    result = office().add_business_days(at(friday_before, 10), 1)

    assert (result.date(), result.hour, result.utcoffset()) == (
        SPRING_FORWARD + timedelta(1),
        10,
        timedelta(hours=1),
    )


def test_negative_business_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        office().add_business_days(at(MONDAY, 10), -1)


# business_minutes_between


def test_minutes_between_count_only_open_time_overnight():
    assert office().business_minutes_between(at(MONDAY, 16), at(TUESDAY, 10)) == 120


def test_minutes_between_skip_the_weekend():
    assert office().business_minutes_between(at(FRIDAY, 16), at(NEXT_MONDAY, 10)) == 120


def test_minutes_between_skip_the_lunch_break():
    lunch_break = {0: [(time(9), time(12)), (time(13), time(17))]}
    calendar_ = office(hours=lunch_break)

    assert calendar_.business_minutes_between(at(MONDAY, 11), at(MONDAY, 14)) == 120


def test_minutes_between_stop_at_the_end_even_before_a_later_interval_that_day():
    lunch_break = {0: [(time(9), time(12)), (time(13), time(17))]}
    calendar_ = office(hours=lunch_break)

    assert calendar_.business_minutes_between(at(MONDAY, 11), at(MONDAY, 12, 30)) == 60


def test_minutes_between_are_zero_when_end_is_not_after_start():
    assert office().business_minutes_between(at(MONDAY, 12), at(MONDAY, 12)) == 0
    assert office().business_minutes_between(at(MONDAY, 12), at(MONDAY, 10)) == 0


def test_minutes_between_undo_add_business_minutes():
    start = at(FRIDAY, 15, 10)
    end = office().add_business_minutes(start, 1000)

    assert office().business_minutes_between(start, end) == 1000


def test_minutes_between_over_years_of_holidays_do_not_give_up():
    mondays_only = {0: NINE_TO_FIVE}
    every_monday_for_four_years = {MONDAY + timedelta(weeks=n) for n in range(4 * 53)}
    calendar_ = office(holidays=every_monday_for_four_years, hours=mondays_only)

    four_years_later = at(MONDAY, 0) + timedelta(days=4 * 365)

    assert calendar_.business_minutes_between(at(MONDAY, 0), four_years_later) == 0


# is_open, is_business_day, opening_time, next_opening


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(MONDAY, 8, 59), False),
        (at(MONDAY, 9), True),
        (at(MONDAY, 12, 30), False),
        (at(MONDAY, 16, 59), True),
        (at(MONDAY, 17), False),
        (at(SATURDAY, 10), False),
    ],
)
def test_is_open_follows_the_intervals(moment, expected):
    lunch_break = {0: [(time(9), time(12)), (time(13), time(17))]}

    assert office(hours=lunch_break).is_open(moment) is expected


def test_is_open_is_false_all_day_on_a_holiday():
    assert not office(holidays={MONDAY}).is_open(at(MONDAY, 10))


@pytest.mark.parametrize(
    ("day", "expected"), [(MONDAY, True), (SATURDAY, False), (TUESDAY, False)]
)
def test_is_business_day_is_false_on_closed_weekdays_and_holidays(day, expected):
    assert office(holidays={TUESDAY}).is_business_day(day) is expected


def test_opening_time_is_the_first_opening_of_the_day():
    lunch_break = {0: [(time(13), time(17)), (time(9, 30), time(12))]}

    assert office(hours=lunch_break).opening_time(MONDAY) == at(MONDAY, 9, 30)


def test_opening_time_is_none_on_a_closed_weekday_and_on_a_holiday():
    calendar_ = office(holidays={MONDAY})

    assert calendar_.opening_time(SATURDAY) is None
    assert calendar_.opening_time(MONDAY) is None


def test_next_opening_is_the_moment_itself_while_open():
    assert office().next_opening(at(MONDAY, 10)) == at(MONDAY, 10)


def test_next_opening_after_friday_closing_is_monday_morning():
    assert office().next_opening(at(FRIDAY, 17, 30)) == at(NEXT_MONDAY, 9)


# building a calendar


def test_a_calendar_refuses_an_interval_that_closes_before_it_opens():
    with pytest.raises(ValueError, match="after opening"):
        BusinessCalendar({0: [(time(17), time(9))]}, tz=LONDON)


def test_a_calendar_refuses_a_weekday_outside_monday_to_sunday():
    with pytest.raises(ValueError, match="weekday"):
        BusinessCalendar({7: NINE_TO_FIVE}, tz=LONDON)


def test_weekdays_without_intervals_leave_the_business_around_the_clock():
    assert BusinessCalendar({0: [], 1: []}, tz=LONDON).always_open


# through the database


@pytest.fixture
def london(settings):
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture
def weekday_office(db):
    for weekday in range(5):
        BusinessHours.objects.create(weekday=weekday, opens=time(9), closes=time(17))


@pytest.mark.usefixtures("london", "weekday_office")
def test_load_reads_hours_and_holidays_in_two_queries(django_assert_num_queries):
    Holiday.objects.create(date=NEXT_MONDAY, name="Spring bank holiday")

    with django_assert_num_queries(2):
        calendar_ = BusinessCalendar.load()

    due = calendar_.add_business_minutes(at(FRIDAY, 16, 30), 60)
    assert due == at(NEXT_MONDAY + timedelta(1), 9, 30)
    assert calendar_.tz == LONDON


@pytest.mark.usefixtures("london")
def test_load_with_no_hours_runs_around_the_clock(db):
    due = BusinessCalendar.load().add_business_minutes(at(SATURDAY, 10), 30)

    assert due == at(SATURDAY, 10, 30)


@pytest.mark.usefixtures("london", "weekday_office")
def test_module_functions_load_the_calendar_when_given_none(django_assert_num_queries):
    with django_assert_num_queries(2):
        due = calendar.add_business_minutes(at(FRIDAY, 16, 30), 60)

    assert due == at(NEXT_MONDAY, 9, 30)


@pytest.mark.usefixtures("london", "weekday_office")
def test_module_functions_reuse_a_given_calendar_without_queries(django_assert_num_queries):
    calendar_ = BusinessCalendar.load()

    with django_assert_num_queries(0):
        results = [
            calendar.add_business_minutes(at(FRIDAY, 16, 30), 60, calendar=calendar_),
            calendar.add_business_days(at(FRIDAY, 10), 1, calendar=calendar_),
            calendar.business_minutes_between(
                at(FRIDAY, 16), at(NEXT_MONDAY, 10), calendar=calendar_
            ),
            calendar.is_business_day(SATURDAY, calendar=calendar_),
            calendar.is_open(at(SATURDAY, 10), calendar=calendar_),
            calendar.opening_time(SATURDAY, calendar=calendar_),
            calendar.next_opening(at(SATURDAY, 10), calendar=calendar_),
        ]

    assert results == [
        at(NEXT_MONDAY, 9, 30),
        at(NEXT_MONDAY, 10),
        120,
        False,
        False,
        None,
        at(NEXT_MONDAY, 9),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("closes", [time(9), time(8)])
def test_business_hours_must_close_after_they_open(closes):
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessHours.objects.create(weekday=Weekday.MONDAY, opens=time(9), closes=closes)


@pytest.mark.django_db
def test_business_hours_may_close_at_midnight():
    BusinessHours.objects.create(weekday=Weekday.FRIDAY, opens=time(18), closes=time(0))

    assert BusinessHours.objects.count() == 1


@pytest.mark.django_db
def test_business_hours_weekday_must_be_monday_to_sunday():
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessHours.objects.create(weekday=7, opens=time(9), closes=time(17))


def test_business_hours_read_as_weekday_and_times():
    assert str(BusinessHours(weekday=Weekday.MONDAY, opens=time(9), closes=time(17))) == (
        "Monday 09:00–17:00"  # noqa: RUF001
    )
    assert str(BusinessHours(weekday=Weekday.FRIDAY, opens=time(18), closes=time(0))) == (
        "Friday 18:00–24:00"  # noqa: RUF001
    )
