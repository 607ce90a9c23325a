"""The Remedies and Satisfaction sections of /reports/, from complaints/remedy_reports.py.

Each provider turns the definitions' figures into crm.reporting sections: headline figures
that link to the rows behind them, tables (also the CSV and the chart's data) and the
definitions in words. A front-line person's figures carry their team's beside them.
"""

from django.utils.translation import gettext as _

from complaints import remedy_reports as reports
from crm.report_links import dates_of, list_url, people_of
from crm.reporting import (
    NO_VALUE,
    ChartSpec,
    Figure,
    Period,
    Scope,
    Section,
    Table,
    minutes_text,
    percent_text,
)

REMEDIES = "complaints:remedies"
COMPLAINTS = "complaints:list"


def _minutes(value: float | None) -> str:
    return NO_VALUE if value is None else minutes_text(round(value))


def _team(scope: Scope, compute):
    """Return the figure's value for the scope's comparison team, or None without one."""
    return None if scope.compare_with is None else compute(scope.compare_with)


def remedy_sections(period: Period, scope: Scope) -> list[Section]:
    """Return the Remedies section (section 4): a constant number of queries."""
    window = {"start": period.start, "end": period.end}

    def routes(of: Scope):
        return reports.grant_routes(**window, people=people_of(of))

    def turnaround(of: Scope):
        return reports.approval_turnaround(**window, people=people_of(of))

    mine, team = routes(scope), _team(scope, routes)
    waited, team_waited = turnaround(scope), _team(scope, turnaround)
    # The remedy list's filters (complaints/filters.py RemedyFilter): decided in the period,
    # by the proposer (a person, or a team's members).
    decided = dates_of(period, "decided")
    granted = decided | scope.list_query("proposed_by")
    figures = [
        Figure(
            _("Granted within authority"),
            _("%(count)d (%(amount)s)")
            % {"count": mine.within_authority_count, "amount": mine.within_authority_amount},
            url=list_url(REMEDIES, decision="granted", auto_approved="true", **granted),
            team_value=None if team is None else str(team.within_authority_count),
        ),
        Figure(
            _("Granted after approval"),
            _("%(count)d (%(amount)s)")
            % {"count": mine.after_approval_count, "amount": mine.after_approval_amount},
            url=list_url(REMEDIES, decision="granted", auto_approved="false", **granted),
            team_value=None if team is None else str(team.after_approval_count),
        ),
        Figure(
            _("Rejected by an approver"),
            str(mine.rejected_count),
            url=list_url(REMEDIES, decision="rejected", **granted),
            team_value=None if team is None else str(team.rejected_count),
        ),
        Figure(
            _("Approval turnaround, median"),
            _minutes(waited.median),
            url=list_url(
                REMEDIES,
                auto_approved="false",
                **decided,
                **scope.list_query("decided_by", "decider_team"),
            ),
            team_value=None if team_waited is None else _minutes(team_waited.median),
            help_text=_("90th percentile: %(p90)s, over %(count)d decisions")
            % {"p90": _minutes(waited.p90), "count": waited.count},
        ),
    ]
    kinds = reports.remedies_by_kind(**window, people=people_of(scope))
    by_kind = Table(
        key="remedies-by-kind",
        title=_("Remedies asked for and granted, by kind"),
        columns=[_("Kind"), _("Asked"), _("Asked, money"), _("Granted"), _("Granted, money")],
        rows=[
            [row.label, row.asked_count, row.asked_amount, row.granted_count, row.granted_amount]
            for row in kinds
        ],
        chart=ChartSpec(
            kind="bar",
            x=_("Kind"),
            series=(_("Asked"), _("Granted")),
            x_label=_("Remedy kind"),
            y_label=_("Remedies"),
        ),
        row_urls=[
            list_url(REMEDIES, kind=row.kind, decision="granted", **granted) for row in kinds
        ],
    )
    people = reports.remedies_by_person(**window, people=people_of(scope))
    by_person = Table(
        key="remedies-by-person",
        title=_("Remedies by person who proposed and who approved"),
        columns=[
            _("Person"),
            _("Proposed"),
            _("Granted"),
            _("Granted, money"),
            _("Decided as approver"),
            _("Approved"),
            _("Approved, money"),
        ],
        rows=[
            [
                row.name,
                row.proposed_count,
                row.granted_count,
                row.granted_amount,
                row.decided_count,
                row.approved_count,
                row.approved_amount,
            ]
            for row in people
        ],
        row_urls=[
            list_url(REMEDIES, proposed_by=str(row.user_id), **dates_of(period, ""))
            for row in people
        ],
    )
    return [
        Section(
            key="remedies",
            title=_("Remedies"),
            definitions=[
                _(
                    "Asked: complaints received in the period whose customer asked for a "
                    "remedy of that kind, with the amount they asked for (by the complaint's "
                    "owner)."
                ),
                _(
                    "Granted: remedies approved, within the proposer's authority or by an "
                    "approver, with the decision in the period (by the proposer)."
                ),
                _(
                    "Approval turnaround: time on the clock from the proposal to the "
                    "approver's decision, for remedies above the proposer's authority (by "
                    "the approver). The median is the middle value; the 90th percentile the "
                    "value nine in ten decisions were quicker than or equal to."
                ),
            ],
            figures=figures,
            tables=[by_kind, by_person],
        )
    ]


