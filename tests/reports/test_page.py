"""/reports/: who sees what, constant queries, CSV equal to the page, bad input."""

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm import reporting
from crm.reporting import Period, Scope, scope_for
from tests.factories import ComplaintFactory, FollowUpFactory, UserFactory, make_actor

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen(clock):
    clock.set(NOW)


def _data(people, per_person: int) -> None:
    for person in people:
        for number in range(per_person):
            moment = NOW - timedelta(days=number % 20, hours=1)
            FollowUpFactory(
                owner=person,
                kind="callback",
                status="done",
                created_at=moment,
                completed_at=moment + timedelta(minutes=30),
                response_minutes=30 + number,
                due_at=moment + timedelta(hours=1),
                promised_to_customer=True,
            )
            ComplaintFactory(
                owner=person,
                logged_by=person,
                received_at=moment,
                acknowledged_at=moment + timedelta(minutes=10),
                resolved_at=moment + timedelta(hours=3),
                resolution_minutes=180 + number,
            )


def _queries(client, url="/reports/?period=30") -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_rows_or_people(client, owner):
    client.force_login(owner)
    staff = make_actor("staff")
    _data([staff], per_person=1)
    few = _queries(client)
    one_person = _queries(client, f"/reports/?period=30&person={staff.pk}")
    _data([UserFactory(group="Front-line staff") for _ in range(6)], per_person=8)
    _data([staff], per_person=8)
    assert _queries(client) == few
    assert _queries(client, f"/reports/?period=30&person={staff.pk}") == one_person


def test_staff_see_their_own_figures_beside_the_teams(client, staff, other_staff):
    _data([staff], per_person=1)
    _data([other_staff], per_person=3)
    client.force_login(staff)
    page = client.get("/reports/").content.decode()
    assert "Your own figures beside your team" in page
    # Own callbacks: 1 of 1 within the hour; the team's (both of them): 4 of 4.
    assert "100.0 % (1 of 1)" in page
    assert "Team: 100.0 % (4 of 4)" in page
    assert 'name="person"' not in page
    assert other_staff.get_full_name() not in page


def test_a_forged_person_cannot_widen_what_staff_see(client, staff, other_staff):
    client.force_login(staff)
    assert client.get(f"/reports/?person={other_staff.pk}").status_code == 403
    assert client.get("/reports/?team=1").status_code == 403
    assert client.get(f"/reports/?person={other_staff.pk}&format=csv&table=x").status_code == 403
    assert client.get(f"/reports/?person={staff.pk}").status_code == 200


def test_the_scope_service_refuses_staff_anyone_else(staff, other_staff, supervisor):
    with pytest.raises(PermissionDenied):
        scope_for(staff, person_id=other_staff.pk)
    with pytest.raises(PermissionDenied):
        scope_for(staff, team_id=1)
    own = scope_for(staff)
    assert own.person == staff and own.compare_with is not None
    assert own.compare_with.team.name == "Front-line staff"
    assert scope_for(supervisor, person_id=other_staff.pk) == Scope(person=other_staff)
    assert scope_for(supervisor) == Scope()


def test_a_supervisor_filters_by_person(client, supervisor, staff, other_staff):
    _data([staff], per_person=1)
    _data([other_staff], per_person=3)
    client.force_login(supervisor)
    everyone = client.get("/reports/").content.decode()
    assert "100.0 % (4 of 4)" in everyone
    one = client.get(f"/reports/?person={other_staff.pk}").content.decode()
    assert "100.0 % (3 of 3)" in one and "Team:" not in one
    team = client.get("/reports/?team=" + str(staff.groups.get().pk)).content.decode()
    assert "100.0 % (4 of 4)" in team


