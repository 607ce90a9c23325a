"""Sections 1 to 3 of /reports/: responsiveness, promises and complaints.

Registered from ComplaintsConfig.ready(): they read both commitments (customers/reports.py)
and complaints (complaints/reports.py), and complaints is the app that knows both. The
definitions are the query functions' docstrings; the texts under each section say them in a
sentence for the people reading the page.
"""

from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import reports as complaint_reports
from complaints.models import Severity
from crm.percentiles import MEDIAN, P90
from crm.reporting import (
    ChartSpec,
    Figure,
    Period,
    Scope,
    Section,
    Table,
    minutes_text,
    percent,
    percent_text,
    period_query,
)
from customers import reports as follow_up_reports
from customers.reports import Share


def report_sections(period: Period, scope: Scope) -> list[Section]:
    """Return sections 1 to 3 for the period and scope; a fixed number of queries."""
    now = timezone.now()
    # One scan of the complaints received feeds the first responses and the volume tables,
    # and one of the team's feeds its first responses in sections 1 and 3.
    summary = complaint_reports.received_summary(period, scope, now=now)
    team_first = _for_team(
        scope, lambda team: complaint_reports.first_responses_within_sla(period, team, now=now)
    )
    return [
        responsiveness(period, scope, now=now, summary=summary, team_first=team_first),
        promises(period, scope, now=now),
        complaints(period, scope, now=now, summary=summary, team_first=team_first),
    ]


# --- Drill-down links ------------------------------------------------------------------------


def complaints_url(period: Period, scope: Scope, **query) -> str:
    """Return /complaints/ narrowed to the rows behind a figure (query: the list's filters)."""
    full = {**scope.list_query(), **_dates(period), **query}
    return f"{reverse('complaints:list')}?{urlencode(full)}"


def _dates(period: Period) -> dict[str, str]:
    return {f"happened_{key}": value for key, value in period_query(period).items()}


def follow_ups_link(period: Period, scope: Scope, **query) -> str:
    """Return /followups/ narrowed to the rows behind a figure (query: the list's filters).

    A person's figure lists their rows, a team's its members' rows, the business's everyone's.
    """
    people = scope.list_query() or {"everyone": "true"}
    full = {**people, **_dates(period), **query}
    return f"{reverse('followups:list')}?{urlencode(full)}"


def _share_figure(
    label: str,
    mine: Share,
    team: Share | None,
    url: str,
    help_text: str = "",
    link_text: str = "",
) -> Figure:
    return Figure(
        label=label,
        value=percent_text(mine.part, mine.whole),
        url=url,
        team_value=percent_text(team.part, team.whole) if team is not None else None,
        help_text=help_text,
        link_text=link_text,
    )


def _for_team(scope: Scope, compute: Callable[[Scope], object]):
    """Return the figure computed for the viewer's team, or None when there is no comparison."""
    return compute(scope.compare_with) if scope.compare_with is not None else None


def _week_rows(weeks: dict[date, Share]) -> list[list]:
    return [
        [week.isoformat(), share.part, share.whole, percent(share.part, share.whole)]
        for week, share in weeks.items()
    ]


def _weekly_share_table(key: str, title, columns: list, weeks: dict[date, Share], y_label):
    """Return a table of a share per week (week, part, whole, %), charted as bars of the %."""
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=_week_rows(weeks),
        chart=ChartSpec(
            kind="bar", x=columns[0], series=(columns[3],), x_label=_("Week of"), y_label=y_label
        ),
    )


# --- 1. Responsiveness -------------------------------------------------------------------------