def satisfaction_sections(period: Period, scope: Scope) -> list[Section]:
    """Return the Satisfaction section (section 5): a constant number of queries."""

    def answers(of: Scope):
        return reports.satisfaction(start=period.start, end=period.end, people=people_of(of))

    mine, team = answers(scope), _team(scope, answers)
    # The complaint list's filters: checked in during the period, by the complaint's owner.
    checked = dates_of(period, "checked_in") | scope.list_query()

    def mean(figures) -> str:
        return NO_VALUE if figures.rating_mean is None else f"{figures.rating_mean:g}"

    figures = [
        Figure(
            _("Satisfied with the outcome"),
            percent_text(mine.satisfied, mine.check_ins),
            url=list_url(COMPLAINTS, outcome_satisfied="true", **checked),
            team_value=None if team is None else percent_text(team.satisfied, team.check_ins),
        ),
        Figure(
            _("Handling rating, mean (1-5)"),
            mean(mine),
            url=list_url(COMPLAINTS, **checked),
            team_value=None if team is None else mean(team),
        ),
        Figure(
            _("Happy with the handling, not with the outcome"),
            str(mine.happy_handling_not_outcome),
            url=list_url(COMPLAINTS, outcome_satisfied="false", rating="happy", **checked),
            team_value=None if team is None else str(team.happy_handling_not_outcome),
        ),
        Figure(
            _("Happy with the outcome, not with the handling"),
            str(mine.happy_outcome_not_handling),
            url=list_url(COMPLAINTS, outcome_satisfied="true", rating="unhappy", **checked),
            team_value=None if team is None else str(team.happy_outcome_not_handling),
        ),
    ]
    ratings = Table(
        key="satisfaction-ratings",
        title=_("Check-ins by handling rating"),
        columns=[_("Rating"), _("Check-ins")],
        rows=[[rating, count] for rating, count in mine.ratings.items()] if mine.check_ins else [],
        chart=ChartSpec(
            kind="bar",
            x=_("Rating"),
            series=(_("Check-ins"),),
            x_label=_("Rating of the handling (1 poor, 5 very good)"),
            y_label=_("Check-ins"),
        ),
        row_urls=[list_url(COMPLAINTS, rating=str(rating), **checked) for rating in mine.ratings]
        if mine.check_ins
        else [],
    )
    return [
        Section(
            key="satisfaction",
            title=_("Satisfaction"),
            definitions=[
                _(
                    "Check-ins: complaints whose after-resolution check-in was recorded in the "
                    "period; a complaint checked in again after a reopen counts once, with its "
                    "latest answers (by the complaint's owner)."
                ),
                _("Satisfied: the customer said they are satisfied with the outcome."),
                _(
                    "Happy with the handling: a rating of 4 or 5; not happy with it: 1 or 2. "
                    "The splits show where a good outcome hid poor handling, and the reverse."
                ),
            ],
            figures=figures,
            tables=[ratings],
        )
    ]
