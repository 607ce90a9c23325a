"""Declining a handoff, complaint or onboarding: the reason goes through one shared form."""

import pytest
from django.contrib.messages import get_messages

from complaints.models import ComplaintHandoff
from crm.forms import DECLINE_REASON_MAX_LENGTH
from onboarding.models import Handoff
from tests.factories import ComplaintFactory, HandoffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint_handoff(staff, other_staff):
    complaint = ComplaintFactory(owner=other_staff)
    return ComplaintHandoff.objects.create(
        complaint=complaint, from_user=other_staff, to_user=staff, note="Over to you"
    )


@pytest.fixture
def onboarding_handoff(staff):
    return HandoffFactory(to_user=staff)


def decline(client, handoff, reason):
    app = "complaints" if isinstance(handoff, ComplaintHandoff) else "onboarding"
    return client.post(f"/{app}/handoffs/{handoff.pk}/decline/", {"reason": reason})


@pytest.fixture(params=["complaint_handoff", "onboarding_handoff"])
def handoff(request):
    return request.getfixturevalue(request.param)


def test_the_form_allows_what_both_handoff_models_store():
    for model in (ComplaintHandoff, Handoff):
        assert model._meta.get_field("decline_reason").max_length == DECLINE_REASON_MAX_LENGTH


def test_a_reason_declines_the_handoff(staff_client, handoff):
    response = decline(staff_client, handoff, "  Off all next week  ")
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert (handoff.decline_reason, handoff.declined_at is not None) == ("Off all next week", True)


@pytest.mark.parametrize(
    ("reason", "says"),
    [
        ("x" * (DECLINE_REASON_MAX_LENGTH + 1), "at most 300 characters"),
        ("Busy\r\nBcc: someone@example.com", "one line"),
        ("", "Say why you decline"),
    ],
)
def test_a_reason_too_long_on_two_lines_or_missing_is_refused_with_a_message(
    staff_client, handoff, reason, says
):
    response = decline(staff_client, handoff, reason)
    assert response.status_code == 302
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(says in text for text in message), message
    handoff.refresh_from_db()
    assert (handoff.declined_at, handoff.decline_reason) == (None, "")


def test_a_reason_with_nul_is_stored_without_it(staff_client, handoff):
    decline(staff_client, handoff, "Off\x00 sick")
    handoff.refresh_from_db()
    assert handoff.decline_reason == "Off sick"
