"""BusinessCalendar.subtract_business_minutes: the one cutoff a sweep compares every row with."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm import calendar
from crm.calendar import BusinessCalendar
from tests.crm.test_calendar import (
    FRIDAY,
    LONDON,
    MONDAY,
    NEXT_MONDAY,
    SATURDAY,
    SPRING_FORWARD,
    TUESDAY,
    around_the_clock,
    at,
    office,
)

LUNCH_BREAK = {weekday: [(time(9), time(12)), (time(13), time(17))] for weekday in range(5)}
# A Wednesday holiday in the week the hypothesis test draws from, and the spring-forward week.
HOLIDAY = date(2026, 3, 4)


def test_minutes_within_one_day_are_taken_off_as_they_are():
    assert office().subtract_business_minutes(at(MONDAY, 12), 90) == at(MONDAY, 10, 30)


def test_minutes_before_the_opening_continue_at_the_previous_days_closing():
    assert office().subtract_business_minutes(at(TUESDAY, 10), 120) == at(MONDAY, 16)


def test_monday_morning_reaches_back_into_friday_afternoon():
    assert office().subtract_business_minutes(at(NEXT_MONDAY, 9, 30), 60) == at(FRIDAY, 16, 30)


def test_a_moment_at_the_weekend_counts_back_from_fridays_closing():
    assert office().subtract_business_minutes(at(SATURDAY, 12), 60) == at(FRIDAY, 16)


def test_a_moment_at_opening_counts_back_from_the_previous_closing():
    assert office().subtract_business_minutes(at(TUESDAY, 9), 30) == at(MONDAY, 16, 30)


def test_minutes_ending_exactly_at_an_opening_give_that_opening():
    assert office().subtract_business_minutes(at(MONDAY, 11), 120) == at(MONDAY, 9)


def test_minutes_skip_the_lunch_break_backwards():
    lunch = office(hours=LUNCH_BREAK)
    assert lunch.subtract_business_minutes(at(MONDAY, 13, 30), 60) == at(MONDAY, 11, 30)


def test_a_holiday_does_not_count():
    holiday = office(holidays=[TUESDAY])
    assert holiday.subtract_business_minutes(at(date(2026, 3, 4), 10), 120) == at(MONDAY, 16)


def test_around_the_clock_minutes_are_plain_minutes():
    moment = at(SATURDAY, 3)
    assert around_the_clock().subtract_business_minutes(moment, 90) == moment - timedelta(
        minutes=90
    )


def test_the_result_is_in_the_business_zone():
    moment = datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert office().subtract_business_minutes(moment, 60).tzinfo == LONDON


def test_zero_or_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="positive"):
        office().subtract_business_minutes(at(MONDAY, 12), 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        office().subtract_business_minutes(datetime(2026, 3, 2, 12), 30)  # noqa: DTZ001


def test_a_calendar_that_never_opens_raises_instead_of_searching_forever():
    every_day = [date(2026, 3, 2) - timedelta(days=offset) for offset in range(4 * 366)]
    with pytest.raises(ValueError, match="does not open"):
        office(holidays=every_day).subtract_business_minutes(at(MONDAY, 12), 30)


def test_the_module_function_loads_the_calendar(db):
    assert calendar.subtract_business_minutes(at(MONDAY, 12), 30) == at(MONDAY, 11, 30)


# The equivalence the sweeps rely on, over closings, weekends, a holiday, a lunch break and a
# daylight-saving change: a start is past the wait exactly when it is at or before the cutoff.

NIGHTS = {weekday: [(time(0), time(2)), (time(22), time(0))] for weekday in range(7)}
CALENDARS = [
    office(holidays=[HOLIDAY]),
    office(hours=LUNCH_BREAK, holidays=[HOLIDAY]),
    # Open across midnight: 22:00 to 02:00 every night.
    BusinessCalendar(NIGHTS, tz=LONDON),
    around_the_clock(),
]
START = datetime.combine(date(2026, 2, 23), time(0), tzinfo=UTC)
# Five weeks of minutes, so that both weeks around SPRING_FORWARD are drawn too.
moments = st.integers(min_value=0, max_value=60 * 24 * 7 * 5).map(
    lambda minutes: START + timedelta(minutes=minutes)
)


@settings(max_examples=400, deadline=None)
@given(
    which=st.sampled_from(range(len(CALENDARS))),
    start=moments,
    now=moments,
    minutes=st.integers(min_value=1, max_value=60 * 24 * 3),
    seconds=st.integers(min_value=0, max_value=59),
)
def test_add_and_subtract_agree_on_every_start(which, start, now, minutes, seconds):
    business = CALENDARS[which]
    start += timedelta(seconds=seconds)
    cutoff = business.subtract_business_minutes(now, minutes)
    assert (business.add_business_minutes(start, minutes) <= now) == (start <= cutoff)


def test_the_hypothesis_range_covers_the_spring_forward():
    assert START.date() < SPRING_FORWARD < (START + timedelta(weeks=5)).date()
