"""My day's section counts stop at COUNT_LIMIT: "100+", not a count of every row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm import my_day
from crm.paging import count_display
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


def test_a_count_past_the_limit_reads_as_the_limit_and_a_plus():
    assert count_display(999, limit=1000) == "999"
    assert count_display(1000, limit=1000) == "1,000"
    assert count_display(1001, limit=1000) == "1,000+"


def test_a_section_counts_up_to_one_past_the_limit_and_says_so(monkeypatch, staff):
    monkeypatch.setattr(my_day, "COUNT_LIMIT", 3)
    overdue_since = timezone.now() - timedelta(hours=2)
    # Made latest first, so that neither their keys' order nor the table's is the due order.
    follow_ups = [
        FollowUpFactory(
            owner=staff, created_by=staff, due_at=overdue_since + timedelta(minutes=minutes)
        )
        for minutes in reversed(range(6))
    ]
    sections = {s.key: s for s in my_day.sections_for(staff, timezone.now())}
    overdue = sections["overdue"]
    assert overdue.total == 4  # counting stopped at one past the limit
    # Past the limit the first rows are still the first in due order, not among those counted.
    assert overdue.items == follow_ups[::-1][: my_day.SHOWN]


def test_my_day_shows_a_capped_count_with_a_plus(monkeypatch, client, staff):
    monkeypatch.setattr(my_day, "COUNT_LIMIT", 3)
    overdue_since = timezone.now() - timedelta(hours=2)
    for minutes in range(6):
        FollowUpFactory(
            owner=staff, created_by=staff, due_at=overdue_since + timedelta(minutes=minutes)
        )
    client.force_login(staff)
    page = client.get("/").content.decode()
    assert "All overdue (3+)" in page
    assert ">3+</span>" in page


def test_every_section_is_counted_in_one_query(
    monkeypatch, staff, other_staff, django_assert_num_queries
):
    from customers.models import FollowUp

    monkeypatch.setattr(my_day, "COUNT_LIMIT", 3)
    now = timezone.now()
    for hours in range(5):
        FollowUpFactory(owner=staff, created_by=staff, due_at=now - timedelta(hours=hours + 1))
    FollowUpFactory(owner=other_staff, created_by=other_staff, due_at=now - timedelta(hours=1))
    mine = FollowUp.objects.filter(owner=staff)
    with django_assert_num_queries(1):
        gathered = my_day.capped_keys(
            [
                mine,  # 5 rows, counted to one past the limit
                FollowUp.objects.filter(owner=other_staff),  # 1 row
                mine.filter(pk__in=[]),  # nothing, without asking the database
                mine.filter(due_at__gt=now),  # none
            ]
        )
    assert [len(keys) for keys in gathered] == [4, 1, 0, 0]


def test_a_section_with_its_own_keys_counts_by_them_and_shows_rows_in_order(staff, other_staff):
    from customers.models import FollowUp

    now = timezone.now()
    mine = [
        FollowUpFactory(owner=staff, created_by=staff, due_at=now - timedelta(hours=hours))
        for hours in (1, 3, 2)
    ]
    FollowUpFactory(owner=other_staff, created_by=other_staff)
    made = []

    def rows():
        made.append(True)
        return FollowUp.objects.order_by("due_at", "pk")

    section = my_day.Section(
        "mine",
        "Mine",
        "customers/rows/follow_up.html",
        rows=rows,
        # cheaper than rows would be, and narrower: only the keys count and show
        keys=FollowUp.objects.filter(owner=staff),
    )
    my_day.read_rows([section])

    assert section.total == 3
    assert section.items == [mine[1], mine[2], mine[0]]
    assert made == [True]


def test_rows_made_by_a_function_are_not_made_when_their_keys_are_none(
    staff, django_assert_num_queries
):
    from customers.models import FollowUp

    def rows():
        raise AssertionError("an empty section's rows were made")

    section = my_day.Section(
        "none", "None", "customers/rows/follow_up.html", rows=rows, keys=FollowUp.objects.none()
    )
    with django_assert_num_queries(0):
        my_day.read_rows([section])

    assert (section.total, section.items) == (0, [])


def test_rows_made_by_a_function_need_their_keys_given():
    with pytest.raises(ValueError, match="need keys"):
        my_day.Section("odd", "Odd", "customers/rows/follow_up.html", rows=lambda: None)
