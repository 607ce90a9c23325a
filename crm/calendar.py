"""The business calendar: opening hours per weekday and holidays, and arithmetic in open time.

Hours are wall-clock times in the business's zone (``settings.TIME_ZONE``). Every computation
turns them into instants (UTC) one day at a time, so that a day with a daylight-saving change
keeps its wall-clock hours and counts its real length. Inputs must be aware datetimes; outputs
are aware datetimes in the business's zone.

With no business hours at all the business runs around the clock: minutes are plain minutes,
business days are calendar days, and holidays do not apply.

Load the calendar once (``BusinessCalendar.load()``, two queries) and pass it to every
computation of a sweep; the module-level functions load it afresh when given none.
"""

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import MIDNIGHT, BusinessHours, Holiday

ONE_DAY = timedelta(days=1)
# The week a new business starts with (seed_demo, seed_scale, the admin's one-click button):
# Monday to Friday, 09:00 to 17:00 in the business's zone.
DEFAULT_WEEK: dict[int, tuple[tuple[time, time], ...]] = {
    weekday: ((time(9), time(17)),) for weekday in range(5)
}
# Hours exist but no day opens for this long (every day a holiday): searching further for an
# opening would never end.
MAX_CLOSED_DAYS = 3 * 366

type Interval = tuple[timedelta, timedelta]
type Span = tuple[datetime, datetime]


