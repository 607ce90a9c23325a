"""The reports' registry and vocabulary: periods, scopes, figures, tables and sections.

A core module, like crm/my_day.py: it imports no app. Each app registers a provider of report
sections in its AppConfig.ready() with ``register_report_section(provider, order=...)``; a
provider is called as ``provider(period, scope)`` and returns its sections in display order.
Every provider runs a constant number of queries whatever the data size: the figures are
aggregates computed by the database (the definitions live in each app's ``reports.py``).

Who may see what is decided here, in ``scope_for``: supervisors and owners may look at anyone's
figures, a team's or the whole business's; front-line staff only at their own, each beside
their team's figure without names. The page, the CSV and any other reader of the figures go
through ``scope_for``, so a forged query string cannot widen what a person sees.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from crm.people import SUPERVISOR_CODENAME
from crm.roles import FRONT_LINE_STAFF, OWNERS, SUPERVISORS

ROLE_GROUPS = (FRONT_LINE_STAFF, SUPERVISORS, OWNERS)

# The periods the picker offers, in days back from today (today included).
PERIOD_DAYS = (7, 30, 90)
DEFAULT_PERIOD_DAYS = 30
# The longest custom range: a year of weekly rows is still a bounded table.
MAX_PERIOD_DAYS = 366


def business_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """A span of time in the business's time zone: ``start`` included, ``end`` excluded.

    Both are aware datetimes at local midnight, so a day, a week and the period's edges mean
    what the business means by them whatever the server's zone.
    """

    start: datetime
    end: datetime
    # "30" for the last 30 days, "custom" for a range chosen by date.
    key: str = "custom"

    @classmethod
    def last_days(cls, days: int, *, now: datetime | None = None) -> "Period":
        """Return the last ``days`` days up to the end of today, today included."""
        today = timezone.localtime(now or timezone.now(), business_zone()).date()
        return cls.between(today - timedelta(days=days - 1), today, key=str(days))

    @classmethod
    def between(cls, first_day: date, last_day: date, *, key: str = "custom") -> "Period":
        """Return the days from ``first_day`` to ``last_day``, both included."""
        zone = business_zone()
        start = datetime.combine(first_day, time.min, tzinfo=zone)
        end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
        return cls(start=start, end=end, key=key)

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def days(self) -> int:
        return (self.end.date() - self.start.date()).days

    def weeks(self) -> list[date]:
        """Return the Mondays of the weeks the period touches, in order (the rows of a week)."""
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        return [
            monday + timedelta(weeks=number)
            for number in range((self.last_day - monday).days // 7 + 1)
        ]

    def label(self) -> str:
        return _("%(first)s to %(last)s") % {
            "first": self.first_day.isoformat(),
            "last": self.last_day.isoformat(),
        }


def may_see_everyone(user) -> bool:
    """Tell whether the person may see everyone's figures: supervisors and owners."""
    # Named by its codename, as in crm.people: the permission is declared on customers.FollowUp.
    return user.is_active and user.has_perm(f"customers.{SUPERVISOR_CODENAME}")


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole business, a team (an auth Group) or one person.

    ``compare_with`` is set for a front-line person looking at themselves: the scope of their
    team, whose figure is shown beside theirs without names.
    """

    person: object | None = None
    team: Group | None = None
    compare_with: "Scope | None" = None

    @property
    def is_business(self) -> bool:
        return self.person is None and self.team is None

    def people(self, field_name: str) -> Q:
        """Return the condition keeping rows whose ``field_name`` (a user) is in the scope."""
        if self.person is not None:
            return Q(**{field_name: self.person})
        if self.team is not None:
            # A semi-join on the team's members: joining the groups would repeat each row
            # once per matching membership and plan worse.
            members = get_user_model().objects.filter(groups=self.team).values("pk")
            return Q(**{f"{field_name}__in": members})
        return Q()

    def list_query(
        self, owner_parameter: str = "owner", team_parameter: str = "team"
    ) -> dict[str, str]:
        """Return the query parameters that narrow a list page to the scope's person or team.

        The lists' team filters keep the rows whose person (``owner_parameter``'s field) is a
        member of the team, as ``people`` does for the figures.
        """
        if self.person is not None:
            return {owner_parameter: str(self.person.pk)}
        if self.team is not None:
            return {team_parameter: str(self.team.pk)}
        return {}

    def describe(self) -> str:
        if self.person is not None:
            return self.person.get_full_name() or self.person.get_username()
        if self.team is not None:
            return self.team.name
        return _("Everyone")


def team_of(user) -> Group | None:
    """Return the team a person's figures are compared with.

    Their first group by name that is not a role (a team such as "Sales"), else their role
    group ("Front-line staff"); None for someone in no group.
    """
    groups = user.groups.order_by("name")
    return groups.exclude(name__in=ROLE_GROUPS).first() or groups.first()


def scope_for(viewer, *, person_id: int | None = None, team_id: int | None = None) -> Scope:
    """Return whose figures the viewer asked for, within what they may see.

    Supervisors and owners get the person or team asked for, else the whole business. A
    front-line person always gets their own figures beside their team's; asking for anyone
    else's (a forged ``person=``, any ``team=``) is refused with PermissionDenied.
    """
    if may_see_everyone(viewer):
        if person_id is not None:
            person = get_user_model().objects.filter(pk=person_id, is_active=True).first()
            if person is None:
                raise PermissionDenied(_("No such person."))
            return Scope(person=person)
        if team_id is not None:
            team = Group.objects.filter(pk=team_id).first()
            if team is None:
                raise PermissionDenied(_("No such team."))
            return Scope(team=team)
        return Scope()
    if (person_id is not None and person_id != viewer.pk) or team_id is not None:
        raise PermissionDenied(_("You may see your own figures only."))
    team = team_of(viewer)
    return Scope(person=viewer, compare_with=Scope(team=team) if team else Scope())


@dataclass
class Figure:
    """One headline number: its label, its value as people read it, the rows behind it."""

    label: str
    value: str
    # The list of rows the figure counts: a filtered list page every viewer may open.
    url: str = ""
    # The same figure for the viewer's team ("me against the team"), without names.
    team_value: str | None = None
    help_text: str = ""
    # What the link lists, when it is not the rows the value counts (a figure of customer
    # updates lists the complaints they were given on): shown as the link instead of the value.
    link_text: str = ""


@dataclass(frozen=True)
class ChartSpec:
    """How a table is drawn: ``kind`` is "bar", "stacked_bar" or "line"; ``x`` names the
    column along the horizontal axis and ``series`` the columns drawn as series."""

    kind: str
    x: str
    series: tuple[str, ...]
    x_label: str
    y_label: str


@dataclass
class Table:
    """A table of a section: column headings and rows of plain values (numbers, dates, text).

    The same rows feed the page, the CSV download and the chart, so they always agree.
    ``row_urls`` may give, per row, the list behind it (drawn as a link on the first cell).
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: ChartSpec | None = None
    row_urls: list[str] = field(default_factory=list)
    empty_text: str = gettext_lazy("Nothing in this period.")

    def column(self, name: str) -> list:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass
