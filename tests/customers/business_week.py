"""The week the planner and digest tests run in: London time, a morning start, tasks in-process."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from customers.models import FollowUp

LONDON = ZoneInfo("Europe/London")
# 2026: Monday 2 March, before the clocks change; the week runs to Sunday 8 March.
PREVIOUS_FRIDAY = date(2026, 2, 27)
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
FRIDAY = date(2026, 3, 6)
SATURDAY = date(2026, 3, 7)
NEXT_MONDAY = date(2026, 3, 9)
KEEP_IN_TOUCH = FollowUp.Kind.KEEP_IN_TOUCH


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)
