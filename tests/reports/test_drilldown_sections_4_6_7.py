"""Sections 4, 6 and 7 of /reports/: each figure's link lists exactly the rows it counts."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group

from tests.factories import (
    CustomerFactory,
    HandoffFactory,
    InteractionFactory,
    OnboardingFactory,
    RemedyFactory,
    UserFactory,
)
from tests.reports.drilldown import NOW, figures, listed, tables

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
LONG_AGO = NOW - 40 * DAY


@pytest.fixture(autouse=True)
def _monday_noon(time_machine):
    time_machine.move_to(NOW, tick=False)


def remedy(proposer, *, decision="approved", auto=False, decider=None, when=NOW - DAY, **extra):
    return RemedyFactory(
        proposed_by=proposer,
        proposed_at=when - timedelta(hours=3),
        decision=decision,
        auto_approved=auto,
        decided_by=proposer if auto else decider,
        decided_at=when,
        **extra,
    ).pk


@pytest.fixture
def remedies(staff, supervisor):
    return {
        "within": remedy(staff, auto=True),
        "within_delivered": remedy(staff, auto=True, decision="delivered", kind="gift"),
        "approved": remedy(staff, decider=supervisor),
        "rejected": remedy(staff, decision="rejected", decider=supervisor),
        "old": remedy(staff, auto=True, when=LONG_AGO),
        "others": remedy(UserFactory(), auto=True),
        "waiting": RemedyFactory(proposed_by=staff, proposed_at=NOW - DAY).pk,
    }


def test_each_remedy_figure_lists_exactly_the_remedies_it_counts(
    client, supervisor, staff, remedies
):
    client.force_login(supervisor)
    section = figures(client, person=staff.pk)["remedies"]

    assert section["Granted within authority"].value.startswith("2 ")
    assert listed(client, section["Granted within authority"].url) == {
        remedies["within"],
        remedies["within_delivered"],
    }
    assert listed(client, section["Granted after approval"].url) == {remedies["approved"]}
    assert listed(client, section["Rejected by an approver"].url) == {remedies["rejected"]}
    # Turnaround is about the approver: the supervisor decided two.
    supervisors = figures(client, person=supervisor.pk)["remedies"]
    turnaround = supervisors["Approval turnaround, median"]
    assert "over 2 decisions" in turnaround.help_text
    assert listed(client, turnaround.url) == {remedies["approved"], remedies["rejected"]}


def test_each_remedy_table_row_lists_its_remedies(client, supervisor, staff, remedies):
    client.force_login(supervisor)
    found = tables(client, person=staff.pk)

    by_kind = found["remedies-by-kind"]
    for row, url in zip(by_kind.rows, by_kind.row_urls, strict=True):
        assert len(listed(client, url)) == row[3]  # granted
    by_person = found["remedies-by-person"]
    for row, url in zip(by_person.rows, by_person.row_urls, strict=True):
        assert len(listed(client, url)) == row[1]  # proposed
    assert len(by_person.rows) == 1


def test_staff_follow_their_own_remedy_links_to_their_own_remedies(client, staff, remedies):
    client.force_login(staff)
    section = figures(client)["remedies"]

    assert listed(client, section["Granted within authority"].url) == {
        remedies["within"],
        remedies["within_delivered"],
    }


def test_a_teams_remedy_links_list_only_the_teams_remedies(client, supervisor, staff, remedies):
    team = Group.objects.create(name="Drill-down team")
    staff.groups.add(team)
    client.force_login(supervisor)

    section = figures(client, team=team.pk)["remedies"]

    assert listed(client, section["Granted within authority"].url) == {
        remedies["within"],
        remedies["within_delivered"],
    }


def lost(owner, *, on: date, reason: str = "price"):
    return CustomerFactory(
        account_owner=owner,
        status="former",
        became_customer_on=date(2026, 1, 5),
        lost_on=on,
        lost_reason=reason,
    ).pk


def test_each_retention_figure_and_reason_lists_exactly_the_customers_lost(
    client, supervisor, staff, other_staff
):
    # given
    price = lost(staff, on=date(2026, 11, 20))
    no_reason = lost(staff, on=date(2026, 11, 2), reason="")
    lost(staff, on=date(2026, 9, 1))  # before the period
    lost(other_staff, on=date(2026, 11, 20))
    CustomerFactory(account_owner=staff, status="active", became_customer_on=date(2026, 1, 5))
    client.force_login(supervisor)

    # when
    section = figures(client, person=staff.pk)["retention"]
    reasons = tables(client, person=staff.pk)["retention-lost"]

    # then
    assert section["Customers lost"].value == "2"
    assert listed(client, section["Customers lost"].url) == {price, no_reason}
    assert listed(client, section["Churn"].url) == {price, no_reason}
    by_reason = {
        row[0]: listed(client, url)
        for row, url in zip(reasons.rows, reasons.row_urls, strict=True)
    }
    assert by_reason == {"Price": {price}, "—": {no_reason}}


def test_active_customers_and_keep_in_touch_coverage_list_exactly_the_customers_counted(
    client, supervisor, staff, other_staff
):
    # given: on the period's last day (today, 23 November), active customers of staff: one
    # kept in touch within its 30-day cadence, one whose last positive contact is older, one
    # who asked not to be contacted; a customer lost before the end, a prospect, and another
    # person's customer kept in touch
    def active(owner=staff, **fields):
        fields.setdefault("became_customer_on", date(2026, 1, 5))
        return CustomerFactory(account_owner=owner, status="active", **fields)

    kept = active(keep_in_touch_days=30)
    InteractionFactory(customer=kept, is_positive=True, occurred_at=NOW - 10 * DAY)
    stale = active(keep_in_touch_days=30)
    InteractionFactory(customer=stale, is_positive=True, occurred_at=NOW - 45 * DAY)
    private = active(do_not_contact=True)
    lost(staff, on=date(2026, 11, 20))
    CustomerFactory(account_owner=staff, status="prospect", became_customer_on=None)
    theirs = active(other_staff, keep_in_touch_days=30)
    InteractionFactory(customer=theirs, is_positive=True, occurred_at=NOW - DAY)
    client.force_login(supervisor)

    # when
    section = figures(client, person=staff.pk)["retention"]

    # then
    assert section["Active customers at the end"].value == "3"
    assert listed(client, section["Active customers at the end"].url) == {
        kept.pk,
        stale.pk,
        private.pk,
    }
    assert section["Keep-in-touch coverage"].value == "50.0 % (1 of 2)"
    assert listed(client, section["Keep-in-touch coverage"].url) == {kept.pk}


def test_a_teams_retention_links_list_only_the_teams_customers(
    client, supervisor, staff, other_staff
):
    team = Group.objects.create(name="Drill-down team")
    staff.groups.add(team)
    mine = lost(staff, on=date(2026, 11, 20))
    lost(other_staff, on=date(2026, 11, 20))
    client.force_login(supervisor)

    section = figures(client, team=team.pk)["retention"]

    assert section["Customers lost"].value == "1"
    assert listed(client, section["Customers lost"].url) == {mine}


def test_each_onboarding_figure_lists_exactly_the_onboardings_it_counts(
    client, supervisor, staff, other_staff
):
    # given: one completed in the period with a handoff to staff accepted, one cancelled with
    # a handoff declined, one started long ago and still running, another person's
    completed = OnboardingFactory(
        owner=staff, started_at=NOW - 5 * DAY, completed_at=NOW - DAY, status="completed"
    )
    cancelled = OnboardingFactory(
        owner=staff, started_at=NOW - 3 * DAY, cancelled_at=NOW - DAY, status="cancelled"
    )
    running = OnboardingFactory(owner=staff, started_at=LONG_AGO)
    OnboardingFactory(owner=other_staff, started_at=NOW - 2 * DAY)
    HandoffFactory(
        onboarding=completed,
        to_user=staff,
        created_at=NOW - 2 * DAY,
        accepted_at=NOW - 2 * DAY + timedelta(hours=1),
    )
    HandoffFactory(
        onboarding=running,
        from_user=other_staff,
        to_user=staff,
        created_at=NOW - 3 * DAY,
        declined_at=NOW - 2 * DAY,
        decline_reason="Not my area",
    )
    # Withdrawn when its onboarding was cancelled: not the receiver's answer.
    HandoffFactory(
        onboarding=cancelled,
        to_user=staff,
        created_at=NOW - 3 * DAY,
        declined_at=NOW - DAY,
        decline_reason="Cancelled",
    )
    client.force_login(supervisor)

    # when
    section = figures(client, person=staff.pk)["onboarding"]
    flow = tables(client, person=staff.pk)["onboarding-flow"]

    # then
    assert listed(client, section["Cycle time, median"].url) == {completed.pk}
    assert listed(client, section["Handoff acceptance, median"].url) == {completed.pk}
    assert section["Handoffs declined"].value == "1"
    assert listed(client, section["Handoffs declined"].url) == {running.pk}
    started = listed(client, flow.row_urls[0])
    assert len(started) == flow.rows[0][1] == 2
    assert started == {completed.pk, cancelled.pk}


def test_a_teams_onboarding_links_list_only_the_teams_onboardings(
    client, supervisor, staff, other_staff
):
    team = Group.objects.create(name="Drill-down team")
    staff.groups.add(team)
    mine = OnboardingFactory(owner=staff, started_at=NOW - DAY)
    theirs = OnboardingFactory(owner=other_staff, started_at=NOW - DAY)
    HandoffFactory(
        onboarding=theirs,
        to_user=staff,
        created_at=NOW - 2 * DAY,
        accepted_at=NOW - DAY,
    )
    HandoffFactory(onboarding=mine, to_user=other_staff, accepted_at=NOW - DAY)
    client.force_login(supervisor)

    section = figures(client, team=team.pk)["onboarding"]
    flow = tables(client, team=team.pk)["onboarding-flow"]

    assert listed(client, flow.row_urls[0]) == {mine.pk}
    # Handoffs belong to their receiver: the team's is the one staff accepted.
    assert listed(client, section["Handoff acceptance, median"].url) == {theirs.pk}


def test_staff_follow_their_own_onboarding_links_to_their_own_onboardings(
    client, staff, other_staff
):
    mine = OnboardingFactory(owner=staff, started_at=NOW - DAY)
    OnboardingFactory(owner=other_staff, started_at=NOW - DAY)
    client.force_login(staff)

    flow = tables(client)["onboarding-flow"]

    assert listed(client, flow.row_urls[0]) == {mine.pk}
