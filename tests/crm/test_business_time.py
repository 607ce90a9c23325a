"""Business durations as people write and read them (crm/business_time.py)."""

import pytest

from crm.business_time import format_business_minutes, parse_business_duration


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (0, "0 min"),
        (45, "45 min"),
        (60, "1 h"),
        (90, "1 h 30 min"),
        (480, "8 h"),
        (900, "15 h"),
        (960, "2 days"),
        (2400, "5 days"),
        (2530, "5 days 2 h 10 min"),
    ],
)
def test_minutes_read_in_hours_and_minutes_and_long_ones_in_days(minutes, shown):
    assert format_business_minutes(minutes) == shown


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90", 90),
        ("45 min", 45),
        ("4h", 240),
        ("1 h 30 min", 90),
        ("1h30m", 90),
        ("2 hours, 15 minutes", 135),
        ("5 days", 2400),
        ("1d 4h", 720),
        ("5 DAYS", 2400),
    ],
)
def test_durations_are_read_as_people_write_them(text, minutes):
    assert parse_business_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "soon", "4 weeks", "h", "4h later", "-4h", "1.5h"])
def test_anything_else_is_no_duration(text):
    with pytest.raises(ValueError):
        parse_business_duration(text)


@pytest.mark.parametrize("minutes", [1, 59, 61, 479, 961, 2400, 124_800])
def test_what_is_shown_reads_back_as_the_same_minutes(minutes):
    assert parse_business_duration(format_business_minutes(minutes)) == minutes


def test_without_days_long_durations_read_in_hours():
    assert format_business_minutes(2400, days=False) == "40 h"
    assert format_business_minutes(2530, days=False) == "42 h 10 min"
