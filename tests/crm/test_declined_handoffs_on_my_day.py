"""A declined handoff comes back to its sender's My day with its reason (issue 13, item 9)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.my_day import RETURNED_DAYS, SHOWN
from tests.factories import (
    ComplaintFactory,
    ComplaintHandoffFactory,
    HandoffFactory,
    OnboardingFactory,
)

pytestmark = pytest.mark.django_db


def decline(handoff, reason: str, *, ago=timedelta(hours=1)):
    handoff.declined_at = timezone.now() - ago
    handoff.decline_reason = reason
    handoff.save(update_fields=["declined_at", "decline_reason"])
    return handoff


def sections_of(client, user) -> dict:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {section.key: section for section in response.context["sections"]}, (
        response.content.decode()
    )


def test_the_sender_reads_why_a_complaint_handoff_was_declined(client, staff, other_staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff)
    handoff = decline(
        ComplaintHandoffFactory(complaint=complaint, to_user=other_staff),
        "I am off from Friday, ask Sue",
    )

    sections, html = sections_of(client, staff)

    assert sections["complaint_handoffs_declined"].items == [handoff]
    assert "I am off from Friday, ask Sue" in html
    assert complaint.reference in html
    assert "Complaint handoffs declined" in html


def test_the_sender_reads_why_an_onboarding_handoff_was_declined(client, staff, other_staff):
    onboarding = OnboardingFactory(owner=staff)
    handoff = decline(
        HandoffFactory(onboarding=onboarding, to_user=other_staff), "Support is full this week"
    )

    sections, html = sections_of(client, staff)

    assert sections["onboarding_handoffs_declined"].items == [handoff]
    assert "Support is full this week" in html


def test_the_receiver_and_everyone_else_do_not_see_it(client, staff, other_staff, supervisor):
    complaint = ComplaintFactory(owner=staff, logged_by=staff)
    decline(ComplaintHandoffFactory(complaint=complaint, to_user=other_staff), "Not mine")

    for person in (other_staff, supervisor):
        sections, html = sections_of(client, person)
        assert sections["complaint_handoffs_declined"].items == []
        assert "Complaint handoffs declined" not in html


def test_a_decline_the_sender_acted_on_or_that_no_longer_matters_leaves_my_day(
    client, staff, other_staff, supervisor
):
    # offered again to someone else after the decline
    again = ComplaintFactory(owner=staff, logged_by=staff)
    decline(ComplaintHandoffFactory(complaint=again, to_user=other_staff), "Offered again")
    ComplaintHandoffFactory(complaint=again, to_user=supervisor)
    # the complaint was closed since
    closed = ComplaintFactory(owner=staff, logged_by=staff, status="closed")
    decline(ComplaintHandoffFactory(complaint=closed, to_user=other_staff), "Closed since")
    # the onboarding was completed since
    done = OnboardingFactory(owner=staff, status="completed")
    decline(HandoffFactory(onboarding=done, to_user=other_staff), "Completed since")
    # declined long ago
    old = ComplaintFactory(owner=staff, logged_by=staff)
    decline(
        ComplaintHandoffFactory(complaint=old, to_user=other_staff),
        "Long ago",
        ago=timedelta(days=RETURNED_DAYS + 1),
    )

    sections, html = sections_of(client, staff)

    assert sections["complaint_handoffs_declined"].items == []
    assert sections["onboarding_handoffs_declined"].items == []
    for reason in ("Offered again", "Closed since", "Completed since", "Long ago"):
        assert reason not in html


def test_my_day_shows_the_newest_ten_declines_with_their_total_and_a_link(
    client, staff, other_staff
):
    for number in range(SHOWN + 3):
        complaint = ComplaintFactory(owner=staff, logged_by=staff)
        decline(
            ComplaintHandoffFactory(complaint=complaint, to_user=other_staff),
            f"Reason {number:02d}",
            ago=timedelta(minutes=100 - number),
        )

    sections, html = sections_of(client, staff)

    section = sections["complaint_handoffs_declined"]
    assert [handoff.decline_reason for handoff in section.items] == [
        f"Reason {number:02d}" for number in range(SHOWN + 2, 2, -1)
    ]
    assert section.total == SHOWN + 3
    assert f'href="/complaints/?owner={staff.pk}"' in html
