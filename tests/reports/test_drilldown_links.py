"""Every link of /reports/ opens for the person who sees it: a web list, never the admin."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from tests.crm.test_report_sections_4_to_7 import fill
from tests.factories import FollowUpFactory
from tests.reports.drilldown import NOW, listed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_noon(time_machine):
    time_machine.move_to(NOW, tick=False)


def links(response) -> list[str]:
    found = []
    for section in response.context["sections"]:
        found += [figure.url for figure in section.figures if figure.url]
        for table in section.tables:
            found += [url for url in table.row_urls if url]
    return found


@pytest.mark.parametrize(
    ("viewer", "scope"),
    [
        ("supervisor", {}),
        ("supervisor", {"person": "staff"}),
        ("supervisor", {"team": "Front-line staff"}),
        ("staff", {}),
    ],
)
def test_every_link_on_the_reports_page_opens_for_its_viewer(
    client, staff, supervisor, viewer, scope
):
    fill(staff, 3)
    client.force_login({"staff": staff, "supervisor": supervisor}[viewer])
    query = {"period": "30"}
    if "person" in scope:
        query["person"] = staff.pk
    if "team" in scope:
        query["team"] = Group.objects.get(name=scope["team"]).pk

    found = links(client.get("/reports/", query))

    # Every figure of the seven sections links somewhere, and each opens as a list page.
    assert len(found) > 25
    failures = [
        f"{url}: {response.status_code}"
        for url in found
        if (response := client.get(url)).status_code != 200 or url.startswith("/admin/")
    ]
    assert not failures, failures


def test_staffs_team_values_carry_no_link_to_the_teams_rows(client, staff, other_staff):
    fill(staff, 2)
    fill(other_staff, 2)
    client.force_login(staff)

    response = client.get("/reports/", {"period": "30"})

    # Each link is to staff's own rows; the team's values beside them are text only.
    found = links(response)
    assert found
    assert all("team=" not in url and f"={staff.pk}" in url for url in found if "?" in url)
    assert "team=" not in response.content.decode()


def test_a_teams_callbacks_link_lists_only_the_teams_callbacks(
    client, supervisor, staff, other_staff
):
    team = Group.objects.create(name="Callback team")
    staff.groups.add(team)
    requested = NOW - timedelta(days=2)
    mine, _theirs = (
        FollowUpFactory(
            owner=person,
            kind="callback",
            status="done",
            created_at=requested,
            due_at=requested + timedelta(hours=1),
            completed_at=requested + timedelta(minutes=30),
        )
        for person in (staff, other_staff)
    )
    client.force_login(supervisor)

    response = client.get("/reports/", {"period": "30", "team": team.pk})
    responsiveness = {f.label: f for f in response.context["sections"][0].figures}
    median = responsiveness["Median time to call back"]

    assert listed(client, median.url) == {mine.pk}


def test_a_list_narrowed_to_a_team_names_the_team(client, supervisor):
    team = Group.objects.create(name="Harbour team")
    client.force_login(supervisor)

    for path in ("/complaints/", "/complaints/remedies/", "/customers/", "/onboarding/"):
        html = client.get(path, {"team": team.pk}).content.decode()
        assert "Team: Harbour team" in html, path
        assert "Harbour team" not in client.get(path).content.decode(), path
    followups = client.get("/followups/", {"team": team.pk, "status": "any"}).content.decode()
    assert "Team: Harbour team" in followups
