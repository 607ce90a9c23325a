"""Report arithmetic the database does alike on SQLite and PostgreSQL.

- ``minutes_between``: whole minutes on the clock between two timestamps.
- ``business_day_number``: the count of business days before a moment's local date, so that
  the difference of two is the business days between them (weekdays the business opens, minus
  holidays on those weekdays), computed per row in SQL.
- ``order_statistics``: the count, median and 90th percentile of a per-row value
  (crm.percentiles).
"""

from dataclasses import dataclass

from django.db.models import Case, F, FloatField, Func, IntegerField, Value, When
from django.db.models.functions import Cast, Mod, Round, TruncDate
from django.db.models.lookups import Exact, GreaterThan

from crm.calendar import BusinessCalendar
from crm.percentiles import MEDIAN, P90, percentiles

# 1900-01-01 was a Monday: day numbers counted from it give the weekday as number % 7.
_SQLITE_JULIAN_1900 = 2415020.5


class DayNumber(Func):
    """The days from 1900-01-01 to a date expression, as an integer."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"CAST(julianday(%(expressions)s) - {_SQLITE_JULIAN_1900} AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="((%(expressions)s) - DATE '1900-01-01')", **extra
        )


class _RawMinutesBetween(Func):
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        template = "((julianday(%(expressions)s)) * 1440.0)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=") - julianday(")

    def as_postgresql(self, compiler, connection, **extra):
        template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 60.0)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ")


def minutes_between(start: str, end: str):
    """Return the minutes on the clock from start to end, rounded to a whole minute.

    Rounded so that both databases agree: SQLite counts in fractions of a day.
    """
    minutes = _RawMinutesBetween(F(end), F(start), output_field=FloatField())
    return Cast(Round(minutes), output_field=IntegerField())


def business_day_number(field: str, calendar: BusinessCalendar):
    """Return an expression: the business days before the local date of ``field``.

    Only differences mean something: ``number(b) - number(a)`` counts the business days in
    [date of a, date of b), i.e. weekdays with opening hours, less holidays on such weekdays.
    A business open around the clock (no hours at all) counts every day.
    """
    day = DayNumber(TruncDate(field, tzinfo=calendar.tz))
    if calendar.always_open:
        return day
    open_weekdays = sorted(calendar.intervals)
    weeks = Func(day, Value(7), template="(%(expressions)s)", arg_joiner=" / ")
    weeks.output_field = IntegerField()
    weekday = Mod(day, Value(7), output_field=IntegerField())
    # Open weekdays earlier in the same week (Monday is 0).
    open_before = Case(
        *[
            When(
                Exact(weekday, Value(number)),
                then=Value(len([d for d in open_weekdays if d < number])),
            )
            for number in range(1, 7)
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    number = weeks * Value(len(open_weekdays)) + open_before
    local_date = TruncDate(field, tzinfo=calendar.tz)
    for holiday in sorted(day for day in calendar.holidays if day.weekday() in open_weekdays):
        number = number - Case(
            When(GreaterThan(local_date, Value(holiday)), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return number


@dataclass(frozen=True)
class OrderStatistics:
    count: int
    median: float | None
    p90: float | None


def order_statistics(queryset, value: str) -> OrderStatistics:
    """Return how many rows, the median and the 90th percentile of an annotated value.

    The percentiles are crm.percentiles' nearest ranks, as every section of /reports/ reads
    them (the median of 1, 1, 2, 3 is 1). Rows whose value is NULL are left out. Two queries.
    """
    count = queryset.filter(**{f"{value}__isnull": False}).count()
    if not count:
        return OrderStatistics(0, None, None)
    points = percentiles(queryset, value).get(None, {})
    return OrderStatistics(count, float(points[MEDIAN]), float(points[P90]))
