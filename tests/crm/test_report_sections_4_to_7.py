"""/reports/ sections 4 to 7 (remedies, satisfaction, retention, onboarding) on the page."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.factories import (
    ComplaintFactory,
    CustomerFactory,
    HandoffFactory,
    InteractionFactory,
    OnboardingFactory,
    RemedyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
SECTIONS = ["remedies", "satisfaction", "retention", "onboarding"]


@pytest.fixture(autouse=True)
def _monday_noon(time_machine):
    time_machine.move_to(NOW, tick=False)


def fill(person, rows: int) -> None:
    """Give the person rows of every kind sections 4 to 7 count, all in the last 30 days."""
    approver = UserFactory()
    for index in range(rows):
        when = NOW - timedelta(days=1 + index % 20)
        RemedyFactory(
            proposed_by=person,
            proposed_at=when - timedelta(hours=2),
            decision="approved",
            auto_approved=index % 2 == 0,
            decided_by=None if index % 2 == 0 else approver,
            decided_at=when,
            kind=["refund", "gift", "discount"][index % 3],
        )
        ComplaintFactory(
            owner=person,
            logged_by=person,
            received_at=when,
            asked_remedy_kind="refund",
            asked_amount=Decimal("30"),
            outcome_satisfied=index % 3 != 0,
            handling_rating=1 + index % 5,
            checked_in_at=when,
        )
        customer = CustomerFactory(
            account_owner=person,
            status="former" if index % 4 == 0 else "active",
            became_customer_on=date(2026, 1, 5),
            lost_on=when.date() if index % 4 == 0 else None,
            lost_reason="price" if index % 4 == 0 else "",
        )
        InteractionFactory(customer=customer, is_positive=True, occurred_at=when)
        onboarding = OnboardingFactory(
            owner=person,
            started_at=when - timedelta(days=5),
            completed_at=when,
            status="completed",
        )
        HandoffFactory(
            onboarding=onboarding,
            to_user=person,
            created_at=when - timedelta(hours=3),
            accepted_at=when - timedelta(hours=1),
        )


def sections_of(response) -> dict:
    return {section.key: section for section in response.context["sections"]}


def test_the_reports_page_runs_the_same_queries_however_much_data(
    client, owner, staff, django_assert_max_num_queries
):
    client.force_login(owner)
    counts = []
    for rows in (3, 21):  # 3 rows of each kind, then 24
        fill(staff, rows)
        with django_assert_max_num_queries(80) as captured:
            response = client.get("/reports/", {"period": "30"})
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    sections = sections_of(response)
    assert set(SECTIONS) <= set(sections)
    remedies = {figure.label: figure.value for figure in sections["remedies"].figures}
    # Of each fill, the remedies of even index were granted within authority (2 + 11), 20.00 each.
    assert remedies["Granted within authority"] == "13 (260.00)"
    onboarding = {figure.label: figure.value for figure in sections["onboarding"].figures}
    assert onboarding["Cycle time, median"] == "5 business days"
    assert onboarding["Handoff acceptance, median"] == "2 h"


def test_staff_see_only_their_own_figures_beside_their_teams(client, staff, other_staff):
    fill(staff, 2)
    fill(other_staff, 4)
    client.force_login(staff)

    response = client.get("/reports/", {"period": "30"})

    sections = sections_of(response)
    people = sections["remedies"].tables[1]
    assert [row[0] for row in people.rows] == [staff.get_full_name()]
    satisfaction = {figure.label: figure for figure in sections["satisfaction"].figures}
    mine = satisfaction["Satisfied with the outcome"]
    assert mine.value == "50.0 % (1 of 2)"
    # The team (front-line staff: both) is shown beside it, without names.
    assert mine.team_value == "50.0 % (3 of 6)"
    assert other_staff.get_full_name() not in response.content.decode()
    # A forged person= is refused.
    assert client.get("/reports/", {"person": other_staff.pk}).status_code == 403


def test_an_empty_period_shows_every_section_with_nothing_to_count(client, owner):
    client.force_login(owner)
    response = client.get("/reports/", {"period": "7"})
    sections = sections_of(response)
    assert {f.label: f.value for f in sections["satisfaction"].figures}[
        "Satisfied with the outcome"
    ] == "n/a"
    assert sections["remedies"].tables[0].rows == []
    assert "Nothing in this period." in response.content.decode()


def test_each_figure_links_to_the_rows_behind_it(client, owner, staff):
    fill(staff, 2)
    client.force_login(owner)
    response = client.get("/reports/", {"period": "30", "person": staff.pk})
    remedies = sections_of(response)["remedies"]
    url = remedies.figures[0].url
    assert url.startswith("/complaints/remedies/?decision=granted&auto_approved=true")
    listing = client.get(url)
    assert listing.status_code == 200
    assert listing.context["page"].count == 1
