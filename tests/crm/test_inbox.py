"""Notices read in the app: /notices/, opening one, mark all read, My day and the badge."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from django.urls import reverse

from crm import inbox, my_day
from crm.models import Notice

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _noon(clock):
    clock.set(NOON)


def give(person, count: int, *, read: bool = False, path: str = "/complaints/") -> list[Notice]:
    """Write ``count`` notices to the person, one a minute up to noon, the last the newest."""
    return Notice.objects.bulk_create(
        Notice(
            recipient=person,
            subject=f"Notice {index}",
            body=f"Line one of {index}\nLine two",
            path=path,
            created_at=NOON - timedelta(minutes=count - index),
            status=Notice.Status.SENT,
            read_at=NOON if read else None,
        )
        for index in range(1, count + 1)
    )


def shown_subjects(response) -> list[str]:
    return [notice.subject for notice in response.context["page"]]


# --- QuerySet ----------------------------------------------------------------------------------


def test_unread_notices_of_a_person_are_theirs_and_not_yet_read(staff, other_staff):
    mine_unread = give(staff, 2)
    give(staff, 1, read=True)
    give(other_staff, 3)

    found = Notice.objects.addressed_to(staff).unread().newest_first()

    assert list(found) == mine_unread[::-1]


# --- The page ----------------------------------------------------------------------------------


def test_the_page_lists_only_the_persons_own_notices_newest_first(client, staff, other_staff):
    give(staff, 3)
    Notice.objects.create(recipient=other_staff, subject="Not for staff", status="sent")
    client.force_login(staff)

    response = client.get(reverse("crm:notices"))

    assert shown_subjects(response) == ["Notice 3", "Notice 2", "Notice 1"]
    assert b"Not for staff" not in response.content


def test_the_page_shows_the_body_line_by_line_escaped_and_marks_unread(client, staff):
    Notice.objects.create(
        recipient=staff,
        subject="2 new breaches",
        body="Complaints:\n- <b>C-000001</b> late\n- C-000002 late",
        path="/complaints/",
    )
    give(staff, 1, read=True)
    client.force_login(staff)

    html = client.get(reverse("crm:notices")).content.decode()

    assert "Complaints:<br>- &lt;b&gt;C-000001&lt;/b&gt; late<br>- C-000002 late" in html
    assert "<b>C-000001</b>" not in html
    assert html.count("tend-unread") == 1
    assert html.count('badge text-bg-primary">Unread') == 1


def test_the_page_shows_25_notices_at_a_time(client, staff, django_assert_max_num_queries):
    give(staff, 60)
    client.force_login(staff)

    # session, user, the unread figures, the page's rows, their capped count; the badge reuses
    # the unread count
    with django_assert_max_num_queries(5):
        first = client.get(reverse("crm:notices"))
    second = client.get(reverse("crm:notices") + first.context["page"].next_url)
    last = client.get(reverse("crm:notices") + first.context["page"].last_url)

    assert len(shown_subjects(first)) == inbox.PAGE_SIZE == 25
    assert shown_subjects(first)[0] == "Notice 60"
    assert shown_subjects(second)[0] == "Notice 35"
    assert shown_subjects(last) == [f"Notice {index}" for index in range(25, 0, -1)]
    assert first.context["unread_notice_count"] == 60
    assert b"60 notices" in first.content


def test_the_page_after_the_first_costs_what_any_page_costs(
    client, staff, django_assert_max_num_queries
):
    # given: more notices than the list counts (the limit made small for the test)
    give(staff, 40, read=True)
    client.force_login(staff)
    first = client.get(reverse("crm:notices"), {"page": 2})  # a number is no cursor: page one

    # when: the page after the first (SQLite reads it a range per key: one query more,
    # crm/paging.py)
    with django_assert_max_num_queries(6):
        second = client.get(reverse("crm:notices") + first.context["page"].next_url)

    # then
    assert shown_subjects(first)[0] == "Notice 40"
    assert shown_subjects(second) == [f"Notice {index}" for index in range(15, 0, -1)]
    assert second.context["page"].has_previous
    assert not second.context["page"].has_next


def test_the_count_of_a_long_inbox_stops_at_the_limit(client, staff, monkeypatch):
    monkeypatch.setattr(inbox, "keyset_page", partial(inbox.keyset_page, count_limit=30))
    give(staff, 40, read=True)
    client.force_login(staff)

    response = client.get(reverse("crm:notices"))

    assert b"30+ notices" in response.content
    assert b"Mark all read" not in response.content


def test_the_page_with_no_notices_says_so(client, staff):
    client.force_login(staff)

    response = client.get(reverse("crm:notices"))

    assert response.status_code == 200
    assert b"No notices yet" in response.content
    assert b"Mark all read" not in response.content


# --- Opening a notice ----------------------------------------------------------------------------


def test_opening_a_notice_marks_it_read_and_goes_to_its_link(client, staff):
    (notice,) = give(staff, 1, path="/complaints/7/")
    client.force_login(staff)

    response = client.get(reverse("crm:notice_open", args=[notice.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/complaints/7/"
    notice.refresh_from_db()
    assert notice.read_at == NOON


def test_opening_a_notice_again_keeps_when_it_was_first_read(client, staff, clock):
    (notice,) = give(staff, 1)
    client.force_login(staff)
    client.get(reverse("crm:notice_open", args=[notice.pk]))
    clock.set(NOON + timedelta(hours=2))

    client.get(reverse("crm:notice_open", args=[notice.pk]))

    notice.refresh_from_db()
    assert notice.read_at == NOON


def test_a_notice_without_a_link_opens_the_notices_page(client, staff):
    (notice,) = give(staff, 1, path="")
    client.force_login(staff)

    response = client.get(reverse("crm:notice_open", args=[notice.pk]))

    assert response["Location"] == reverse("crm:notices")
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize(
    "stored_path",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_a_link_off_the_site_is_never_followed(client, staff, stored_path):
    (notice,) = give(staff, 1, path=stored_path)
    client.force_login(staff)

    response = client.get(reverse("crm:notice_open", args=[notice.pk]))

    assert response["Location"] == reverse("crm:notices")


def test_someone_elses_notice_is_not_found_and_stays_unread(client, staff, other_staff):
    (theirs,) = give(other_staff, 1)
    client.force_login(staff)

    for method in (client.get, client.post):
        response = method(reverse("crm:notice_open", args=[theirs.pk]))
        assert response.status_code == 404

    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- Mark all read -------------------------------------------------------------------------------


def test_mark_all_read_marks_the_persons_notices_up_to_the_newest_shown(
    client, staff, other_staff
):
    shown = give(staff, 3)
    theirs = give(other_staff, 2)
    client.force_login(staff)
    up_to = client.get(reverse("crm:notices")).context["mark_all_form"].initial["up_to"]
    arrived_since = Notice.objects.create(recipient=staff, subject="Just now")

    response = client.post(reverse("crm:notices_mark_all_read"), {"up_to": up_to})

    assert response["Location"] == reverse("crm:notices")
    assert Notice.objects.filter(pk__in=[n.pk for n in shown], read_at=NOON).count() == 3
    assert Notice.objects.filter(pk__in=[n.pk for n in theirs], read_at=None).count() == 2
    arrived_since.refresh_from_db()
    assert arrived_since.read_at is None


@pytest.mark.parametrize("up_to", ["", "x", "-1", "99999999999999999999999"])
def test_mark_all_read_with_a_broken_form_changes_nothing(client, staff, up_to):
    give(staff, 2)
    client.force_login(staff)

    response = client.post(reverse("crm:notices_mark_all_read"), {"up_to": up_to})

    assert response.status_code == 302
    assert Notice.objects.unread().count() == 2


def test_mark_all_read_is_a_post(client, staff):
    client.force_login(staff)

    assert client.get(reverse("crm:notices_mark_all_read")).status_code == 405


# --- My day and the navigation -----------------------------------------------------------------


def unread_section(response):
    sections = {section.key: section for section in response.context["sections"]}
    return sections.get("unread_notices")


def test_my_day_shows_the_count_and_the_newest_five_unread(client, staff):
    give(staff, 8)
    give(staff, 4, read=True)
    client.force_login(staff)

    response = client.get("/")

    section = unread_section(response)
    assert [notice.subject for notice in section.items] == [
        "Notice 8",
        "Notice 7",
        "Notice 6",
        "Notice 5",
        "Notice 4",
    ]
    assert section.total == 8
    html = response.content.decode()
    assert "All notices (8 unread)" in html
    assert f'href="{reverse("crm:notices")}"' in html


def test_my_day_leaves_out_the_section_when_everything_is_read(client, staff):
    give(staff, 3, read=True)
    client.force_login(staff)

    response = client.get("/")

    assert unread_section(response).items == []
    assert b"Unread notices" not in response.content


@pytest.mark.parametrize("count", [0, 50])
def test_my_day_runs_the_same_queries_however_many_notices(
    client, staff, count, django_assert_num_queries
):
    give(staff, count)
    client.force_login(staff)

    # session, user, authority, the person's permissions (one query: whether they see the
    # team's breaches) and the keys of every section, the unread notices' among them (one
    # query, whose count the navigation's badge reuses); then the newest unread, if any
    with django_assert_num_queries(5 if count == 0 else 6):
        client.get("/")


def test_past_the_count_limit_my_day_says_so_and_the_badge_counts_them_all(client, staff):
    give(staff, my_day.COUNT_LIMIT + 2)
    client.force_login(staff)

    response = client.get("/")

    assert unread_section(response).count_display == f"{my_day.COUNT_LIMIT}+"
    html = response.content.decode()
    assert f'{my_day.COUNT_LIMIT + 2}<span class="visually-hidden"> unread</span>' in html


def test_the_navigation_shows_the_unread_count_on_every_page(client, staff):
    give(staff, 7)
    give(staff, 2, read=True)
    client.force_login(staff)

    html = client.get(reverse("customers:list")).content.decode()

    assert '7<span class="visually-hidden"> unread</span>' in html


def test_the_navigation_shows_no_badge_without_unread_notices(client, staff):
    give(staff, 2, read=True)
    client.force_login(staff)

    html = client.get(reverse("customers:list")).content.decode()

    assert 'visually-hidden"> unread' not in html


def test_the_unread_count_is_asked_once_per_page(rf, staff, django_assert_num_queries):
    give(staff, 3)
    request = rf.get("/")
    request.user = staff
    count = inbox.unread_notice_count(request)["unread_notice_count"]

    with django_assert_num_queries(1):
        assert count() == 3
        assert count() == 3


# --- Admin ---------------------------------------------------------------------------------------


def test_the_admin_lists_when_each_notice_was_read(client, owner):
    give(owner, 1, read=True)
    client.force_login(owner)

    response = client.get(reverse("admin:crm_notice_changelist"))

    assert response.status_code == 200
    assert b"column-read_at" in response.content
