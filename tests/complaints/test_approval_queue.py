"""The approval queue shows what a decider weighs and decides with one tap (issue 13, item 8)."""

from decimal import Decimal

import pytest

from complaints.models import AuthorityLimit, Remedy
from tests.factories import ComplaintFactory, RemedyFactory

pytestmark = pytest.mark.django_db

QUEUE = "/complaints/approvals/"


@pytest.fixture
def waiting(other_staff):
    """A refund of 120 above front-line authority, for a customer who asked for 150."""
    complaint = ComplaintFactory(
        owner=other_staff,
        status="awaiting_approval",
        customer_words="The cake arrived crushed an hour before the party. " * 10,
        asked_remedy_kind="refund",
        asked_amount=Decimal("150"),
        asked_words="Money back and the delivery fee",
    )
    return RemedyFactory(complaint=complaint, proposed_by=other_staff, amount=Decimal("120"))


def test_each_remedy_shows_the_customers_ask_their_words_trimmed_and_the_deciders_limit(
    client, supervisor, waiting
):
    client.force_login(supervisor)

    html = client.get(QUEUE).content.decode()

    assert "Customer asked for" in html
    assert "Refund 150.00 — “Money back and the delivery fee”" in html
    assert "“The cake arrived crushed an hour before the party." in html
    # trimmed: the words run to 520 characters
    assert waiting.complaint.customer_words.strip() not in html
    assert "Your limit" in html
    assert "Refund up to 500.00" in html


def test_a_person_limit_overriding_the_group_is_the_one_shown(client, supervisor, waiting):
    AuthorityLimit.objects.create(user=supervisor, remedy_kind="refund", max_amount=None)
    client.force_login(supervisor)

    html = client.get(QUEUE).content.decode()

    assert "Refund: unlimited" in html


def test_approve_and_reject_are_one_tap_each(client, supervisor, waiting):
    client.force_login(supervisor)

    html = client.get(QUEUE).content.decode()

    name = f"decide-{waiting.pk}-approve"
    assert f'type="submit" name="{name}" value="yes"' in html
    assert f'type="submit" name="{name}" value="no"' in html
    assert 'type="radio"' not in html


def test_rejecting_with_a_note_goes_through_the_service_and_back_to_the_queue(
    client, supervisor, waiting, other_staff
):
    client.force_login(supervisor)

    response = client.post(
        f"/complaints/remedies/{waiting.pk}/decide/",
        {
            f"decide-{waiting.pk}-approve": "no",
            f"decide-{waiting.pk}-note": "Offer store credit instead",
            "next": QUEUE,
        },
    )

    assert response.status_code == 302
    assert response.url == QUEUE
    waiting.refresh_from_db()
    assert waiting.decision == Remedy.Decision.REJECTED
    assert (waiting.decided_by, waiting.decision_note) == (
        supervisor,
        "Offer store credit instead",
    )


def test_approving_without_a_note_is_enough(client, supervisor, waiting):
    client.force_login(supervisor)

    client.post(
        f"/complaints/remedies/{waiting.pk}/decide/", {f"decide-{waiting.pk}-approve": "yes"}
    )

    waiting.refresh_from_db()
    assert waiting.decision == Remedy.Decision.APPROVED


def test_the_queue_of_many_remedies_runs_the_same_queries_as_of_one(
    client, supervisor, other_staff, waiting, django_assert_max_num_queries
):
    for _number in range(40):
        RemedyFactory(complaint=waiting.complaint, proposed_by=other_staff, amount=Decimal("90"))
    client.force_login(supervisor)

    # session, user, permissions (2), authority, count, page, the page's complaints, their
    # customers and the proposers, handoffs, unread notices
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)

    assert len(response.context["page"]) == 25
    assert response.content.decode().count("Your limit") == 25


def test_the_complaint_page_shows_the_deciders_limit_without_repeating_the_words(
    client, supervisor, waiting
):
    client.force_login(supervisor)

    html = client.get(waiting.complaint.get_absolute_url()).content.decode()

    assert "Refund up to 500.00" in html
    assert "In their words" not in html
