"""The follow-ups' clock on the deadline ladder: what is due and what the notice says."""

import pytest

from crm import ladder
from crm.models import Notice
from customers import services
from customers.ladders import FOLLOW_UPS_OVERDUE
from customers.models import FollowUp
from tests.crm.ladder_clocks import PAST_DUE, REMIND_AT
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _london(settings, weekdays_nine_to_five):
    settings.TIME_ZONE = "Europe/London"


def sweep():
    return ladder.sweep(now=REMIND_AT, ladders=[FOLLOW_UPS_OVERDUE]).per_ladder["followup_overdue"]


def test_the_line_names_the_customer_the_subject_the_due_time_and_a_promise(staff):
    FollowUpFactory(
        owner=staff,
        customer=CustomerFactory(name="Acme"),
        subject="Send the quote",
        due_at=PAST_DUE,
        promised_to_customer=True,
    )

    sweep()

    body = Notice.objects.get(recipient=staff).body
    assert (
        "- Acme: Send the quote, due Fri 06 Mar 10:00 (the customer was promised this time)"
        in (body)
    )


@pytest.mark.parametrize("status", [FollowUp.Status.DONE, FollowUp.Status.CANCELLED])
def test_a_finished_follow_up_is_not_due(staff, status):
    FollowUpFactory(owner=staff, due_at=PAST_DUE, status=status, completed_at=PAST_DUE)

    assert sweep() == (0, 0)


def test_reassigning_tells_the_new_owner_afresh(staff, other_staff, supervisor, clock):
    follow_up = FollowUpFactory(owner=staff, due_at=PAST_DUE)
    sweep()
    clock.set(REMIND_AT)

    services.reassign_follow_up(actor=supervisor, follow_up=follow_up, owner=other_staff)
    ladder.sweep(now=REMIND_AT, ladders=[FOLLOW_UPS_OVERDUE])

    assert Notice.objects.filter(recipient=other_staff, subject="1 overdue follow-up").exists()
