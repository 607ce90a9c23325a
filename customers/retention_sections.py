"""The Retention section of /reports/, from customers/retention_reports.py."""

from django.utils.translation import gettext as _

from crm.report_links import list_url, people_of
from crm.reporting import NO_VALUE, ChartSpec, Figure, Period, Scope, Section, Table, percent_text
from customers import retention_reports as reports
from customers.filters import NO_REASON

CUSTOMERS = "customers:list"


def _churn(losses) -> str:
    return NO_VALUE if losses.churn_percent is None else f"{losses.churn_percent:g} %"


def retention_sections(period: Period, scope: Scope) -> list[Section]:
    """Return the Retention section (section 6): a constant number of queries."""
    compare = scope.compare_with

    def active(of: Scope):
        return reports.active_customers(start=period.start, end=period.end, people=people_of(of))

    def lost(of: Scope, active_at_start: int | None = None):
        return reports.customers_lost(
            start=period.start,
            end=period.end,
            people=people_of(of),
            active_at_start=active_at_start,
        )

    def coverage(of: Scope):
        return reports.keep_in_touch_coverage(end=period.end, people=people_of(of))

    counted = active(scope)
    weeks = counted.by_week
    losses = lost(scope, counted.at_start)
    team_losses = None if compare is None else lost(compare)
    covered, team_covered = coverage(scope), None if compare is None else coverage(compare)
    # The customer list's filters (customers/filters.py): lost on a day of the period, by the
    # account owner (a person, or a team's members).
    owners = scope.list_query("account_owner")
    lost_params = {
        "lost_from": period.first_day.isoformat(),
        "lost_to": period.last_day.isoformat(),
        **owners,
    }
    # Active on the period's last day, and of those kept in touch by its end (the filters
    # apply the figures' own definitions).
    last_day = period.last_day.isoformat()
    active_list = list_url(CUSTOMERS, active_on=last_day, **owners)
    covered_list = list_url(CUSTOMERS, active_on=last_day, kept_in_touch="yes", **owners)
    figures = [
        Figure(
            _("Active customers at the end"),
            str(weeks[-1][1]) if weeks else NO_VALUE,
            url=active_list,
        ),
        Figure(
            _("Customers lost"),
            str(losses.total),
            url=list_url(CUSTOMERS, **lost_params),
            team_value=None if team_losses is None else str(team_losses.total),
        ),
        Figure(
            _("Churn"),
            _churn(losses),
            url=list_url(CUSTOMERS, **lost_params),
            team_value=None if team_losses is None else _churn(team_losses),
        ),
        Figure(
            _("Keep-in-touch coverage"),
            percent_text(covered.covered, covered.customers),
            url=covered_list,
            team_value=None
            if team_covered is None
            else percent_text(team_covered.covered, team_covered.customers),
        ),
    ]
    active = Table(
        key="retention-active",
        title=_("Active customers, end of each week"),
        columns=[_("Week ending"), _("Active customers")],
        rows=[[day, count] for day, count in weeks],
        chart=ChartSpec(
            kind="line",
            x=_("Week ending"),
            series=(_("Active customers"),),
            x_label=_("Week ending"),
            y_label=_("Customers"),
        ),
    )
    reasons = Table(
        key="retention-lost",
        title=_("Customers lost, by reason"),
        columns=[_("Reason"), _("Customers")],
        rows=[[label, count] for _reason, label, count in losses.by_reason],
        chart=ChartSpec(
            kind="bar",
            x=_("Reason"),
            series=(_("Customers"),),
            x_label=_("Why we lost them"),
            y_label=_("Customers"),
        ),
        row_urls=[
            list_url(CUSTOMERS, lost_reason=reason or NO_REASON, **lost_params)
            for reason, _label, _count in losses.by_reason
        ],
    )
    return [
        Section(
            key="retention",
            title=_("Retention"),
            definitions=[
                _(
                    "Active on a day: became a customer on or before it and not lost since; "
                    "a customer regained counts from the day they came back. Archived "
                    "customers are left out (by account owner)."
                ),
                _(
                    "Lost: the customer's loss date falls in the period, whether or not they "
                    "came back since. Churn: those lost against the customers active the day "
                    "before the period."
                ),
                _(
                    "Keep-in-touch coverage: of the customers active at the end of the period "
                    "who want to be kept in touch with, those with a positive contact within "
                    "their cadence (e.g. the last 90 days) before the period's end."
                ),
            ],
            figures=figures,
            tables=[active, reasons],
        )
    ]
