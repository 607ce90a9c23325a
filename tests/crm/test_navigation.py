"""One list of destinations feeds both layouts: the tabs of a wide screen and the phone's bar."""

import re

import pytest

pytestmark = pytest.mark.django_db

EVERYONE = [
    "/",
    "/customers/",
    "/followups/",
    "/complaints/",
    "/notices/",
    "/onboarding/",
    "/reports/",
]


def _nav(html: str, layout: str) -> str:
    marker = 'class="container-lg d-none d-md-block"' if layout == "wide" else 'class="tend-bar'
    return html.split(marker, 1)[1].split("</nav>", 1)[0]


def _links(fragment: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', fragment)


@pytest.mark.parametrize("layout", ["wide", "phone"])
def test_every_destination_is_in_both_layouts(client, staff, owner, layout):
    client.force_login(staff)
    assert _links(_nav(client.get("/").content.decode(), layout)) == EVERYONE
    client.force_login(owner)
    assert _links(_nav(client.get("/").content.decode(), layout)) == [*EVERYONE, "/admin/"]


def test_the_phone_bar_holds_the_four_most_used_and_the_rest_under_more(staff_client):
    bar = _nav(staff_client.get("/").content.decode(), "phone")
    shown, more = bar.split("<details", 1)
    assert _links(shown) == ["/", "/customers/", "/followups/", "/complaints/"]
    assert _links(more) == ["/notices/", "/onboarding/", "/reports/"]
    assert ">More" in more


def test_a_page_behind_more_marks_more_active(staff_client):
    bar = _nav(staff_client.get("/reports/").content.decode(), "phone")
    assert '<summary class="tend-bar-link active">More' in bar
    assert 'class="tend-more-link active" aria-current="page" href="/reports/"' in bar


def test_unread_notices_show_on_more_as_well(staff_client, staff):
    from crm.notices import notify

    notify(user=staff, subject="Look", body="Here", path="/")
    bar = _nav(staff_client.get("/customers/").content.decode(), "phone")
    more = bar.split("<summary", 1)[1].split("</summary>", 1)[0]
    assert '1<span class="visually-hidden"> unread</span>' in more


def test_my_day_and_the_complaint_list_lead_with_log_a_complaint(staff_client):
    for path in ["/", "/complaints/"]:
        html = staff_client.get(path).content.decode()
        main = html.split("<main", 1)[1]
        assert (
            'class="btn btn-success btn-lg tend-primary-action mb-3" href="/complaints/new/">'
            "Log a complaint</a>"
        ) in main, path


def test_each_drawing_of_the_navigation_is_kept_and_the_badge_draws_it_afresh(
    monkeypatch, client, staff
):
    from crm.templatetags import navigation

    navigation._drawn.cache_clear()
    drawn = []
    render = navigation.render_to_string

    def counting(*args, **kwargs):
        drawn.append(args[1]["nav_layout"])
        return render(*args, **kwargs)

    monkeypatch.setattr(navigation, "render_to_string", counting)
    client.force_login(staff)

    client.get("/customers/")
    client.get("/customers/")
    assert sorted(drawn) == ["phone", "wide"]

    from crm.notices import notify

    notify(user=staff, subject="Look", body="Here", path="/")
    page = client.get("/customers/").content.decode()
    assert len(drawn) == 4
    assert '1<span class="visually-hidden"> unread</span>' in page