def responsiveness(
    period: Period, scope: Scope, *, now, summary: list[dict], team_first: Share | None
) -> Section:
    callbacks = follow_up_reports.callbacks_within_target
    callback_weeks = follow_up_reports.callbacks_within_target_by_week(period, scope, now=now)
    complaint_weeks = complaint_reports.first_responses_within_sla_by_week(
        period, scope, now=now, summary=summary
    )
    spread = follow_up_reports.callback_response_percentiles
    mine_spread = spread(period, scope, now=now)
    team_spread = _for_team(scope, lambda team: spread(period, team, now=now))
    callbacks_url = follow_ups_link(
        period, scope, kind="callback", status="done", happened="requested"
    )
    figures = [
        _share_figure(
            _("Callbacks returned within %(minutes)s")
            % {"minutes": minutes_text(settings.CALLBACK_RESPONSE_MINUTES)},
            follow_up_reports.total(callback_weeks),
            _for_team(scope, lambda team: callbacks(period, team, now=now)),
            follow_ups_link(
                period,
                scope,
                kind="callback",
                status="done",
                happened="requested",
                response="within",
            ),
        ),
        Figure(
            label=_("Median time to call back"),
            value=minutes_text(mine_spread.get(MEDIAN)),
            url=callbacks_url,
            team_value=minutes_text(team_spread.get(MEDIAN)) if team_spread is not None else None,
        ),
        Figure(
            label=_("90th percentile time to call back"),
            value=minutes_text(mine_spread.get(P90)),
            url=callbacks_url,
            team_value=minutes_text(team_spread.get(P90)) if team_spread is not None else None,
        ),
        _share_figure(
            _("Complaint first responses within SLA"),
            follow_up_reports.total(complaint_weeks),
            team_first,
            complaints_url(period, scope, kept="first_response"),
        ),
    ]
    columns = [_("Week of"), _("Within target"), _("Measured"), _("% within")]
    tables = [
        _weekly_share_table(
            "callbacks-by-week",
            _("Callbacks returned within the target, per week"),
            columns,
            callback_weeks,
            _("% of callbacks"),
        ),
        _weekly_share_table(
            "first-responses-by-week",
            _("Complaint first responses within SLA, per week"),
            columns,
            complaint_weeks,
            _("% of complaints"),
        ),
    ]
    return Section(
        key="responsiveness",
        title=_("Responsiveness"),
        definitions=[
            _(
                "A callback is measured when it was requested in the period and was returned "
                "(the customer reached) or is past its due time; within target means reached "
                "within %(minutes)s of business time from the request."
            )
            % {"minutes": minutes_text(settings.CALLBACK_RESPONSE_MINUTES)},
            _(
                "Times to call back are in business minutes (opening hours, not holidays), "
                "from the request to reaching the customer; 90th percentile: nine in ten were "
                "quicker or as quick."
            ),
            _(
                "A complaint's first response is within SLA when it was acknowledged by its "
                "first-response deadline (moved later by time waiting on the customer); "
                "complaints received in the period, acknowledged or past that deadline."
            ),
        ],
        figures=figures,
        tables=tables,
    )


# --- 2. Promises -----------------------------------------------------------------------------


def promises(period: Period, scope: Scope, *, now) -> Section:
    kept = follow_up_reports.promises_kept
    weeks = follow_up_reports.promises_kept_by_week(period, scope, now=now)
    moved = follow_up_reports.promises_moved(period, scope)
    team_moved = _for_team(scope, lambda team: follow_up_reports.promises_moved(period, team))
    complaint_moved = complaint_reports.complaint_promises_moved(period, scope)
    team_complaint_moved = _for_team(
        scope, lambda team: complaint_reports.complaint_promises_moved(period, team)
    )
    times = complaint_reports.times_met
    figures = [
        _share_figure(
            _("Promises kept on time"),
            follow_up_reports.total(weeks),
            _for_team(scope, lambda team: kept(period, team, now=now)),
            follow_ups_link(
                period, scope, promised_to_customer="true", status="done", kept="on_time"
            ),
        ),
        Figure(
            label=_("Promised times moved"),
            value=_("%(moves)d moves of %(promises)d promises")
            % {"moves": moved.moves, "promises": moved.promises},
            url=_moves_url(period, scope),
            link_text=_("Promises moved"),
            team_value=(
                _("%(moves)d moves of %(promises)d promises")
                % {"moves": team_moved.moves, "promises": team_moved.promises}
                if team_moved is not None
                else None
            ),
        ),
        _share_figure(
            _("Moves the customer was told of"),
            Share(moved.told, moved.moves),
            Share(team_moved.told, team_moved.moves) if team_moved is not None else None,
            _moves_url(period, scope, told="yes"),
            link_text=_("Promises moved and the customer told"),
        ),
        Figure(
            label=_("Complaints' promised times moved"),
            value=_complaint_moves_text(complaint_moved),
            url=complaints_url(period, scope, happened="promise_moved"),
            link_text=_("Complaints whose promised time moved"),
            team_value=(
                _complaint_moves_text(team_complaint_moved)
                if team_complaint_moved is not None
                else None
            ),
        ),
        _share_figure(
            _("Complaint moves the customer was told of"),
            Share(complaint_moved.told, complaint_moved.moves),
            Share(team_complaint_moved.told, team_complaint_moved.moves)
            if team_complaint_moved is not None
            else None,
            complaints_url(period, scope, happened="promise_told"),
            link_text=_("Complaints whose customer was told of the move"),
        ),
        _share_figure(
            _("Complaints satisfied by the promised time"),
            times(period, scope, "promised_by", now=now),
            _for_team(scope, lambda team: times(period, team, "promised_by", now=now)),
            complaints_url(period, scope, happened="promised", kept="promised"),
        ),
        _share_figure(
            _("Complaints satisfied by the time the customer expected"),
            times(period, scope, "expected_by", now=now),
            _for_team(scope, lambda team: times(period, team, "expected_by", now=now)),
            complaints_url(period, scope, happened="expected", kept="expected"),
        ),
    ]
    columns = [_("Week of"), _("Kept on time"), _("Due"), _("% kept")]
    return Section(
        key="promises",
        title=_("Promises"),
        definitions=[
            _(
                "A promise is a follow-up whose time was promised to the customer; it is "
                "judged when its promised time (as last moved) falls in the period and it is "
                "done or that time has passed. Kept on time: done by the promised time."
            ),
            _(
                "A move is one change of a promised time made in the period; a promise moved "
                "twice counts two moves. Told: the customer was told of the new time (for a "
                "complaint, the message telling them went out)."
            ),
            _(
                "A complaint meets the promised (or expected) time when the customer was "
                "satisfied (the check-in closed it) by then; judged when that time falls in "
                "the period and it is satisfied or the time has passed."
            ),
        ],
        figures=figures,
        tables=[
            _weekly_share_table(
                "promises-by-week",
                _("Promises kept on time, per week they fell due"),
                columns,
                weeks,
                _("% of promises"),
            )
        ],
    )


