"""My day's top: waiting approvals and the team's breaches for supervisors, tiles for owners."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm import headlines, my_day
from tests.factories import ComplaintFactory, FollowUpFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=False)


def breaching_complaint(owner):
    now = timezone.now()
    return ComplaintFactory(
        owner=owner,
        logged_by=owner,
        received_at=now - timedelta(hours=3),
        first_response_due=now - timedelta(hours=2),
    )


def test_a_supervisor_sees_everyones_breaches_after_waiting_approvals(client, supervisor):
    colleague = UserFactory()
    late = breaching_complaint(colleague)
    ComplaintFactory(owner=colleague, logged_by=colleague)  # within its deadlines
    overdue = FollowUpFactory(owner=colleague, due_at=timezone.now() - timedelta(hours=1))
    FollowUpFactory(owner=colleague, due_at=timezone.now() + timedelta(hours=1))
    client.force_login(supervisor)

    response = client.get("/")

    sections = {section.key: section for section in response.context["sections"]}
    keys = list(sections)
    assert keys[:3] == ["approvals", "team_breaches", "team_overdue"]
    assert [complaint.pk for complaint in sections["team_breaches"].items] == [late.pk]
    assert [follow_up.pk for follow_up in sections["team_overdue"].items] == [overdue.pk]
    assert sections["team_breaches"].more_url == "/complaints/?breaching=true"
    html = response.content.decode()
    assert late.reference in html
    assert html.index("Awaiting your approval") < html.index("Team complaints past an SLA")


def test_front_line_staff_see_no_team_breaches(client, staff):
    breaching_complaint(UserFactory())
    client.force_login(staff)
    keys = [section.key for section in client.get("/").context["sections"]]
    assert "team_breaches" not in keys
    assert "team_overdue" not in keys


def test_the_team_breach_section_finds_what_breaching_finds(supervisor):
    from complaints.models import Complaint
    from complaints.my_day import team_breach_sections

    now = timezone.now()
    breaching_complaint(UserFactory())
    acknowledged = breaching_complaint(UserFactory())
    acknowledged.acknowledged_at = now - timedelta(hours=2)
    acknowledged.save()  # its first response came: no longer breaching
    paused = breaching_complaint(UserFactory())
    paused.paused_at = now
    paused.save()
    (section,) = team_breach_sections(supervisor, now)
    my_day.read_rows([section])
    expected = set(Complaint.objects.breaching(now=now).values_list("pk", flat=True))
    assert {complaint.pk for complaint in section.items} == expected
    assert section.total == 1


def test_owners_see_headline_tiles_linking_into_the_reports(client, owner, staff):
    breaching_complaint(staff)
    client.force_login(owner)

    response = client.get("/")

    tiles = response.context["tiles"]
    by_key = {tile["headline"].key: tile for tile in tiles}
    assert list(by_key) == [
        "first_response",
        "open_breaches",
        "remedies_granted",
        "satisfied",
        "promises_kept",
    ]
    assert by_key["open_breaches"]["headline"].value == "1"
    assert by_key["satisfied"]["headline"].value == "n/a"
    assert by_key["remedies_granted"]["url"] == "/reports/?period=7#report-remedies"
    assert 'href="/reports/?period=7#report-remedies"' in response.content.decode()


def test_supervisors_and_staff_see_no_tiles(client, supervisor, staff):
    for person in (supervisor, staff):
        client.force_login(person)
        assert client.get("/").context["tiles"] is None


def test_owner_tiles_are_computed_once_for_a_few_minutes(
    client, owner, django_assert_max_num_queries
):
    client.force_login(owner)
    client.get("/")
    breaching_complaint(UserFactory())
    with django_assert_max_num_queries(40) as first_queries:
        cached = client.get("/").context["tiles"]
    # The breach logged since is not counted until the cache expires.
    assert {t["headline"].key: t["headline"].value for t in cached}["open_breaches"] == "0"
    headlines_queries = len(first_queries.captured_queries)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(60) as fresh_queries:
        fresh = client.get("/").context["tiles"]
    assert {t["headline"].key: t["headline"].value for t in fresh}["open_breaches"] == "1"
    assert len(fresh_queries.captured_queries) > headlines_queries
    assert headlines.TILE_CACHE_SECONDS == 300


def test_an_owners_my_day_runs_the_same_queries_however_much_data(
    client, owner, django_assert_max_num_queries
):
    from django.core.cache import cache

    client.force_login(owner)
    counts = []
    for rows in (2, 18):  # 2 rows of each kind, then 20
        for _ in range(rows):
            breaching_complaint(UserFactory())
            FollowUpFactory(due_at=timezone.now() - timedelta(hours=1))
        cache.clear()  # the tiles' report queries on a cold cache included
        with django_assert_max_num_queries(60) as captured:
            client.get("/")
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
