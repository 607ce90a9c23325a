"""Where an action returns: the page named by next= when it is ours, else the object."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import ComplaintFactory, FollowUpFactory, RemedyFactory

pytestmark = pytest.mark.django_db

UNSAFE_NEXT = [
    "NaN",
    "complaints:list",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
    "/ok\r\nSet-Cookie: stolen=1",
    "",
]


def complete(client, follow_up, **extra):
    data = {"outcome": "Called; all good.", "log_channel": "", **extra}
    return client.post(f"/followups/{follow_up.pk}/complete/", data)


def decide(client, remedy, **extra):
    return client.post(
        f"/complaints/remedies/{remedy.pk}/decide/",
        {f"decide-{remedy.pk}-approve": "yes", **extra},
    )


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_completing_a_follow_up_with_an_unsafe_next_returns_to_the_follow_up(
    staff_client, staff, target
):
    follow_up = FollowUpFactory(owner=staff, due_at=timezone.now() + timedelta(hours=1))
    response = complete(staff_client, follow_up, next=target)
    assert response.status_code == 302
    assert response.url == follow_up.get_absolute_url()


@pytest.mark.parametrize("target", ["/", "/followups/?due=today&page=2", "http://testserver/x/"])
def test_completing_a_follow_up_returns_to_a_page_of_ours(staff_client, staff, target):
    follow_up = FollowUpFactory(owner=staff, due_at=timezone.now() + timedelta(hours=1))
    response = complete(staff_client, follow_up, next=target)
    assert response.url == target


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_deciding_a_remedy_with_an_unsafe_next_returns_to_the_complaint(
    client, supervisor, other_staff, target
):
    complaint = ComplaintFactory(owner=other_staff, status="awaiting_approval")
    remedy = RemedyFactory(complaint=complaint, proposed_by=other_staff, amount=Decimal("20"))
    client.force_login(supervisor)
    response = decide(client, remedy, next=target)
    assert response.status_code == 302
    assert response.url == complaint.get_absolute_url()


def test_deciding_a_remedy_returns_to_the_approval_queue_it_came_from(
    client, supervisor, other_staff
):
    complaint = ComplaintFactory(owner=other_staff, status="awaiting_approval")
    remedy = RemedyFactory(complaint=complaint, proposed_by=other_staff, amount=Decimal("20"))
    client.force_login(supervisor)
    response = decide(client, remedy, next="/complaints/approvals/")
    assert response.url == "/complaints/approvals/"


def test_a_secure_request_is_not_sent_back_to_plain_http(client, supervisor, other_staff):
    complaint = ComplaintFactory(owner=other_staff, status="awaiting_approval")
    remedy = RemedyFactory(complaint=complaint, proposed_by=other_staff, amount=Decimal("20"))
    client.force_login(supervisor)
    response = client.post(
        f"/complaints/remedies/{remedy.pk}/decide/",
        {f"decide-{remedy.pk}-approve": "yes", "next": "http://testserver/"},
        secure=True,
    )
    assert response.url == complaint.get_absolute_url()
