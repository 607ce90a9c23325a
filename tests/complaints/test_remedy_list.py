"""/complaints/remedies/: every remedy, filtered as the reports' links ask, a page at a time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group

from complaints.models import Remedy
from tests.factories import ComplaintFactory, RemedyFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
DAY = timedelta(days=1)
URL = "/complaints/remedies/"


@pytest.fixture(autouse=True)
def _monday_noon(time_machine):
    time_machine.move_to(NOW, tick=False)


def listed(client, **query) -> list[int]:
    response = client.get(URL, query)
    assert response.status_code == 200
    return [remedy.pk for remedy in response.context["page"]]


@pytest.fixture
def some(staff, other_staff, supervisor):
    return {
        "staff_within": RemedyFactory(
            proposed_by=staff,
            proposed_at=NOW - 3 * DAY,
            decision="approved",
            auto_approved=True,
            decided_by=staff,
            decided_at=NOW - 3 * DAY,
        ),
        "staff_rejected": RemedyFactory(
            proposed_by=staff,
            proposed_at=NOW - 10 * DAY,
            decision="rejected",
            decided_by=supervisor,
            decided_at=NOW - 2 * DAY,
            kind="replacement",
        ),
        "other_delivered": RemedyFactory(
            proposed_by=other_staff,
            proposed_at=NOW - 5 * DAY,
            decision="delivered",
            decided_by=supervisor,
            decided_at=NOW - 4 * DAY,
            kind="apology",
            amount=None,
        ),
        "other_waiting": RemedyFactory(proposed_by=other_staff, proposed_at=NOW - DAY),
    }


def test_the_list_shows_every_remedy_newest_proposal_first_with_a_link_to_its_complaint(
    staff_client, some
):
    response = staff_client.get(URL)

    assert [remedy.pk for remedy in response.context["page"]] == [
        some[name].pk
        for name in ("other_waiting", "staff_within", "other_delivered", "staff_rejected")
    ]
    html = response.content.decode()
    complaint = some["staff_within"].complaint
    assert f'href="{complaint.get_absolute_url()}"' in html
    assert complaint.reference in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"decision": "granted"}, {"staff_within", "other_delivered"}),
        ({"decision": "rejected"}, {"staff_rejected"}),
        ({"decision": "proposed"}, {"other_waiting"}),
        ({"kind": "replacement"}, {"staff_rejected"}),
        ({"auto_approved": "true"}, {"staff_within"}),
        ({"auto_approved": "false"}, {"staff_rejected", "other_delivered", "other_waiting"}),
        (
            {"happened_from": "2026-11-18", "happened_to": "2026-11-20"},
            {"other_delivered", "staff_within"},
        ),
        (
            {"happened": "decided", "happened_from": "2026-11-21", "happened_to": "2026-11-21"},
            {"staff_rejected"},
        ),
    ],
)
def test_the_filters_keep_the_remedies_asked_for(staff_client, some, query, expected):
    assert set(listed(staff_client, **query)) == {some[name].pk for name in expected}


def test_the_people_filters_keep_the_proposers_and_deciders_remedies(
    staff_client, staff, supervisor, some
):
    assert set(listed(staff_client, proposed_by=staff.pk)) == {
        some["staff_within"].pk,
        some["staff_rejected"].pk,
    }
    assert set(listed(staff_client, decided_by=supervisor.pk)) == {
        some["staff_rejected"].pk,
        some["other_delivered"].pk,
    }


def test_the_team_filters_keep_the_team_members_proposals_and_decisions(
    staff_client, staff, supervisor, some
):
    team = Group.objects.create(name="Remedy team")
    staff.groups.add(team)
    deciders = Group.objects.create(name="Deciders")
    supervisor.groups.add(deciders)

    assert set(listed(staff_client, team=team.pk)) == {
        some["staff_within"].pk,
        some["staff_rejected"].pk,
    }
    assert set(listed(staff_client, decider_team=deciders.pk)) == {
        some["staff_rejected"].pk,
        some["other_delivered"].pk,
    }


@pytest.mark.parametrize(
    "query",
    [
        {"team": "abc"},
        {"team": str(2**70)},
        {"decider_team": "-1"},
        {"proposed_by": "99999999999999999999999"},
        {"happened_from": "not a date", "decision": "maybe", "kind": "<b>"},
        {"after": "garbage"},
    ],
)
def test_bad_input_is_ignored_never_a_server_error(staff_client, some, query):
    response = staff_client.get(URL, query)

    assert response.status_code == 200


def test_someone_in_no_group_may_not_see_the_remedies(client, some):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403


def test_the_queryset_keeps_no_remedy_from_someone_who_may_not_see_complaints(staff, some):
    assert Remedy.objects.visible_to(staff).count() == 4
    assert not Remedy.objects.visible_to(UserFactory()).exists()


def test_the_list_is_paged_in_a_constant_number_of_queries(
    client, supervisor, staff, django_assert_max_num_queries
):
    # given: 60 remedies on 60 complaints of different customers
    for number in range(60):
        RemedyFactory(
            complaint=ComplaintFactory(owner=staff),
            proposed_by=staff,
            proposed_at=NOW - timedelta(minutes=number),
            description=f"Refund {number:05d}",
        )
    client.force_login(supervisor)
    second = client.get(URL, {"decision": "proposed"}).context["page"].next_url
    third = client.get(f"{URL}{second}").context["page"].next_url

    # when: session, user, permissions (2), page, count, the people to choose from (2), the
    # navigation's unread count; on SQLite a page past the first reads one range per key (two)
    with django_assert_max_num_queries(10):
        response = client.get(f"{URL}{third}")

    # then
    page = response.context["page"]
    assert page.count == 60
    assert [remedy.description for remedy in page] == [
        f"Refund {number:05d}" for number in range(50, 60)
    ]
    assert not page.has_next
    assert "decision=proposed" in page.first_url