class BusinessCalendar:
    """Opening hours and holidays in one time zone, ready for arithmetic without queries."""

    def __init__(
        self,
        hours: Mapping[int, Iterable[tuple[time, time]]],
        holidays: Iterable[date] = (),
        tz: tzinfo | None = None,
    ) -> None:
        self.tz = tz if tz is not None else ZoneInfo(settings.TIME_ZONE)
        self.holidays = frozenset(holidays)
        self.intervals = {
            weekday: merged
            for weekday, pairs in hours.items()
            if (merged := _merge_intervals(weekday, pairs))
        }
        # A sweep asks about the same few days thousands of times.
        self._spans_by_day: dict[date, tuple[Span, ...]] = {}

    @classmethod
    def load(cls) -> "BusinessCalendar":
        """Read the business hours and holidays (two queries) in the business's zone."""
        hours: dict[int, list[tuple[time, time]]] = {}
        for weekday, opens, closes in BusinessHours.objects.values_list(
            "weekday", "opens", "closes"
        ):
            hours.setdefault(weekday, []).append((opens, closes))
        holidays = Holiday.objects.values_list("date", flat=True)
        return cls(hours, holidays, ZoneInfo(settings.TIME_ZONE))

    @property
    def is_default_week(self) -> bool:
        """Tell whether the hours are still DEFAULT_WEEK with no holidays: nobody tuned them."""
        default = {day: _merge_intervals(day, pairs) for day, pairs in DEFAULT_WEEK.items()}
        return self.intervals == default and not self.holidays

    @property
    def always_open(self) -> bool:
        """Tell whether no hours are set, so the business runs around the clock."""
        return not self.intervals

    def add_business_minutes(self, moment: datetime, minutes: int) -> datetime:
        """Return moment plus minutes counted only while open.

        Counting starts at the next opening when moment is outside hours; zero minutes give
        moment itself when open, else the next opening. Ending exactly at a closing time gives
        that closing time.
        """
        instant = _utc(moment)
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        if self.always_open:
            return (instant + timedelta(minutes=minutes)).astimezone(self.tz)
        remaining = timedelta(minutes=minutes)
        for start, end in self._open_spans(instant):
            if remaining <= end - start:
                return (start + remaining).astimezone(self.tz)
            remaining -= end - start
        # Without until, _open_spans yields forever or raises once it gives up.
        raise AssertionError("unreachable")

    def subtract_business_minutes(self, moment: datetime, minutes: int) -> datetime:
        """Return the latest start from which minutes of open time have passed by moment.

        The inverse of add_business_minutes, for one cutoff per sweep instead of one sum per
        row: for minutes > 0, ``add_business_minutes(t, minutes) <= moment`` exactly when
        ``t <= subtract_business_minutes(moment, minutes)``. Counting walks back through the
        open spans before moment; time while closed does not count.
        """
        instant = _utc(moment)
        if minutes <= 0:
            # With zero minutes no single cutoff exists: a start just before a closing counts,
            # the closing itself does not (its next opening may be after moment).
            raise ValueError("minutes must be positive")
        remaining = timedelta(minutes=minutes)
        if self.always_open:
            return (instant - remaining).astimezone(self.tz)
        for start, end in self._open_spans_backwards(instant):
            if remaining <= end - start:
                return (end - remaining).astimezone(self.tz)
            remaining -= end - start
        raise AssertionError("unreachable")

    def add_business_days(self, moment: datetime, days: int) -> datetime:
        """Return the same wall-clock time days business days later.

        Closed weekdays and holidays are skipped; around the clock, every day counts.
        """
        local = _utc(moment).astimezone(self.tz)
        if days < 0:
            raise ValueError("days must not be negative")
        day = local.date()
        counted = closed_in_a_row = 0
        while counted < days:
            day += ONE_DAY
            if self.is_business_day(day):
                counted += 1
                closed_in_a_row = 0
            else:
                closed_in_a_row = _count_closed_day(closed_in_a_row)
        return self._instant(day, local.time()).astimezone(self.tz)

    def business_minutes_between(self, start: datetime, end: datetime) -> int:
        """Return the whole minutes the business is open from start to end (0 if end <= start)."""
        start_instant, end_instant = _utc(start), _utc(end)
        if end_instant <= start_instant:
            return 0
        if self.always_open:
            return _whole_minutes(end_instant - start_instant)
        open_time = timedelta()
        for span_start, span_end in self._open_spans(start_instant, until=end_instant):
            if span_start >= end_instant:
                break
            open_time += min(span_end, end_instant) - span_start
        return _whole_minutes(open_time)

    def is_business_day(self, day: date) -> bool:
        """Tell whether the business opens at all on day."""
        return self.always_open or bool(self._day_spans(day))

    def is_open(self, moment: datetime) -> bool:
        """Tell whether the business is open at moment: open at opening, closed at closing."""
        instant = _utc(moment)
        if self.always_open:
            return True
        day = instant.astimezone(self.tz).date()
        return any(start <= instant < end for start, end in self._day_spans(day))

    def opening_time(self, day: date) -> datetime | None:
        """Return the first opening on day, or None when closed all day.

        Around the clock, the day opens at midnight.
        """
        if self.always_open:
            return self._instant(day, MIDNIGHT).astimezone(self.tz)
        spans = self._day_spans(day)
        return spans[0][0].astimezone(self.tz) if spans else None

    def next_opening(self, moment: datetime) -> datetime:
        """Return the first open moment at or after moment: moment itself when open."""
        return self.add_business_minutes(moment, 0)

    def _open_spans(self, instant: datetime, until: datetime | None = None) -> Iterator[Span]:
        """Yield the open spans from instant on, in order, the first clipped to start at it.

        With until, stop before the first day that starts at or after it; without, go on until
        an opening is found or MAX_CLOSED_DAYS have passed.
        """
        day = instant.astimezone(self.tz).date()
        closed_in_a_row = 0
        while until is None or self._instant(day, MIDNIGHT) < until:
            spans = [(max(start, instant), end) for start, end in self._day_spans(day)]
            spans = [(start, end) for start, end in spans if start < end]
            if spans:
                closed_in_a_row = 0
                yield from spans
            elif until is None:
                closed_in_a_row = _count_closed_day(closed_in_a_row)
            day += ONE_DAY

    def _open_spans_backwards(self, instant: datetime) -> Iterator[Span]:
        """Yield the open spans before instant, latest first, the first clipped to end at it.

        Goes back until MAX_CLOSED_DAYS closed days in a row have passed, then gives up.
        """
        day = instant.astimezone(self.tz).date()
        closed_in_a_row = 0
        while True:
            spans = [(start, min(end, instant)) for start, end in self._day_spans(day)]
            spans = [(start, end) for start, end in spans if start < end]
            if spans:
                closed_in_a_row = 0
                yield from reversed(spans)
            else:
                closed_in_a_row = _count_closed_day(closed_in_a_row)
            day -= ONE_DAY

    def _day_spans(self, day: date) -> tuple[Span, ...]:
        """Return day's open spans as UTC instants, earliest first."""
        if day not in self._spans_by_day:
            self._spans_by_day[day] = self._compute_day_spans(day)
        return self._spans_by_day[day]

    def _compute_day_spans(self, day: date) -> tuple[Span, ...]:
        if day in self.holidays:
            return ()
        midnight = datetime.combine(day, MIDNIGHT, tzinfo=self.tz)
        spans = []
        for opens, closes in self.intervals.get(day.weekday(), ()):
            # Aware + timedelta moves the wall clock; converting to UTC then resolves the DST
            # gap and overlap, so an interval keeps its wall-clock hours on a DST day.
            span = ((midnight + opens).astimezone(UTC), (midnight + closes).astimezone(UTC))
            # An interval inside the spring-forward gap does not exist that day.
            if span[0] < span[1]:
                spans.append(span)
        return tuple(spans)

    def _instant(self, day: date, wall_clock: time) -> datetime:
        """Return the UTC instant of a wall-clock time on day in the business's zone."""
        return datetime.combine(day, wall_clock, tzinfo=self.tz).astimezone(UTC)


