"""The complaint page says what to do next: the step its running clock waits for is open."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.detail import next_step
from complaints.models import Complaint
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

ALL_STEPS = ["acknowledge", "customer_update", "resolve", "note"]


def hours(n: float):
    return timezone.now() + timedelta(hours=n)


def test_a_new_complaint_is_to_be_acknowledged_by_its_first_response():
    complaint = ComplaintFactory.build(first_response_due=hours(1))
    assert next_step(complaint, ALL_STEPS) == {
        "action": "acknowledge",
        "due": complaint.first_response_due,
    }


def test_a_late_first_response_still_comes_before_anything_else():
    complaint = ComplaintFactory.build(first_response_due=hours(-2), next_update_due=hours(-3))
    assert next_step(complaint, ALL_STEPS)["action"] == "acknowledge"


def test_once_acknowledged_the_update_clock_is_next_when_it_is_nearer():
    complaint = ComplaintFactory.build(
        status=Complaint.Status.INVESTIGATING,
        acknowledged_at=hours(-1),
        next_update_due=hours(3),
        resolution_due=hours(40),
    )
    assert next_step(complaint, ALL_STEPS) == {
        "action": "customer_update",
        "due": complaint.next_update_due,
    }


def test_resolving_is_next_when_the_resolution_is_nearer():
    complaint = ComplaintFactory.build(
        status=Complaint.Status.INVESTIGATING,
        acknowledged_at=hours(-30),
        next_update_due=hours(10),
        resolution_due=hours(2),
    )
    assert next_step(complaint, ALL_STEPS)["action"] == "resolve"


def test_a_step_the_person_may_not_take_gives_way_to_the_next_clock():
    # Awaiting approval: nobody may resolve yet, but the customer still needs updates.
    complaint = ComplaintFactory.build(
        status=Complaint.Status.AWAITING_APPROVAL,
        acknowledged_at=hours(-30),
        next_update_due=hours(10),
        resolution_due=hours(2),
    )
    assert next_step(complaint, ["customer_update", "note"])["action"] == "customer_update"
    assert next_step(complaint, ["note"]) is None


def test_no_step_is_next_while_the_clock_is_paused_or_after_resolution():
    paused = ComplaintFactory.build(
        status=Complaint.Status.WAITING_ON_CUSTOMER, acknowledged_at=hours(-1), paused_at=hours(-1)
    )
    resolved = ComplaintFactory.build(status=Complaint.Status.RESOLVED, acknowledged_at=hours(-9))
    assert next_step(paused, ALL_STEPS) is None
    assert next_step(resolved, ALL_STEPS) is None


def _details(html: str) -> list[tuple[str, str]]:
    """Return each next-step disclosure on the page as (its opening tag, its action name)."""
    return re.findall(r'(<details class="[^"]*" id="action-([a-z_]+)"[^>]*>)', html)


def test_the_page_opens_and_highlights_the_next_step_first_with_its_deadline(
    client, staff, time_machine
):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=False)
    complaint = ComplaintFactory(owner=staff, logged_by=staff)
    client.force_login(staff)

    html = client.get(complaint.get_absolute_url()).content.decode()

    steps = _details(html)
    first_tag, first_name = steps[0]
    assert first_name == "acknowledge"
    assert "tend-next-step" in first_tag and " open" in first_tag
    # The others stay folded and plain.
    for tag, name in steps[1:]:
        assert "tend-next-step" not in tag and " open" not in tag, name
    assert 'id="next-step-due"' in html
    assert "Mon 23 Nov, 11:00" in html.split('id="next-step-due"')[1].split("</p>")[0]


def test_after_acknowledging_the_update_step_is_the_one_open(client, staff):
    complaint = ComplaintFactory(
        owner=staff,
        logged_by=staff,
        status=Complaint.Status.INVESTIGATING,
        acknowledged_at=hours(-1),
        next_update_due=hours(2),
        resolution_due=hours(30),
    )
    client.force_login(staff)

    steps = _details(client.get(complaint.get_absolute_url()).content.decode())

    assert [name for tag, name in steps if "tend-next-step" in tag] == ["customer_update"]
    assert steps[0][1] == "customer_update"
