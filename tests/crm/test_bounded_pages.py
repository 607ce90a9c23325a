"""My day and the approval queue stay the same size whatever the amount of work waiting.

Each case draws the page, adds thousands more rows behind the first ones (newer remedies,
later follow-ups), and draws it again: the rows shown are the same, so the page may grow by
the digits of its counts only, and it runs the same queries.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.approval_views import PAGE_SIZE
from complaints.models import Remedy
from crm.my_day import COUNT_LIMIT, SHOWN
from crm.paging import keyset_page
from customers.models import FollowUp
from tests.factories import ComplaintFactory, CustomerFactory

pytestmark = pytest.mark.django_db

FEW, MANY = 30, 3_000
# "30" becomes "3000" in a badge, a link's label or "Page 1 of 120": a few bytes each.
DIGITS = 12


@pytest.fixture(autouse=True)
def _still_clock(time_machine):
    # No tick: every time on the page is the same in both drawings.
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=False)


def add_remedies_awaiting(proposer, start: int, stop: int) -> None:
    """Propose refunds above the proposer's authority, the later ones newer."""
    complaint = ComplaintFactory(logged_by=proposer, status="awaiting_approval")
    first = timezone.now() - timedelta(days=30)
    Remedy.objects.bulk_create(
        Remedy(
            complaint=complaint,
            kind="refund",
            amount=Decimal("20"),
            description=f"Refund {number:05d}",
            proposed_by=proposer,
            proposed_at=first + timedelta(minutes=number),
        )
        for number in range(start, stop)
    )


def add_follow_ups_due(owner, start: int, stop: int) -> None:
    """Give the owner follow-ups overdue since this morning, the later ones due later."""
    customer = CustomerFactory(name="Harbour Bakery")
    first = timezone.now() - timedelta(hours=9)
    FollowUp.objects.bulk_create(
        FollowUp(
            customer=customer,
            owner=owner,
            created_by=owner,  # their own: not "recently given to you"
            subject=f"Call back {number:05d}",
            due_at=first + timedelta(seconds=number),
        )
        for number in range(start, stop)
    )


def draw(client, path: str) -> tuple[int, int]:
    """Return the page's length in bytes and the number of queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(response.content), len(queries)


@pytest.mark.parametrize("path", ["/", "/complaints/approvals/"])
def test_a_supervisors_pages_do_not_grow_with_the_remedies_awaiting_approval(
    client, supervisor, other_staff, path
):
    # given
    add_remedies_awaiting(other_staff, 0, FEW)
    client.force_login(supervisor)
    few_bytes, few_queries = draw(client, path)

    # when
    add_remedies_awaiting(other_staff, FEW, MANY)
    many_bytes, many_queries = draw(client, path)

    # then
    assert few_bytes <= many_bytes <= few_bytes + DIGITS
    assert many_queries == few_queries


def test_my_day_does_not_grow_with_the_follow_ups_due(client, staff):
    # given
    add_follow_ups_due(staff, 0, FEW)
    client.force_login(staff)
    few_bytes, few_queries = draw(client, "/")

    # when
    add_follow_ups_due(staff, FEW, MANY)
    many_bytes, many_queries = draw(client, "/")

    # then
    assert few_bytes <= many_bytes <= few_bytes + DIGITS
    assert many_queries == few_queries


def test_my_day_shows_the_first_rows_and_counts_them_all(client, supervisor, other_staff):
    add_remedies_awaiting(other_staff, 0, MANY)
    add_follow_ups_due(supervisor, 0, MANY)
    client.force_login(supervisor)

    response = client.get("/")

    sections = {section.key: section for section in response.context["sections"]}
    approvals, overdue = sections["approvals"], sections["overdue"]
    assert [remedy.description for remedy in approvals.items] == [
        f"Refund {number:05d}" for number in range(SHOWN)
    ]
    assert [item.subject for item in overdue.items] == [
        f"Call back {number:05d}" for number in range(SHOWN)
    ]
    # Counting stops one past the limit: "100+", however many thousands wait.
    assert approvals.total == overdue.total == COUNT_LIMIT + 1
    html = response.content.decode()
    assert "All awaiting your approval (100+)" in html
    assert "All overdue (100+)" in html


def test_the_approval_queue_is_paged_oldest_first_with_its_total(
    client, supervisor, other_staff, django_assert_max_num_queries
):
    add_remedies_awaiting(other_staff, 0, 60)
    client.force_login(supervisor)
    second = client.get("/complaints/approvals/").context["page"].next_url
    third = client.get(f"/complaints/approvals/{second}").context["page"].next_url

    # session, user, permissions (2), authority, page, count, the page's complaints, their
    # customers and proposers, handoffs, the navigation's unread count; on SQLite a last page
    # short of rows reads one range per key (two)
    with django_assert_max_num_queries(13):
        response = client.get(f"/complaints/approvals/{third}")

    page = response.context["page"]
    assert page.count == 60
    assert [remedy.description for remedy in page] == [
        f"Refund {number:05d}" for number in range(2 * PAGE_SIZE, 60)
    ]
    assert not page.has_next
    assert 'rel="prev"' in response.content.decode()


def test_the_approval_queue_counts_to_the_limit_and_its_last_page_is_the_newest(
    monkeypatch, client, supervisor, other_staff
):
    monkeypatch.setattr("crm.paging.COUNT_LIMIT", 40)
    monkeypatch.setattr(keyset_page, "__kwdefaults__", {"size": PAGE_SIZE, "count_limit": 40})
    add_remedies_awaiting(other_staff, 0, 60)
    client.force_login(supervisor)

    first = client.get("/complaints/approvals/")
    last = client.get(f"/complaints/approvals/{first.context['page'].last_url}")

    assert ">40+</span>" in first.content.decode()
    assert [remedy.description for remedy in last.context["page"]] == [
        f"Refund {number:05d}" for number in range(60 - PAGE_SIZE, 60)
    ]


def test_a_remedy_decided_on_a_later_page_returns_to_that_page(client, supervisor, other_staff):
    add_remedies_awaiting(other_staff, 0, 60)
    remedy = Remedy.objects.get(description=f"Refund {PAGE_SIZE + 1:05d}")
    client.force_login(supervisor)
    first = client.get("/complaints/approvals/").context["page"]
    second = f"/complaints/approvals/{first.next_url}"
    assert remedy in client.get(second).context["page"]

    response = client.post(
        f"/complaints/remedies/{remedy.pk}/decide/",
        {f"decide-{remedy.pk}-approve": "yes", "next": second},
    )

    assert response.status_code == 302
    assert response.url == second
    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.APPROVED
    back = client.get(response.url).context["page"]
    assert back.count == 59
    assert remedy not in back
