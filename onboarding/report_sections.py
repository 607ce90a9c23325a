"""The Onboarding section of /reports/, from onboarding/reports.py."""

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.calendar import BusinessCalendar
from crm.report_links import dates_of, list_url, people_of
from crm.reporting import NO_VALUE, ChartSpec, Figure, Period, Scope, Section, Table, minutes_text
from onboarding import reports

ONBOARDINGS = "onboarding:list"


def _days(value: float | None) -> str:
    return NO_VALUE if value is None else _("%(days)s business days") % {"days": f"{value:g}"}


def _minutes(value: float | None) -> str:
    return NO_VALUE if value is None else minutes_text(round(value))


def onboarding_sections(period: Period, scope: Scope) -> list[Section]:
    """Return the Onboarding section (section 7): a constant number of queries."""
    calendar = BusinessCalendar.load()
    now = timezone.now()
    compare = scope.compare_with
    window = {"start": period.start, "end": period.end}

    def figures_of(of: Scope):
        people = people_of(of)
        return (
            reports.onboarding_flow(**window, people=people),
            reports.cycle_time(**window, people=people, calendar=calendar),
            reports.stalled_now(now=now, people=people, calendar=calendar),
            reports.handoff_answers(**window, people=people),
        )

    flow, cycle, stalled, answers = figures_of(scope)
    team = None if compare is None else figures_of(compare)
    # The onboarding list's filters (onboarding/filters.py), of any status: by the owner (a
    # person, or a team's members); handoffs by their receiver.
    owners = {"status": "", **scope.list_query()}
    receivers = {"status": "", **scope.list_query("receiver", "receiver_team")}
    figures = [
        Figure(
            _("Cycle time, median"),
            _days(cycle.median),
            url=list_url(ONBOARDINGS, **dates_of(period, "completed"), **owners),
            team_value=None if team is None else _days(team[1].median),
            help_text=_("90th percentile: %(p90)s, over %(count)d completed")
            % {"p90": _days(cycle.p90), "count": cycle.count},
        ),
        Figure(
            _("Stalled now"),
            str(stalled),
            url=list_url(ONBOARDINGS, stalled="true", **scope.list_query()),
            team_value=None if team is None else str(team[2]),
        ),
        Figure(
            _("Handoff acceptance, median"),
            _minutes(answers.acceptance.median),
            url=list_url(ONBOARDINGS, **dates_of(period, "handoff_accepted"), **receivers),
            link_text=_("Onboardings with a handoff accepted"),
            team_value=None if team is None else _minutes(team[3].acceptance.median),
            help_text=_("90th percentile: %(p90)s, over %(count)d accepted")
            % {"p90": _minutes(answers.acceptance.p90), "count": answers.acceptance.count},
        ),
        Figure(
            _("Handoffs declined"),
            str(answers.declined),
            url=list_url(ONBOARDINGS, **dates_of(period, "handoff_declined"), **receivers),
            link_text=_("Onboardings with a handoff declined"),
            team_value=None if team is None else str(team[3].declined),
        ),
    ]
    flow_table = Table(
        key="onboarding-flow",
        title=_("Onboardings started, completed and cancelled"),
        columns=[_("Onboardings"), _("Started"), _("Completed"), _("Cancelled")],
        rows=[[_("In the period"), flow.started, flow.completed, flow.cancelled]],
        chart=ChartSpec(
            kind="bar",
            x=_("Onboardings"),
            series=(_("Started"), _("Completed"), _("Cancelled")),
            x_label=_("Period"),
            y_label=_("Onboardings"),
        ),
        row_urls=[list_url(ONBOARDINGS, **dates_of(period, "started"), **owners)],
    )
    return [
        Section(
            key="onboarding",
            title=_("Onboarding"),
            definitions=[
                _(
                    "Started, completed, cancelled: onboardings with that event in the period, "
                    "each counted by its own date (by the accountable owner)."
                ),
                _(
                    "Cycle time: business days from the start's date to the completion's date "
                    "(started Monday, completed Wednesday: 2), skipping closed days and "
                    "holidays; onboardings completed in the period."
                ),
                _(
                    "Stalled now: running onboardings without progress for the stall limit's "
                    "business days, as the deadline sweep counts them (today, whatever the "
                    "period)."
                ),
                _(
                    "Handoff acceptance: time on the clock from the offer to its acceptance, "
                    "for handoffs accepted in the period; declined: handoffs the receiver "
                    "declined in the period, offers withdrawn when the onboarding ended left "
                    "out (by the receiver)."
                ),
            ],
            figures=figures,
            tables=[flow_table],
        )
    ]
