"""My day gathers every app's sections; its query count must not grow with the data."""

from datetime import timedelta
from decimal import Decimal

import factory
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.html import escape

from crm import my_day
from tests.factories import (
    CategoryFactory,
    ComplaintFactory,
    ComplaintHandoffFactory,
    CustomerFactory,
    FollowUpFactory,
    HandoffFactory,
    InteractionFactory,
    OnboardingFactory,
    OnboardingStepFactory,
    RemedyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


def fill_a_busy_day(person, colleague, rows: int) -> None:
    """Give the person rows of work of every kind that My day shows."""
    customers = CustomerFactory.create_batch(5)
    sources = [
        *InteractionFactory.create_batch(3, customer=customers[0]),
        *ComplaintFactory.create_batch(3, customer=customers[1]),
        *OnboardingFactory.create_batch(3, customer=factory.Iterator(customers[2:])),
    ]
    for index in range(rows):
        source = sources[index % len(sources)]
        FollowUpFactory(
            owner=person,
            customer=customers[index % 5],
            due_at=timezone.now() + timedelta(minutes=-60 if index % 2 else 60),
            source_type=ContentType.objects.get_for_model(source),
            source_id=source.pk,
        )
    category = CategoryFactory(parent=CategoryFactory())
    ComplaintFactory.create_batch(rows, owner=person, logged_by=person, category=category)
    # the team's: past their first-response deadline
    ComplaintFactory.create_batch(
        rows,
        logged_by=colleague,
        category=category,
        received_at=timezone.now() - timedelta(days=2),
    )
    ComplaintHandoffFactory.create_batch(min(rows, 5), to_user=person)
    for complaint in ComplaintFactory.create_batch(
        rows, logged_by=colleague, status="awaiting_approval"
    ):
        RemedyFactory(complaint=complaint, proposed_by=colleague, amount=Decimal("20"))
    for onboarding in OnboardingFactory.create_batch(rows, owner=colleague):
        OnboardingStepFactory(onboarding=onboarding, assignee=person)
    HandoffFactory.create_batch(min(rows, 5), to_user=person)


def decline_offers_of(person, colleague, rows: int) -> None:
    """Give the person rows of their complaints and onboardings, each handoff declined."""
    declined = {"declined_at": timezone.now(), "decline_reason": "Not my team"}
    for complaint in ComplaintFactory.create_batch(rows, owner=person, logged_by=person):
        ComplaintHandoffFactory(complaint=complaint, to_user=colleague, **declined)
    for onboarding in OnboardingFactory.create_batch(rows, owner=person):
        HandoffFactory(
            onboarding=onboarding, to_user=colleague, step__assignee=colleague, **declined
        )


@pytest.mark.parametrize("rows", [3, 30])
def test_my_day_runs_the_same_queries_however_busy_the_day(
    client, supervisor, rows, django_assert_max_num_queries
):
    colleague = UserFactory()
    fill_a_busy_day(supervisor, colleague, rows)
    decline_offers_of(supervisor, colleague, rows)
    client.force_login(supervisor)
    # session, user, authority, the supervisor's permissions (one query); every section's keys,
    # unread notices' too (one query); the first rows of each of the twelve sections with any
    # (team overdue, team breaches, remedies, overdue, due today, recently given, complaints,
    # complaints offered, complaint handoffs declined, onboarding steps, onboardings offered,
    # onboarding handoffs declined), each read in one query with all that its rows draw; and
    # the follow-ups' sources, one query per kind of source among all the sections' rows (up
    # to 4). A field a row draws that its query left out would cost a query per row.
    with django_assert_max_num_queries(21):
        response = client.get("/")
    sections = {section.key: section for section in response.context["sections"]}
    shown = min(rows, my_day.SHOWN)
    for key in (
        "approvals",
        "team_breaches",
        "onboarding_steps",
        "complaint_handoffs_declined",
        "onboarding_handoffs_declined",
    ):
        assert len(sections[key].items) == shown
        assert sections[key].total == rows
    assert len(sections["complaint_handoffs"].items) == min(rows, 5)
    assert len(sections["onboarding_handoffs"].items) == min(rows, 5)
    # what the rows drew from their related records
    html = response.content.decode()
    category = sections["complaints"].items[0].category
    assert escape(f"{category.parent.name} / {category.name}") in html
    offers = [*sections["complaint_handoffs"].items, *sections["onboarding_handoffs"].items]
    for offer in offers:
        assert escape(f"From {offer.from_user.get_full_name()}:") in html
    # their own complaints and those handed back
    assert sections["complaints"].total == 2 * rows
    assert len(sections["overdue"].items) == min(rows // 2, my_day.SHOWN)
    assert sections["overdue"].total == rows // 2


def test_each_section_links_to_its_full_list(client, supervisor):
    fill_a_busy_day(supervisor, UserFactory(), 3)
    client.force_login(supervisor)

    response = client.get("/")

    links = {section.key: section.more_url for section in response.context["sections"]}
    assert links["overdue"] == "/followups/?due=overdue"
    assert links["due_today"] == "/followups/?due=today"
    assert links["complaints"] == f"/complaints/?owner={supervisor.pk}"
    assert links["approvals"] == "/complaints/approvals/"
    assert links["onboarding_steps"] == f"/onboarding/?assignee={supervisor.pk}"
    assert links["onboarding_handoffs"] == "/onboarding/handoffs/"
    html = response.content.decode()
    assert 'href="/complaints/approvals/">All awaiting your approval (3)</a>' in html
    # Each link finds the rows its section stands for.
    assert len(client.get(links["overdue"]).context["page"]) == 1
    assert len(client.get(links["complaints"]).context["page"]) == 3
    assert len(client.get(links["onboarding_steps"]).context["page"]) == 3
    assert client.get(links["approvals"]).context["page"].count == 3
    assert len(client.get(links["onboarding_handoffs"]).context["page"]) == 3


def test_my_day_shows_the_apps_sections_in_their_registered_order(client, staff):
    client.force_login(staff)
    response = client.get("/")
    # Waiting approvals first: a customer waits on each (the team's breaches follow them for
    # supervisors, tests/crm/test_supervisor_my_day.py).
    assert [section.key for section in response.context["sections"]] == [
        "approvals",
        "unread_notices",
        "overdue",
        "due_today",
        "recently_assigned",
        "complaints",
        "complaint_handoffs",
        "complaint_handoffs_declined",
        "onboarding_steps",
        "onboarding_handoffs",
        "onboarding_handoffs_declined",
    ]


def test_a_section_provider_registered_twice_is_asked_once(monkeypatch, staff):
    monkeypatch.setattr(my_day, "_providers", [])

    def late(user, now):
        return [my_day.Section("late", "Late", "x.html")]

    def early(user, now):
        return [my_day.Section("early", "Early", "x.html")]

    my_day.register_section(late, order=20)
    my_day.register_section(early, order=10)
    my_day.register_section(late, order=20)

    sections = my_day.sections_for(staff, timezone.now())

    assert [section.key for section in sections] == ["early", "late"]