def _complaint_moves_text(moved) -> str:
    return _("%(moves)d moves of %(promises)d complaints") % {
        "moves": moved.moves,
        "promises": moved.promises,
    }


def _moves_url(period: Period, scope: Scope, **query) -> str:
    """Return the follow-ups whose promised time was moved in the period, of any status."""
    return follow_ups_link(period, scope, happened="moved", status="any", **query)


# --- 3. Complaints ---------------------------------------------------------------------------


def complaints(
    period: Period, scope: Scope, *, now, summary: list[dict], team_first: Share | None
) -> Section:
    reports = complaint_reports
    reopened = reports.check_in_outcomes
    repeats = reports.repeat_complainants
    updates = reports.customer_updates_on_time
    resolutions = reports.resolutions_within_sla
    figures = [
        _share_figure(
            _("First responses within SLA"),
            follow_up_reports.total(
                reports.first_responses_within_sla_by_week(period, scope, now=now, summary=summary)
            ),
            team_first,
            complaints_url(period, scope, kept="first_response"),
        ),
        _share_figure(
            _("Customer updates on time"),
            updates(period, scope),
            _for_team(scope, lambda team: updates(period, team)),
            complaints_url(period, scope, happened="updated", updated="late"),
            link_text=_("Complaints with a late update"),
        ),
        _share_figure(
            _("Resolved within SLA"),
            resolutions(period, scope),
            _for_team(scope, lambda team: resolutions(period, team)),
            complaints_url(period, scope, happened="resolved", kept="resolution"),
        ),
        _share_figure(
            _("Reopened at the check-in"),
            reopened(period, scope),
            _for_team(scope, lambda team: reopened(period, team)),
            complaints_url(period, scope, happened="reopened"),
            link_text=_("Complaints reopened at the check-in"),
        ),
        _share_figure(
            _("Repeat complainants"),
            repeats(period, scope),
            _for_team(scope, lambda team: repeats(period, team)),
            complaints_url(period, scope, is_repeat="true"),
        ),
    ]
    return Section(
        key="complaints",
        title=_("Complaints"),
        definitions=[
            _("Volume: complaints received in the period, by the week they came in."),
            _(
                "Time to resolve: business minutes from receipt to resolution, less the time "
                "waiting on the customer; complaints resolved in the period."
            ),
            _(
                "SLA per clock: first response by its deadline; each customer update by the "
                "time it was due (updates given in the period); resolution by its deadline "
                "(complaints resolved in the period)."
            ),
            _(
                "Root causes: complaints closed in the period, most frequent first, with the "
                "running share (Pareto)."
            ),
            _(
                "Reopened at the check-in: of the complaints that left “resolved” in the "
                "period, the share that went back to investigating rather than closed."
            ),
            _(
                "Repeat complainants: customers who complained in the period and had "
                "complained in the 90 days before, of all customers who complained."
            ),
        ],
        figures=figures,
        tables=[
            _volume_by_week(period, scope, summary),
            _volume_by_category(period, scope, summary),
            _volume_by_severity(period, scope, summary),
            _resolution_times(period, scope),
            _root_causes(period, scope),
        ],
    )