@transaction.atomic
def set_default_week() -> bool:
    """Give a business without hours DEFAULT_WEEK; return whether it did.

    Never touches hours someone set: with any row at all it does nothing, so running it again
    (every seed_demo, the admin's button twice) changes nothing.
    """
    if BusinessHours.objects.exists():
        return False
    # Saved one by one (five rows) so that the hours' history says where they came from.
    for weekday, pairs in DEFAULT_WEEK.items():
        for opens, closes in pairs:
            BusinessHours.objects.create(weekday=weekday, opens=opens, closes=closes)
    return True


def default_week_line() -> str:
    """Say what set_default_week set, for the seeds' output."""
    return _(
        "Business hours set to Monday to Friday, 09:00 to 17:00 (%(zone)s); "
        "owners change them in the admin."
    ) % {"zone": settings.TIME_ZONE}


def _merge_intervals(weekday: int, pairs: Iterable[tuple[time, time]]) -> tuple[Interval, ...]:
    """Turn (opens, closes) pairs into sorted offsets from midnight, overlapping ones merged."""
    if weekday not in range(7):
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
    intervals = sorted(_offsets(opens, closes) for opens, closes in pairs)
    merged: list[Interval] = []
    for opens, closes in intervals:
        # Rows 09:00 to 13:00 and 12:00 to 17:00 must not count their common hour twice.
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return tuple(merged)


def _offsets(opens: time, closes: time) -> Interval:
    start = _since_midnight(opens)
    end = ONE_DAY if closes == MIDNIGHT else _since_midnight(closes)
    if end <= start:
        raise ValueError(f"closing time {closes} must be after opening time {opens}")
    return start, end


def _since_midnight(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _count_closed_day(closed_in_a_row: int) -> int:
    """Count one more closed day in a row, refusing to search past MAX_CLOSED_DAYS."""
    closed_in_a_row += 1
    if closed_in_a_row > MAX_CLOSED_DAYS:
        raise ValueError(f"the business does not open in {MAX_CLOSED_DAYS} days")
    return closed_in_a_row


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the business calendar needs timezone-aware datetimes")
    return moment.astimezone(UTC)


def _whole_minutes(duration: timedelta) -> int:
    return int(duration.total_seconds() // 60)


def _or_load(calendar: BusinessCalendar | None) -> BusinessCalendar:
    return BusinessCalendar.load() if calendar is None else calendar


def add_business_minutes(
    moment: datetime, minutes: int, *, calendar: BusinessCalendar | None = None
) -> datetime:
    """Return moment plus minutes counted only while the business is open."""
    return _or_load(calendar).add_business_minutes(moment, minutes)


def subtract_business_minutes(
    moment: datetime, minutes: int, *, calendar: BusinessCalendar | None = None
) -> datetime:
    """Return the latest start from which minutes of open time have passed by moment."""
    return _or_load(calendar).subtract_business_minutes(moment, minutes)


def add_business_days(
    moment: datetime, days: int, *, calendar: BusinessCalendar | None = None
) -> datetime:
    """Return the same wall-clock time days business days later."""
    return _or_load(calendar).add_business_days(moment, days)


def business_minutes_between(
    start: datetime, end: datetime, *, calendar: BusinessCalendar | None = None
) -> int:
    """Return the whole minutes the business is open from start to end."""
    return _or_load(calendar).business_minutes_between(start, end)


def is_business_day(day: date, *, calendar: BusinessCalendar | None = None) -> bool:
    """Tell whether the business opens at all on day."""
    return _or_load(calendar).is_business_day(day)


def is_open(moment: datetime, *, calendar: BusinessCalendar | None = None) -> bool:
    """Tell whether the business is open at moment."""
    return _or_load(calendar).is_open(moment)


def opening_time(day: date, *, calendar: BusinessCalendar | None = None) -> datetime | None:
    """Return the first opening on day, or None when the business is closed all day."""
    return _or_load(calendar).opening_time(day)


def next_opening(moment: datetime, *, calendar: BusinessCalendar | None = None) -> datetime:
    """Return the first open moment at or after moment."""
    return _or_load(calendar).next_opening(moment)


def today_bounds() -> tuple[datetime, datetime]:
    """Return the start of today and of tomorrow in the business's time zone."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    return start, start + timedelta(days=1)