def _page_table(page: str, key: str) -> list[list[str]]:
    block = page[page.index(f'id="table-{key}"') :]
    block = block[: block.index("</table>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", block, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


@pytest.mark.parametrize(
    "key", ["callbacks-by-week", "promises-by-week", "complaints-by-week-severity"]
)
def test_the_csv_equals_the_page(client, owner, key):
    _data([make_actor("staff")], per_person=5)
    client.force_login(owner)
    page = client.get("/reports/?period=30").content.decode()
    response = client.get(f"/reports/?period=30&format=csv&table={key}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == _page_table(page, key)
    assert len(rows) > 2


def test_an_unknown_table_is_not_found(client, owner):
    client.force_login(owner)
    assert client.get("/reports/?format=csv&table=nothing").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom", "Give both dates of the range."),
        ("period=custom&date_from=2026-12-01&date_to=2026-11-01", "The range ends before"),
        ("period=custom&date_from=2020-01-01&date_to=2026-11-01", "Choose at most 366 days."),
        ("period=5", "Select a valid choice."),
        ("person=abc", "Select a valid choice."),
        ("date_from=2026-13-45", "Enter a valid date."),
    ],
)
def test_bad_input_gets_a_clear_message(client, owner, query, message):
    client.force_login(owner)
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())


def test_a_custom_range_is_read_in_the_business_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    period = Period.between(date(2026, 3, 7), date(2026, 3, 8))
    assert period.start.isoformat() == "2026-03-07T00:00:00-05:00"
    assert period.end.isoformat() == "2026-03-09T00:00:00-04:00"
    assert period.weeks() == [date(2026, 3, 2)]


def test_every_figure_links_to_a_list_that_opens(client, owner, staff):
    _data([staff], per_person=2)
    client.force_login(owner)
    sections = reporting.sections_for(Period.last_days(30), Scope(person=staff))
    urls = [figure.url for section in sections for figure in section.figures]
    assert all(urls)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_figures_link_lists_exactly_the_rows_it_counted(client, supervisor, staff):
    _data([staff], per_person=3)
    slow = FollowUpFactory(
        owner=staff,
        kind="callback",
        status="done",
        completed_at=NOW,
        created_at=NOW - timedelta(hours=3),
        response_minutes=180,
        due_at=NOW,
    )
    client.force_login(supervisor)
    sections = reporting.sections_for(Period.last_days(30), Scope(person=staff))
    within = sections[0].figures[0]
    assert within.value == "75.0 % (3 of 4)"
    listed = client.get(within.url).content.decode()
    shown = {int(pk) for pk in re.findall(r'href="/followups/(\d+)/"', listed)}
    counted = set(staff.follow_ups.filter(response_minutes__lte=60).values_list("pk", flat=True))
    assert shown == counted and len(counted) == 3 and slow.pk not in shown


def test_staff_are_compared_with_their_team_rather_than_their_role(staff):
    from django.contrib.auth.models import Group

    sales = Group.objects.create(name="Sales team")
    staff.groups.add(sales)
    assert scope_for(staff).compare_with == Scope(team=sales)


def _figure_values(sections, attribute: str) -> dict[tuple[str, str], str]:
    return {
        (section.key, figure.label): getattr(figure, attribute)
        for section in sections
        for figure in section.figures
    }


def test_staff_see_beside_each_figure_the_teams_own_figure(staff, other_staff):
    # given
    _data([staff], per_person=2)
    _data([other_staff], per_person=3)
    period = Period.last_days(30, now=NOW)
    mine = scope_for(staff)

    # when
    beside = _figure_values(reporting.sections_for(period, mine), "team_value")
    teams_own = _figure_values(reporting.sections_for(period, mine.compare_with), "value")

    # then: every figure of the person's, with the same figure of the team's
    assert beside == teams_own
    assert beside[("promises", "Promises kept on time")] == "100.0 % (5 of 5)"


def test_the_teams_figures_are_kept_for_a_while_then_counted_again(
    client, staff, other_staff, clock
):
    _data([other_staff], per_person=3)
    client.force_login(staff)
    first = _queries(client)
    again = _queries(client)
    _data([other_staff], per_person=1)
    kept = client.get("/reports/").content.decode()
    clock.set(NOW + timedelta(seconds=reporting.TEAM_FIGURES_SECONDS + 1))
    later = client.get("/reports/").content.decode()

    # the team's own queries run once in the while, the person's own every time
    assert again < first
    assert "Team: 100.0 % (3 of 3)" in kept
    assert "Team: 100.0 % (4 of 4)" in later