class Section:
    """One section of /reports/: its figures, its tables and what its figures mean."""

    key: str
    title: str
    definitions: list[str]
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


ReportProvider = Callable[[Period, Scope], Iterable[Section]]

# (order, provider); kept sorted by order.
_providers: list[tuple[int, ReportProvider]] = []


def register_report_section(provider: ReportProvider, *, order: int) -> ReportProvider:
    """Add a provider of report sections, shown after every provider of a lower order."""
    if all(known is not provider for _order, known in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda entry: entry[0])
    return provider


# How long the team's figures shown beside a front-line person's own are kept (Django's cache):
# the same for every member of the team, and computing them costs more than all of one
# person's own (at 100,000 customers 35 queries, about 200 ms on PostgreSQL).
TEAM_FIGURES_SECONDS = 5 * 60


def sections_for(period: Period, scope: Scope) -> list[Section]:
    """Return the report's sections for the period and scope, in display order.

    For a front-line person (``compare_with``), each figure of their own carries the same
    figure of their team beside it (``team_figures``).
    """
    if scope.compare_with is not None:
        own = sections_for(period, replace(scope, compare_with=None))
        team = team_figures(period, scope.compare_with)
        for section in own:
            for figure in section.figures:
                figure.team_value = team.get((section.key, figure.label), NO_VALUE)
        return own
    return [section for _order, provider in _providers for section in provider(period, scope)]


def team_figures(period: Period, team: Scope) -> dict[tuple[str, str], str]:
    """Return the team's figure values by (section key, figure label) for the period.

    The team's own figures, as a supervisor choosing the team sees them: computed at most once
    every TEAM_FIGURES_SECONDS per team, period and language, as the owners' tiles are, so a
    value beside a person's own may lag a change by that long.
    """
    team_key = team.team.pk if team.team is not None else "everyone"
    key = (
        f"tend:report-team:{team_key}:{period.start.isoformat()}:{period.end.isoformat()}:"
        f"{get_language()}"
    )
    values = cache.get(key)
    if values is None:
        values = {
            (section.key, figure.label): figure.value
            for section in sections_for(period, team)
            for figure in section.figures
        }
        cache.set(key, values, TEAM_FIGURES_SECONDS)
    return values


def find_table(sections: Iterable[Section], key: str) -> Table | None:
    """Return the table with this key among the sections, or None."""
    return next(
        (table for section in sections for table in section.tables if table.key == key), None
    )


# --- Formatting shared by the providers, so a figure reads the same in every section --------


# Shown where a figure has nothing to measure (no callbacks in the period, say).
NO_VALUE = "n/a"


def percent(part: int, whole: int) -> float | None:
    """Return part of whole in percent, one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def percent_text(part: int, whole: int) -> str:
    """Return "83.3 % (5 of 6)", or "n/a" when there is nothing to count."""
    value = percent(part, whole)
    if value is None:
        return NO_VALUE
    return _("%(value)s %% (%(part)d of %(whole)d)") % {
        "value": value,
        "part": part,
        "whole": whole,
    }


def minutes_text(minutes: int | None) -> str:
    """Return business minutes as people read them: "45 min", "3 h 10 min", or "n/a"."""
    if minutes is None:
        return NO_VALUE
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, business_zone()).date()


def cell_text(value) -> str:
    """Return a table cell as the page and the CSV both show it: "" for nothing, else text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def range_condition(field: str, first_day: date | None, last_day: date | None) -> Q:
    """Return the condition of ``field`` falling on the days given, in the business's zone.

    The list pages' "from" and "to" date filters use it, so a figure's drill-down link finds
    exactly the rows the figure counted.
    """
    condition = Q()
    if first_day is not None:
        condition &= Q(**{f"{field}__gte": Period.between(first_day, first_day).start})
    if last_day is not None:
        condition &= Q(**{f"{field}__lt": Period.between(last_day, last_day).end})
    return condition


def period_query(period: Period) -> dict[str, str]:
    """Return the list pages' date filter parameters for the period's days."""
    return {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()}