def _pivot(volume: dict[tuple[date, str], int], weeks: list[date], names: list[str]):
    """Return one row per week with a count per name, from {(week, name): count}."""
    return [[week.isoformat(), *(volume.get((week, name), 0) for name in names)] for week in weeks]


def _volume_by_week(period: Period, scope: Scope, summary: list[dict]) -> Table:
    volume = complaint_reports.volume_by_week_and_parent(summary)
    names = sorted({name for _week, name in volume})
    return _weekly_volume_table(
        "complaints-by-week-category",
        _("Complaints per week, by category"),
        [_("Week of"), *(name or _("No category") for name in names)],
        _pivot(volume, period.weeks(), names) if volume else [],
    )


def _weekly_volume_table(key: str, title, columns: list, rows: list) -> Table:
    """Return a table of complaints per week in columns, charted as stacked bars."""
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=rows,
        chart=ChartSpec(
            kind="stacked_bar",
            x=columns[0],
            series=tuple(columns[1:]),
            x_label=_("Week of"),
            y_label=_("Complaints"),
        ),
    )


def _volume_by_category(period: Period, scope: Scope, summary: list[dict]) -> Table:
    rows = complaint_reports.volume_by_category(summary)
    return Table(
        key="complaints-by-category",
        title=_("Complaints by category"),
        columns=[_("Category"), _("Subcategory"), _("Complaints")],
        rows=[
            [
                row["category__parent__name"] or row["category__name"] or _("No category"),
                row["category__name"] if row["category__parent__name"] else "",
                row["count"],
            ]
            for row in rows
        ],
        row_urls=[
            complaints_url(period, scope, category=row["category"]) if row["category"] else ""
            for row in rows
        ],
    )


def _volume_by_severity(period: Period, scope: Scope, summary: list[dict]) -> Table:
    volume = complaint_reports.volume_by_week_and_severity(summary)
    severities = [value for value, _label in Severity.choices]
    return _weekly_volume_table(
        "complaints-by-week-severity",
        _("Complaints per week, by severity"),
        [_("Week of"), *(str(label) for _value, label in Severity.choices)],
        _pivot(volume, period.weeks(), severities) if volume else [],
    )


def _resolution_times(period: Period, scope: Scope) -> Table:
    found = complaint_reports.resolution_percentiles_by_severity(period, scope)
    columns = [_("Severity"), _("Median (business hours)"), _("90th percentile (business hours)")]
    rows = [
        [str(label), _hours(found[value].get(MEDIAN)), _hours(found[value].get(P90))]
        for value, label in Severity.choices
        if value in found
    ]
    return Table(
        key="resolution-times",
        title=_("Time to resolve, by severity"),
        columns=columns,
        rows=rows,
        chart=ChartSpec(
            kind="bar",
            x=columns[0],
            series=tuple(columns[1:]),
            x_label=_("Severity"),
            y_label=_("Business hours"),
        ),
        row_urls=[
            complaints_url(period, scope, happened="resolved", severity=value)
            for value, _label in Severity.choices
            if value in found
        ],
    )


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


def _root_causes(period: Period, scope: Scope) -> Table:
    rows = complaint_reports.root_causes_of_closed(period, scope)
    total = sum(row["count"] for row in rows)
    running = 0
    table_rows = []
    for row in rows:
        running += row["count"]
        table_rows.append(
            [row["root_cause__name"] or _("None given"), row["count"], percent(running, total)]
        )
    columns = [_("Root cause"), _("Closed complaints"), _("Cumulative %")]
    return Table(
        key="root-causes",
        title=_("Root causes of closed complaints"),
        columns=columns,
        rows=table_rows,
        chart=ChartSpec(
            kind="bar",
            x=columns[0],
            series=(columns[1],),
            x_label=_("Root cause"),
            y_label=_("Closed complaints"),
        ),
        row_urls=[
            complaints_url(period, scope, happened="closed", root_cause=row["root_cause"])
            if row["root_cause"]
            else ""
            for row in rows
        ],
    )
