"""Complaint querysets named for intent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import ComplaintHandoff
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_pending_and_offered_to_keep_only_offers_waiting_for_an_answer(staff, other_staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff)
    answered = [
        ComplaintHandoff.objects.create(
            complaint=complaint,
            from_user=staff,
            to_user=other_staff,
            note="Over to you.",
            **{field: timezone.now() - timedelta(hours=1)},
        )
        for field in ("accepted_at", "declined_at")
    ]
    waiting = ComplaintHandoff.objects.create(
        complaint=complaint, from_user=staff, to_user=other_staff, note="Over to you."
    )

    assert list(ComplaintHandoff.objects.pending()) == [waiting]
    assert list(complaint.handoffs.pending()) == [waiting]
    assert list(ComplaintHandoff.objects.offered_to(other_staff)) == [waiting]
    assert list(ComplaintHandoff.objects.offered_to(staff)) == []
    assert not set(answered) & set(ComplaintHandoff.objects.pending())
